//! Guide §11, the event loop's chat for real: the chat server and five scripted
//! clients in one process, so the server can be watched without a second
//! terminal; it stops by itself.
//!
//! Run: `cargo run -p examples-async --bin chat-demo`
//!
//! Look for: who sees what (`[name] line`): a conversation, a 1 MiB line
//! without a newline refused after 8 KiB, a client that vanishes mid-line,
//! a newcomer afterwards, and the graceful shutdown Ctrl-C starts in
//! `chat-server`: each client gets what it is owed, then "shutting down".
//! Each step waits for the line it caused: the transcript has one order.
//!
//! What Rust changes: the clients are futures on the server's own thread;
//! `tokio::spawn` runs the server beside them, no second thread needed.
//!
//! New here: `TcpStream::into_split`, `oneshot` channels, `BufReader::lines`.
//!
//! Try: make carol's line 8192 bytes plus a newline: it gets through.
//!
//! Copy: needs this crate's library (`src/chat.rs`) and tokio.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use examples_async::chat::{self, Limits};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

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
    // The shutdown `chat-server` starts on Ctrl-C, started here by a call:
    // the server stops when this future completes.
    let (stop, stopped) = oneshot::channel::<()>();
    let shutdown = async {
        let _ = stopped.await;
        "the demo asked"
    };
    let server = tokio::spawn(chat::serve(listener, Limits::default(), shutdown));

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

    println!("demo: now the shutdown that Ctrl-C starts in chat-server");
    // Graceful shutdown. alice's line is published (she reads it back), but
    // bob and erin have not read it yet: the server owes it to them, and
    // delivers it before the notice.
    alice.say("good night").await?;
    alice.expect().await?;
    let _ = stop.send(());
    alice.expect().await?; // the notice
    alice.expect().await?; // the end of the connection
    for bot in [&mut bob, &mut erin] {
        bot.expect().await?; // alice: good night
        bot.expect().await?; // the notice
        bot.expect().await?; // the end of the connection
    }
    // Closing our side lets the server finish: it waits for each client to
    // close (up to chat::SHUTDOWN_TIME) so that nothing it sent is reset.
    drop((alice, bob, erin));
    server.await.map_err(io::Error::other)?;
    println!("demo: the server has stopped");
    Ok(())
}

// One thread runs the server and every client, like asyncio's event loop.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match demo().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: chat demo: {e}");
            ExitCode::FAILURE
        }
    }
}
