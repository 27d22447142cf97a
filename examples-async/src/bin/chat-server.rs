//! The guide's §11 chat server, for real: TCP clients on one thread, each
//! line broadcast to everyone.
//!
//! §11 pretends: its "clients" are sleeps. This is the server those sleeps
//! stand for. One `current_thread` runtime accepts connections and runs two
//! small tasks per client: one reads the client's lines and publishes them
//! on a `tokio::sync::broadcast` channel, the other forwards everything
//! published to the client. Joins and leaves are announced, and senders get
//! their own lines back too, in the one order everyone saw. It listens on
//! 127.0.0.1 only: nothing outside this machine can reach it.
//!
//! You can test this out by running, in one terminal:
//!
//!     cargo run -p examples-async --bin chat-server
//!
//! and in two or more other terminals:
//!
//!     cargo run -p examples-async --bin chat-server -- client
//!
//! (or `nc 127.0.0.1 6142`). Type a name, then lines; every client, you
//! too, sees them. Ctrl-D leaves, Ctrl-C stops the server. A port can follow
//! either command (`-- 7000`, `-- client 7000`); port 0 picks a free one.
//! Without a second terminal, run the scripted demo, which starts the server
//! and five clients in this one process and stops by itself:
//!
//!     cargo run -p examples-async --bin chat-server -- demo
//!
//! What to look for: a client that sends a line longer than 8 KiB is told so
//! and disconnected, a client that vanishes in the middle of a line just
//! leaves, and everyone else carries on. Memory stays bounded however long
//! a line is or however slowly a client reads (`tests/chat.rs` has the load
//! run with 200 clients; see the crate README).
//!
//! What Rust changes: nothing in the language makes a server bounded; each
//! buffer is a choice. `lines()` or `read_line` alone keep reading until a
//! newline, however far away it is; here every read goes through
//! `take(MAX_LINE + 1)`. The broadcast channel has a fixed
//! capacity: a client that reads too slowly does not slow the others down,
//! it skips messages and `recv` tells it how many (`RecvError::Lagged`).
//! And the compiler checks that each task owns what it uses: the stream is
//! split into a read half and a write half so two tasks can hold one each.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, BufWriter};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, oneshot};

const DEFAULT_PORT: u16 = 6142;
/// The longest line a client may send, in bytes, not counting the newline.
const MAX_LINE: usize = 8 * 1024;
/// Names longer than this are cut.
const MAX_NAME: usize = 32;
/// How many messages the broadcast channel keeps for clients that are
/// behind. A client further behind than this skips the oldest and is told.
const HISTORY: usize = 1024;
/// After refusing a line, how long and how much to keep reading (and
/// discarding) so that the refusal reaches the client; see `drain`.
const DRAIN_TIME: Duration = Duration::from_secs(2);
const DRAIN_BYTES: u64 = 16 * 1024 * 1024;
/// How long a leaving client's forwarder may take to flush its last lines.
const FLUSH_TIME: Duration = Duration::from_secs(5);

/// One published line, ending with a newline. Every subscriber gets a
/// clone; for an `Arc<str>` that is a reference count, not a copy.
type Message = Arc<str>;

fn message(text: String) -> Message {
    format!("{text}\n").into()
}

/// What one bounded read produced.
enum Line {
    Text(String),
    /// More than `MAX_LINE` bytes and still no newline.
    TooLong,
    /// The client closed its side; `unfinished` bytes came after the last
    /// newline (a client that vanished in the middle of a line).
    Closed {
        unfinished: usize,
    },
}

// ---------------------------------------------------------------- server

