//! The chat server: TCP clients on one thread, each line broadcast to all.
//!
//! The guide's §11 pretends with sleeps; this is the server they stand for.
//! A `current_thread` runtime accepts connections and runs two tasks per
//! client: one reads the client's lines and publishes them on a
//! `tokio::sync::broadcast` channel, the other forwards what is published.
//! Everything is bounded: line length (`take`), history (the channel's
//! capacity, "you missed N" when behind), connections ([`Limits`]), the time
//! to send a name, the time a leaving client may take to flush. `accept`
//! errors (out of file descriptors) back off instead of spinning. It binds
//! 127.0.0.1 only (the binaries do). Run by `chat-server` and `chat-demo`.
//!
//! Shutdown is graceful and bounded: when the future given to [`serve`]
//! completes (Ctrl-C or SIGTERM in `chat-server`, a call in `chat-demo`), it
//! stops accepting, publishes "shutting down" after everything already
//! published, lets each client's forwarder flush up to that line, and
//! returns once every connection is closed, or after [`SHUTDOWN_TIME`],
//! cutting off the clients that do not read.

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, BufWriter};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, broadcast, oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};

/// The port `chat-server` and `chat-client` use unless told otherwise.
pub const DEFAULT_PORT: u16 = 6142;
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
/// After a failed `accept` (typically "too many open files"), wait this
/// long before the next try, doubling up to `BACKOFF_MAX` while it fails.
const BACKOFF_START: Duration = Duration::from_millis(50);
const BACKOFF_MAX: Duration = Duration::from_secs(1);
/// Once shutdown starts, how long the clients have to receive what they are
/// owed and close. A client that does not read is cut off at this bound, so
/// it cannot hold the server's exit.
pub const SHUTDOWN_TIME: Duration = Duration::from_secs(3);
/// The last line every client receives when the server stops.
const SHUTDOWN_NOTICE: &str = "* the server is shutting down; goodbye\n";

/// What the server lets its clients hold.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Connections at once, named or not; one more is refused with a line.
    pub max_connections: usize,
    /// How long a new connection may take to send its name; a connection
    /// that sends nothing must not hold a file descriptor forever.
    pub name_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_connections: 1000,
            name_timeout: Duration::from_secs(5),
        }
    }
}

/// What the broadcast channel carries. Every subscriber gets a clone; for
/// an `Arc<str>` that is a reference count, not a copy.
#[derive(Clone)]
enum Message {
    /// One published line, ending with a newline.
    Line(Arc<str>),
    /// The server is stopping: everything published before this has been
    /// delivered once a forwarder reaches it, so it sends the notice and
    /// closes. Lines published after it are never delivered.
    ShuttingDown,
}

