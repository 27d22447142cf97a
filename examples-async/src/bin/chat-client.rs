//! Guide §11, the event loop's chat from the other side: a terminal client for
//! `chat-server` with no event loop at all, two threads for one connection.
//!
//! Run: `cargo run -p examples-async --bin chat-client` (after starting
//! `chat-server`); a port may follow: `-- 7000`. Ctrl-D leaves.
//!
//! Look for: one thread copying the keyboard to the server, one copying the
//! server to the screen; when the server closes the connection the client
//! says so and exits.
//!
//! What Rust changes: `Read` and `Write` are implemented for `&TcpStream` too,
//! and `try_clone` gives the keyboard thread its own handle to the same
//! socket: no lock.
//!
//! New here: `TcpStream`, `io::copy`, `Shutdown::Write`, a detached thread.
//!
//! Try: stop the server while the client runs.
//!
//! Copy: std only, no dependencies.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Shutdown, TcpStream};
use std::process::ExitCode;
use std::thread;

const DEFAULT_PORT: u16 = 6142;
const USAGE: &str = "usage: chat-client [PORT]";

fn port_arg() -> Result<u16, String> {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    match args.as_slice() {
        [] => Ok(DEFAULT_PORT),
        [arg] => arg
            .to_str()
            .and_then(|text| text.parse().ok())
            .ok_or_else(|| format!("not a port: {arg:?} ({USAGE})")),
        _ => Err(format!("too many arguments ({USAGE})")),
    }
}

fn run_client(port: u16) -> Result<(), String> {
    let stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port))
        .map_err(|e| format!("cannot connect to 127.0.0.1:{port}: {e}"))?;
    let to_server = stream
        .try_clone()
        .map_err(|e| format!("TcpStream::try_clone failed: {e}"))?;
    // Not joined: when the server closes, `main` returns and ends it.
    thread::Builder::new()
        .spawn(move || {
            let _ = io::copy(&mut io::stdin().lock(), &mut &to_server);
            // Ctrl-D: tell the server we are done; it then closes its side.
            let _ = to_server.shutdown(Shutdown::Write);
        })
        .map_err(|e| format!("thread::Builder::spawn failed for the keyboard reader: {e}"))?;
    let mut screen = io::stdout().lock();
    let mut from_server = &stream;
    let mut chunk = [0u8; 4096];
    loop {
        let n = from_server
            .read(&mut chunk)
            .map_err(|e| format!("reading from the server failed: {e}"))?;
        if n == 0 {
            eprintln!("chat-client: the server closed the connection");
            return Ok(());
        }
        screen
            .write_all(&chunk[..n])
            .and_then(|()| screen.flush())
            .map_err(|e| format!("writing to stdout failed: {e}"))?;
    }
}

fn main() -> ExitCode {
    let result = port_arg()
        .map_err(|e| (e, 2))
        .and_then(|port| run_client(port).map_err(|e| (e, 1)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err((message, code)) => {
            eprintln!("error: {message}");
            ExitCode::from(code)
        }
    }
}