/// Accepts clients forever; each one gets its own task.
async fn serve(listener: TcpListener) {
    // The server keeps the sending side alive, so the channel never closes;
    // each client subscribes a receiver of its own.
    let (hub, _) = broadcast::channel::<Message>(HISTORY);
    let mut clients = 0;
    loop {
        match listener.accept().await {
            Ok((stream, _peer)) => {
                clients += 1;
                tokio::spawn(handle_client(stream, clients, hub.clone()));
            }
            // For example "too many open files": log it, give clients time
            // to leave, and keep serving those already connected.
            Err(e) => {
                eprintln!("server: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// One client, from its first byte to its last.
async fn handle_client(stream: TcpStream, number: u64, hub: broadcast::Sender<Message>) {
    // Owned halves: the read half stays with this task, the write half
    // moves into the forwarder task.
    let (read_half, mut write_half) = stream.into_split();
    let mut reader = BufReader::new(read_half);
    let mut buf = Vec::new();

    let ask = write_half.write_all(b"* welcome! what is your name?\n");
    if ask.await.is_err() {
        return;
    }
    let name = match read_line_bounded(&mut reader, &mut buf).await {
        Ok(Line::Text(text)) => pick_name(&text, number),
        Ok(Line::TooLong) => return refuse(reader, write_half).await,
        Ok(Line::Closed { .. }) | Err(_) => return,
    };

    // Log before announcing, so the log line comes before anything a client
    // sees because of it.
    println!("server: {name} joined");
    // Subscribe, then announce: from here on this client receives every
    // message, its own lines included (they show it the order everyone
    // saw, and make "you missed N" exact).
    let inbox = hub.subscribe();
    let (quit, quit_rx) = oneshot::channel();
    let mut forwarder = tokio::spawn(forward(write_half, inbox, quit_rx));
    // `send` fails only when nobody is subscribed: nothing to do then.
    let _ = hub.send(message(format!("* {name} joined")));

    let (why, farewell) = loop {
        match read_line_bounded(&mut reader, &mut buf).await {
            Ok(Line::Text(text)) => {
                let _ = hub.send(message(format!("{name}: {text}")));
                // Let the forwarders deliver this line before we publish the
                // next. Otherwise a client that sent many lines at once has
                // them all published in one turn (its input is already
                // buffered, so no read waits), racing every other client
                // past HISTORY, and they all get "you missed" notices.
                tokio::task::yield_now().await;
            }
            Ok(Line::Closed { unfinished: 0 }) => break ("left".to_string(), None),
            Ok(Line::Closed { unfinished }) => {
                let why = format!("vanished mid-line ({unfinished} bytes dropped)");
                break (why, None);
            }
            Ok(Line::TooLong) => {
                let notice = format!("* your line is longer than {MAX_LINE} bytes; goodbye\n");
                break (format!("sent a line over {MAX_LINE} bytes"), Some(notice));
            }
            Err(e) => break (format!("lost: {e}"), None),
        }
    };
    println!("server: {name} {why}");
    let refused = farewell.is_some();
    let _ = quit.send(farewell);
    let _ = hub.send(message(format!("* {name} left")));
    if refused {
        drain(reader).await;
    }
    // A client that stopped reading could keep the forwarder stuck in a
    // write forever; give it a moment to flush, then stop it.
    if tokio::time::timeout(FLUSH_TIME, &mut forwarder)
        .await
        .is_err()
    {
        forwarder.abort();
    }
}

/// Reads one line of at most `MAX_LINE` bytes into `buf`.
async fn read_line_bounded(
    reader: &mut BufReader<OwnedReadHalf>,
    buf: &mut Vec<u8>,
) -> io::Result<Line> {
    buf.clear();
    // `read_until` stops at a newline or at the end of its input. `take`
    // makes the input end after MAX_LINE + 1 bytes, so `buf` can never grow
    // past that, whatever the client sends.
    let mut limited = reader.take(MAX_LINE as u64 + 1);
    limited.read_until(b'\n', buf).await?;
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop(); // telnet and Windows clients end lines with \r\n
        }
        // Invalid UTF-8 becomes U+FFFD instead of an error.
        Ok(Line::Text(String::from_utf8_lossy(buf).into_owned()))
    } else if buf.len() > MAX_LINE {
        Ok(Line::TooLong)
    } else {
        Ok(Line::Closed {
            unfinished: buf.len(),
        })
    }
}

fn pick_name(text: &str, number: u64) -> String {
    let name: String = text.trim().chars().take(MAX_NAME).collect();
    if name.is_empty() {
        format!("guest{number}")
    } else {
        name
    }
}

/// The write side of one client: forwards every message until told to
/// quit (with a last line to send, or none).
async fn forward(
    write_half: OwnedWriteHalf,
    mut inbox: broadcast::Receiver<Message>,
    mut quit: oneshot::Receiver<Option<String>>,
) {
    // Buffered: when many messages are waiting, they leave in one write.
    let mut out = BufWriter::new(write_half);
    loop {
        let text: Message = tokio::select! {
            // `biased`: check `quit` first, so a leaving client's last line
            // is the farewell, not whatever else happens to be waiting.
            biased;
            farewell = &mut quit => {
                if let Ok(Some(text)) = farewell {
                    let _ = out.write_all(text.as_bytes()).await;
                }
                // Flush what is buffered, then close our direction (FIN).
                let _ = out.shutdown().await;
                return;
            }
            received = inbox.recv() => match received {
                Ok(text) => text,
                // This client fell more than HISTORY messages behind: the
                // channel dropped the oldest for it; say how many.
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    message(format!("* you missed {n} messages (reading too slowly)"))
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
        };
        if out.write_all(text.as_bytes()).await.is_err() {
            return; // the client is gone; its reader will notice too
        }
        // Write to the socket once nothing else is waiting (and only then):
        // a burst of messages leaves in one system call.
        if inbox.is_empty() && out.flush().await.is_err() {
            return;
        }
    }
}

/// Disconnects a client whose very first line (its name) was too long.
async fn refuse(reader: BufReader<OwnedReadHalf>, mut write_half: OwnedWriteHalf) {
    println!("server: a client sent a name line over {MAX_LINE} bytes");
    let notice = format!("* your line is longer than {MAX_LINE} bytes; goodbye\n");
    let _ = write_half.write_all(notice.as_bytes()).await;
    let _ = write_half.shutdown().await;
    drain(reader).await;
}

/// Reads and discards what the client is still sending, for a while.
/// Closing a socket with unread input makes the kernel answer with a reset:
/// a client still sending then fails ("broken pipe") before it reads our
/// last line, and some TCP stacks discard received data on a reset. So
/// after refusing a line we close our direction first and keep reading
/// (through a fixed 8 KiB buffer inside `copy`) until the client closes,
/// DRAIN_BYTES have passed, or DRAIN_TIME is up: a "lingering close".
async fn drain(reader: BufReader<OwnedReadHalf>) {
    let (mut rest, mut nowhere) = (reader.take(DRAIN_BYTES), tokio::io::sink());
    let discard = tokio::io::copy(&mut rest, &mut nowhere);
    let _ = tokio::time::timeout(DRAIN_TIME, discard).await;
}

// ---------------------------------------------------------------- client

/// A terminal client. One connection needs no event loop: one thread copies
/// the keyboard to the server while this one copies the server to the
/// screen. (The server cannot tell what its clients are written in.)
fn run_client(port: u16) -> io::Result<()> {
    let stream = std::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
    let to_server = stream.try_clone()?;
    // Not joined: when the server closes, `main` returns and ends it.
    std::thread::spawn(move || {
        let _ = io::copy(&mut io::stdin().lock(), &mut &to_server);
        // Ctrl-D: tell the server we are done; it then closes its side.
        let _ = to_server.shutdown(Shutdown::Write);
    });
    let mut screen = io::stdout().lock();
    let mut from_server = &stream;
    let mut chunk = [0u8; 4096];
    loop {
        let n = from_server.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        screen.write_all(&chunk[..n])?;
        screen.flush()?;
    }
}

// ------------------------------------------------------------------ demo

/// A scripted client for the demo. It prints every line it receives as
/// `[name] line`, so the output shows who saw what.
struct Bot {
    name: &'static str,
    lines: tokio::io::Lines<BufReader<OwnedReadHalf>>,
    out: OwnedWriteHalf,
}

impl Bot {
    /// Connects, reads the welcome, sends its name, reads its own join.
    async fn join(addr: SocketAddr, name: &'static str) -> io::Result<Bot> {
        let (read_half, out) = TcpStream::connect(addr).await?.into_split();
        // The server's lines are bounded, so plain `lines()` is fine here.
        let mut bot = Bot {
            name,
            lines: BufReader::new(read_half).lines(),
            out,
        };
        bot.expect().await?;
        bot.say(name).await?;
        bot.expect().await?;
        Ok(bot)
    }

    async fn say(&mut self, text: &str) -> io::Result<()> {
        self.out.write_all(format!("{text}\n").as_bytes()).await
    }

    /// Waits for the next line (never longer than 10 s) and prints it.
    async fn expect(&mut self) -> io::Result<()> {
        let next = tokio::time::timeout(Duration::from_secs(10), self.lines.next_line());
        let line = match next.await {
            Ok(Ok(Some(line))) => line,
            Ok(Ok(None)) => "(the server closed the connection)".to_string(),
            Ok(Err(e)) => return Err(e),
            Err(_) => return Err(io::Error::new(io::ErrorKind::TimedOut, "no line in 10 s")),
        };
        println!("[{}] {line}", self.name);
        Ok(())
    }
}

/// The server and five scripted clients in one process. Each step waits
/// for what it caused, so the output has one possible order, no sleeps.
async fn demo() -> io::Result<()> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = listener.local_addr()?;
    println!("Chat server listening on {addr} (demo: it stops by itself)");
    tokio::spawn(serve(listener));

    let mut alice = Bot::join(addr, "alice").await?;
    let mut bob = Bot::join(addr, "bob").await?;
    alice.expect().await?; // * bob joined
    alice.say("hi bob").await?;
    alice.expect().await?; // her own line comes back too
    bob.expect().await?;
    bob.say("hello alice").await?;
    bob.expect().await?;
    alice.expect().await?;

    // carol sends 1 MiB without a newline: refused after 8 KiB.
    let mut carol = Bot::join(addr, "carol").await?;
    alice.expect().await?;
    bob.expect().await?;
    carol.out.write_all(&vec![b'x'; 1024 * 1024]).await?;
    carol.out.shutdown().await?;
    carol.expect().await?; // the notice
    carol.expect().await?; // the end of the connection
    alice.expect().await?;
    bob.expect().await?;

    // dave vanishes in the middle of a line.
    let mut dave = Bot::join(addr, "dave").await?;
    alice.expect().await?;
    bob.expect().await?;
    dave.out.write_all(b"i was just about to sa").await?;
    drop(dave);
    alice.expect().await?;
    bob.expect().await?;

    // The server is unharmed: bob still hears alice, and erin gets in.
    alice.say("still here?").await?;
    alice.expect().await?;
    bob.expect().await?;
    let mut erin = Bot::join(addr, "erin").await?;
    alice.expect().await?;
    bob.expect().await?;
    erin.say("made it").await?;
    erin.expect().await?;
    alice.expect().await?;
    bob.expect().await?;
    println!("demo: done (the server never stopped serving)");
    Ok(())
}

// ------------------------------------------------------------------ main

const USAGE: &str = "usage: chat-server [PORT] | chat-server client [PORT] | chat-server demo";

enum Mode {
    Serve(u16),
    Client(u16),
    Demo,
}

fn parse_args() -> Result<Mode, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let port = |text: &str| {
        text.parse::<u16>()
            .map_err(|_| format!("not a port: {text}\n{USAGE}"))
    };
    match args.as_slice() {
        [] => Ok(Mode::Serve(DEFAULT_PORT)),
        ["demo"] => Ok(Mode::Demo),
        ["client"] => Ok(Mode::Client(DEFAULT_PORT)),
        ["client", number] => Ok(Mode::Client(port(number)?)),
        [number] => Ok(Mode::Serve(port(number)?)),
        _ => Err(USAGE.to_string()),
    }
}

async fn run_server(port: u16) -> io::Result<()> {
    // Loopback only: a teaching server has no business being reachable
    // from the network.
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
    let port = listener.local_addr()?.port();
    println!("Chat server listening on 127.0.0.1:{port} (loopback only)");
    println!("Connect from other terminals with:");
    println!("    cargo run -p examples-async --bin chat-server -- client {port}");
    println!("or: nc 127.0.0.1 {port}   (Ctrl-C stops the server)");
    serve(listener).await;
    Ok(())
}

fn main() -> ExitCode {
    let mode = match parse_args() {
        Ok(mode) => mode,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    // What `#[tokio::main(flavor = "current_thread")]` writes for you: a
    // one-thread runtime with its timer and I/O driver, blocking on one
    // future. The terminal client needs no runtime at all.
    let runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    };
    let result = match mode {
        Mode::Serve(port) => runtime()
            .and_then(|rt| rt.block_on(run_server(port)))
            .map_err(|e| format!("chat-server: cannot listen on 127.0.0.1:{port}: {e}")),
        Mode::Client(port) => {
            run_client(port).map_err(|e| format!("chat-server client: 127.0.0.1:{port}: {e}"))
        }
        Mode::Demo => runtime()
            .and_then(|rt| rt.block_on(demo()))
            .map_err(|e| format!("chat-server demo: {e}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
