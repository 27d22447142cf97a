//! Guide §11, the event loop for real: the chat server the event loop's
//! sleeps stand for. The server is `src/chat.rs`.
//!
//! Run: `cargo run -p examples-async --bin chat-server`, then in other
//! terminals `cargo run -p examples-async --bin chat-client` (or `nc
//! 127.0.0.1 6142`). Arguments: `[PORT [MAX_CONNECTIONS [NAME_SECONDS]]]`.
//!
//! Look for: its log while clients come and go: joins, leaves, a line over
//! 8 KiB refused, a connection that sends no name dropped after 5 s, the
//! connection cap, `accept` failures backed off.
//!
//! What Rust changes: no buffer is bounded unless you bound it; the compiler
//! checks that each task owns what it uses (the stream split in two halves).
//!
//! New here: `TcpListener`, `select!` over SIGINT and SIGTERM (`tokio::signal::unix`).
//!
//! Try: press Ctrl-C with clients connected: each is told "shutting down"
//! after its last messages, and the server exits 0 within 3 s (SIGTERM too).
//!
//! Copy: needs this crate's library (`src/chat.rs`) and tokio.

use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::time::Duration;

use examples_async::chat::{self, DEFAULT_PORT, Limits};
use tokio::net::TcpListener;
use tokio::signal::unix::{SignalKind, signal};

const USAGE: &str = "usage: chat-server [PORT [MAX_CONNECTIONS [NAME_SECONDS]]]";

/// The arguments, each optional from the right; one error line if bad.
fn parse_args() -> Result<(u16, Limits), String> {
    let mut limits = Limits::default();
    let mut args = Vec::new();
    for arg in std::env::args_os().skip(1) {
        let text = arg
            .into_string()
            .map_err(|arg| format!("not UTF-8: {arg:?} ({USAGE})"))?;
        args.push(text);
    }
    let number = |text: &str, what: &str, max: u64| match text.parse::<u64>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(format!("not {what}: {text:?} ({USAGE})")),
    };
    if args.len() > 3 {
        return Err(format!("too many arguments ({USAGE})"));
    }
    let port = match args.first() {
        Some(text) => number(text, "a port", u64::from(u16::MAX))? as u16,
        None => DEFAULT_PORT,
    };
    if let Some(text) = args.get(1) {
        limits.max_connections = number(text, "a connection count", 1 << 20)?.max(1) as usize;
    }
    if let Some(text) = args.get(2) {
        limits.name_timeout =
            Duration::from_secs(number(text, "a number of seconds", 3600)?.max(1));
    }
    Ok((port, limits))
}

/// Completes with the signal's name at the first SIGINT (Ctrl-C) or
/// SIGTERM (`kill`, systemd, docker stop). The handlers are installed here,
/// before the future is first polled: from this call on, neither signal
/// kills the process.
fn stop_signal() -> Result<impl Future<Output = &'static str>, String> {
    let listen = |kind, name| signal(kind).map_err(|e| format!("cannot handle {name}: {e}"));
    let mut interrupt = listen(SignalKind::interrupt(), "SIGINT")?;
    let mut terminate = listen(SignalKind::terminate(), "SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => "SIGINT",
            _ = terminate.recv() => "SIGTERM",
        }
    })
}

async fn run_server(port: u16, limits: Limits) -> Result<(), String> {
    // Before the first line is printed, so a signal sent as soon as the
    // server says it listens already finds the handlers.
    let shutdown = stop_signal()?;
    // Loopback only: a teaching server has no business being reachable
    // from the network.
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    println!("Chat server listening on 127.0.0.1:{port} (loopback only)");
    println!("Connect from other terminals with:");
    println!("    cargo run -p examples-async --bin chat-client -- {port}");
    println!("or: nc 127.0.0.1 {port}   (Ctrl-C stops the server, telling the clients)");
    chat::serve(listener, limits, shutdown).await;
    Ok(())
}

fn main() -> ExitCode {
    let (port, limits) = match parse_args() {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    // What `#[tokio::main(flavor = "current_thread")]` writes for you: a
    // one-thread runtime with its timer and I/O driver, blocking on one
    // future.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let result = match runtime {
        Ok(runtime) => runtime.block_on(run_server(port, limits)),
        Err(e) => Err(format!("cannot build the tokio runtime: {e}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