fn message(text: String) -> Message {
    Message::Line(format!("{text}\n").into())
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

/// Accepts clients, each in its own task, until `shutdown` completes with
/// its reason (e.g. "SIGINT"); then stops them all, within SHUTDOWN_TIME.
pub async fn serve(
    listener: TcpListener,
    limits: Limits,
    shutdown: impl Future<Output = &'static str>,
) {
    // The server keeps the sending side alive, so the channel never closes;
    // each client subscribes a receiver of its own.
    let (hub, _) = broadcast::channel::<Message>(HISTORY);
    // The shutdown signal for the client tasks: `true` once it starts.
    let (stop, stopped) = watch::channel(false);
    // One permit per connection, returned when its task ends.
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    // Every connection's task, so that shutdown can wait for them (or cut
    // them off); finished ones are collected as we go.
    let mut tasks = JoinSet::new();
    let mut clients = 0;
    let mut failures = 0u32;
    // Pinned, and polled by reference in each `select!` below: the same
    // future every time, so no signal is lost between iterations.
    let mut shutdown = std::pin::pin!(shutdown);
    let reason = loop {
        // Cancellation safety: when one arm wins, the others are dropped.
        // `&mut shutdown` drops only a reference; `accept` is cancel-safe
        // (a connection is taken from the kernel's queue only when it
        // returns it), and so is `join_next` (a finished task's result
        // stays in the set).
        let accepted = tokio::select! {
            reason = &mut shutdown => break reason,
            accepted = listener.accept() => accepted,
            Some(_) = tasks.join_next() => continue,
        };
        let (stream, _peer) = match accepted {
            Ok(accepted) => accepted,
            // For example "too many open files": the connection waits in the
            // kernel's queue. Retrying at once would spin (the listener stays
            // ready) and fill the log, so wait, longer each time, while the
            // clients already connected carry on (and may free descriptors).
            Err(e) => {
                if failures == 0 {
                    eprintln!(
                        "server: accept failed: {e}; retrying, backing off up to {BACKOFF_MAX:?}"
                    );
                }
                let pause = BACKOFF_START.saturating_mul(1 << failures.min(5));
                failures += 1;
                tokio::select! {
                    reason = &mut shutdown => break reason,
                    () = tokio::time::sleep(pause.min(BACKOFF_MAX)) => continue,
                }
            }
        };
        if failures > 0 {
            eprintln!("server: accepting again after {failures} failed attempts");
            failures = 0;
        }
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            // Full: say so without waiting (a fresh socket's send buffer is
            // empty, so `try_write` takes the whole line), then close.
            let max = limits.max_connections;
            let line = format!("* the server is full ({max} connections); try again later\n");
            let _ = stream.try_write(line.as_bytes());
            println!("server: refused a connection: {max} already connected");
            continue;
        };
        clients += 1;
        let (hub, stopped) = (hub.clone(), stopped.clone());
        tasks.spawn(async move {
            handle_client(stream, clients, hub, stopped, limits.name_timeout).await;
            drop(slot);
        });
    };
    shut_down(listener, tasks, &hub, stop, reason).await;
}

/// Stops accepting, tells every client, waits for them within
/// SHUTDOWN_TIME, and cuts off the ones still there.
async fn shut_down(
    listener: TcpListener,
    mut tasks: JoinSet<()>,
    hub: &broadcast::Sender<Message>,
    stop: watch::Sender<bool>,
    reason: &str,
) {
    // Closing the listener refuses new connections at once; those still in
    // the kernel's queue are reset.
    drop(listener);
    let started = Instant::now();
    while tasks.try_join_next().is_some() {}
    let open = tasks.len();
    let secs = SHUTDOWN_TIME.as_secs_f64();
    println!(
        "server: shutting down ({reason}): not accepting; telling {}, waiting at most {secs} s",
        connections(open)
    );
    // The readers stop reading (a line not yet published is dropped), the
    // clients still sending their name are told, and the notice goes after
    // everything published so far: each forwarder delivers what its client
    // is owed, then the notice, then closes.
    let _ = stop.send(true);
    let _ = hub.send(Message::ShuttingDown);
    let all_closed = async { while tasks.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(SHUTDOWN_TIME, all_closed).await;
    let cut_off = tasks.len();
    // Aborts the rest (a client that does not read, its forwarder stuck in
    // a write) and waits for them to be dropped, closing their sockets.
    tasks.shutdown().await;
    let took = started.elapsed().as_secs_f64();
    let closed = connections(open - cut_off);
    println!(
        "server: stopped after {took:.2} s: {closed} closed, {cut_off} cut off at the {secs} s bound"
    );
}

fn connections(n: usize) -> String {
    let plural = if n == 1 { "" } else { "s" };
    format!("{n} connection{plural}")
}

/// One client, from its first byte to its last.
async fn handle_client(
    stream: TcpStream,
    number: u64,
    hub: broadcast::Sender<Message>,
    mut stopped: watch::Receiver<bool>,
    name_timeout: Duration,
) {
    // Owned halves: the read half stays with this task, the write half
    // moves into the forwarder task.
    let (read_half, mut write_half) = stream.into_split();
    let mut reader = BufReader::new(read_half);
    let mut buf = Vec::new();

    let ask = write_half.write_all(b"* welcome! what is your name?\n");
    if ask.await.is_err() {
        return;
    }
    let named = tokio::time::timeout(name_timeout, read_line_bounded(&mut reader, &mut buf));
    // Cancellation safety: `changed` is, since the change it waits for is
    // recorded in `stopped` itself. The name read is not (a half-read name
    // stays in `buf`), but when the shutdown wins we never read again.
    let named = tokio::select! {
        named = named => named,
        _ = stopped.changed() => {
            let _ = write_half.write_all(SHUTDOWN_NOTICE.as_bytes()).await;
            return;
        }
    };
    let name = match named {
        Ok(Ok(Line::Text(text))) => pick_name(&text, number),
        Ok(Ok(Line::TooLong)) => return refuse(reader, write_half).await,
        Ok(Ok(Line::Closed { .. }) | Err(_)) => return,
        Err(_) => {
            let secs = name_timeout.as_secs_f64();
            println!("server: a client sent no name within {secs} s");
            let notice = format!("* no name within {secs} seconds; goodbye\n");
            let _ = write_half.write_all(notice.as_bytes()).await;
            return; // dropping both halves closes the connection
        }
    };

    // Subscribe, then announce: from here on this client receives every
    // message, its own lines included (they show it the order everyone
    // saw, and make "you missed N" exact).
    let inbox = hub.subscribe();
    // The server sets `stop`, then publishes the notice: if `stop` is not
    // set yet, the notice will reach this subscription. If it is, the
    // notice may have gone before we subscribed, so say it here.
    if *stopped.borrow() {
        let _ = write_half.write_all(SHUTDOWN_NOTICE.as_bytes()).await;
        return;
    }
    // Log before announcing, so the log line comes before anything a client
    // sees because of it.
    println!("server: {name} joined");
    let (quit, quit_rx) = oneshot::channel();
    // Aborted when dropped: if the shutdown cuts this task off, the
    // forwarder (perhaps stuck writing to a client that does not read)
    // goes with it.
    let mut forwarder = AbortOnDrop(tokio::spawn(forward(write_half, inbox, quit_rx)));
    // `send` fails only when nobody is subscribed: nothing to do then.
    let _ = hub.send(message(format!("* {name} joined")));

    let (why, farewell) = loop {
        // `biased`: once the shutdown has started, publish nothing more.
        // Cancellation safety: as for the name above; a line not read whole
        // when the shutdown wins was not published before the notice, and
        // nothing is published after it.
        let read = tokio::select! {
            biased;
            _ = stopped.changed() => {
                // The server has published the notice; the forwarder
                // delivers up to it and closes our direction. Meanwhile keep
                // reading (and dropping) what the client still sends, so
                // that closing does not reset the connection (see `drain`).
                let _ = tokio::join!(&mut forwarder.0, drain(reader));
                return;
            }
            read = read_line_bounded(&mut reader, &mut buf) => read,
        };
        match read {
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
    // write forever; give it a moment to flush, then stop it (dropping the
    // guard aborts it).
    let _ = tokio::time::timeout(FLUSH_TIME, &mut forwarder.0).await;
}

/// A task handle that aborts its task when dropped (a plain `JoinHandle`
/// lets the task run on).
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
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
        // Cancellation safety: `&mut quit` polls the one receiver, which
        // survives; `recv` is cancel-safe (a message is taken from the
        // channel only when it returns it).
        let text: Arc<str> = tokio::select! {
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
                Ok(Message::Line(text)) => text,
                // Everything published before this is delivered: the
                // notice, then flush and close.
                Ok(Message::ShuttingDown) => {
                    let _ = out.write_all(SHUTDOWN_NOTICE.as_bytes()).await;
                    let _ = out.shutdown().await;
                    return;
                }
                // This client fell more than HISTORY messages behind: the
                // channel dropped the oldest for it; say how many.
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    format!("* you missed {n} messages (reading too slowly)\n").into()
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
