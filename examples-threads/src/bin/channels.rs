//! Guide tip 12, channels (Python's `queue.Queue`) between the threads of §5:
//! back-pressure, `select!` with a timeout, who can receive.
//!
//! Run: `cargo run -p examples-threads --bin channels`
//!
//! Look for: the producer's time: 0.60 s through `bounded(2)` (it waits for the
//! consumer), 0.00 s `unbounded`; the consumer needs 1.20 s either way. The
//! `select!` timeout fires once, at 0.9 s, between the fast channel closing
//! and the slow message.
//!
//! What Rust changes: dropping the last `Sender` disconnects the channel and
//! ends `for item in receiver` (Python needed a sentinel before 3.13); crossbeam adds
//! `select!` and a cloneable `Receiver` to what std's `mpsc` offers.
//!
//! New here: `Sender`/`Receiver`, `bounded`/`unbounded`, `select!`, `never()`,
//! a thread's return value through `join`.
//!
//! Try: `bounded(0)`: every send then waits for a receive (a rendezvous).
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! crossbeam-channel = "0.5.15"
//! ```

use std::process::ExitCode;
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, bounded, never, select, unbounded};

const ITEMS: u32 = 6;
/// How long the consumer works on each item.
const CONSUMER_PACE: Duration = Duration::from_millis(200);

/// `thread::spawn`, but the OS's refusal (a process limit, no memory) is an
/// error line instead of a panic.
fn spawn<T: Send + 'static>(
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<JoinHandle<T>, String> {
    thread::Builder::new()
        .spawn(f)
        .map_err(|e| format!("thread::Builder::spawn failed for the {what}: {e}"))
}

/// Sends `ITEMS` numbers as fast as the channel accepts them; returns how
/// long that took. Dropping `tx` at the end disconnects the channel.
fn producer(tx: Sender<u32>, start: Instant) -> Duration {
    for item in 0..ITEMS {
        // `send` blocks while a bounded channel is full. It fails only if
        // the receiver is gone: the consumer panicked, which `join` reports.
        if tx.send(item).is_err() {
            break;
        }
    }
    start.elapsed()
}

/// Takes items until the channel is empty and disconnected.
fn consumer(rx: Receiver<u32>, start: Instant) -> (Vec<u32>, Duration) {
    let mut received = Vec::new();
    for item in rx {
        thread::sleep(CONSUMER_PACE);
        received.push(item);
    }
    (received, start.elapsed())
}

fn back_pressure(label: &str, tx: Sender<u32>, rx: Receiver<u32>) -> Result<(), String> {
    let start = Instant::now();
    let consumer = spawn("consumer", move || consumer(rx, start))?;
    let sent_after = producer(tx, start);
    // `unwrap`: the consumer panicking would be a bug worth seeing.
    let (received, done_after) = consumer.join().unwrap();
    let in_order = received.iter().copied().eq(0..ITEMS);
    println!(
        "{label}: producer sent {ITEMS} items in {:.2} seconds",
        sent_after.as_secs_f64()
    );
    println!(
        "{label}: consumer received {} items{} in {:.2} seconds",
        received.len(),
        if in_order {
            ", in order,"
        } else {
            " OUT OF ORDER"
        },
        done_after.as_secs_f64()
    );
    Ok(())
}

fn select_with_timeout() -> Result<(), String> {
    let start = Instant::now();
    let at = || start.elapsed().as_secs_f64();
    let (fast_tx, mut fast) = unbounded();
    let (slow_tx, mut slow) = unbounded();
    let ticker = spawn("ticker", move || {
        for tick in 1..=3 {
            thread::sleep(Duration::from_millis(100));
            if fast_tx.send(tick).is_err() {
                return;
            }
        }
        // `fast_tx` is dropped here: the channel is disconnected.
    })?;
    let sleeper = spawn("sleeper", move || {
        thread::sleep(Duration::from_millis(1200));
        let _ = slow_tx.send("done");
    })?;

    let mut open = 2;
    while open > 0 {
        select! {
            recv(fast) -> message => match message {
                Ok(tick) => println!("fast: tick {tick} at {:.2} seconds", at()),
                // A disconnected channel is always ready: left in the select,
                // this arm would fire on every turn and the loop would spin.
                // `never()` is a receiver that is never ready.
                Err(_) => {
                    println!("fast: disconnected at {:.2} seconds, replaced by never()", at());
                    fast = never();
                    open -= 1;
                }
            },
            recv(slow) -> message => match message {
                Ok(text) => println!("slow: {text} at {:.2} seconds", at()),
                Err(_) => {
                    println!("slow: disconnected");
                    slow = never();
                    open -= 1;
                }
            },
            // Runs when neither channel has anything for 0.6 s. The slow
            // message (1.2 s) falls midway between the first deadline after
            // the fast channel closes (0.3 + 0.6 s) and the second (1.5 s),
            // so late wake-ups of up to 0.3 s still give one timeout.
            default(Duration::from_millis(600)) => {
                println!("timeout: nothing for 0.60 seconds, at {:.2} seconds", at());
            }
        }
    }
    ticker.join().unwrap();
    sleeper.join().unwrap();
    Ok(())
}

fn mpsc_many_producers() -> Result<(), String> {
    let (tx, rx) = mpsc::channel();
    let producers: Vec<_> = (0..2)
        .map(|id| {
            // Each producer gets its own clone of the sender.
            let tx = tx.clone();
            spawn("producer", move || {
                for n in 0..3 {
                    let _ = tx.send((id, n));
                }
            })
        })
        .collect::<Result<_, _>>()?;
    // The original `tx` is still alive here: without this `drop` the loop
    // below would wait forever for a message nobody will send.
    drop(tx);
    // `rx.clone()` would not compile: std's `Receiver` has one owner.
    let received: Vec<(u32, u32)> = rx.iter().collect();
    for producer in producers {
        producer.join().unwrap();
    }
    // Messages from different producers interleave freely, but each
    // producer's own messages arrive in the order it sent them.
    let fifo = (0..2).all(|id| {
        let own = received.iter().filter(|(from, _)| *from == id);
        own.map(|&(_, n)| n).eq(0..3)
    });
    println!(
        "std mpsc: 2 producers, 1 consumer: {} messages, each producer's in its order: {}",
        received.len(),
        if fifo { "yes" } else { "NO" }
    );
    Ok(())
}

fn crossbeam_many_consumers() -> Result<(), String> {
    let (tx, rx) = unbounded();
    let consumers: Vec<_> = (0..2)
        .map(|_| {
            // A crossbeam receiver clones: both consumers take from one
            // queue, and each message goes to exactly one of them.
            let rx: Receiver<u32> = rx.clone();
            spawn("consumer", move || {
                let mut taken = Vec::new();
                for n in rx {
                    // A little work per message, so that one consumer
                    // cannot drain the queue before the other starts.
                    thread::sleep(Duration::from_millis(20));
                    taken.push(n);
                }
                taken
            })
        })
        .collect::<Result<_, _>>()?;
    for n in 0..6 {
        let _ = tx.send(n);
    }
    drop(tx);
    let counts: Vec<Vec<u32>> = consumers
        .into_iter()
        .map(|consumer| consumer.join().unwrap())
        .collect();
    let mut all = counts.concat();
    all.sort_unstable();
    println!(
        "crossbeam: 2 consumers received {} + {} = {} messages, each exactly once: {}",
        counts[0].len(),
        counts[1].len(),
        all.len(),
        if all.iter().copied().eq(0..6) {
            "yes"
        } else {
            "NO"
        }
    );
    Ok(())
}

fn run() -> Result<(), String> {
    println!("== back-pressure: {ITEMS} items, the consumer takes 0.2 s each ==");
    let (tx, rx) = bounded(2);
    back_pressure("bounded(2)", tx, rx)?;
    let (tx, rx) = unbounded();
    back_pressure("unbounded", tx, rx)?;

    println!("== select!: two channels and a timeout ==");
    select_with_timeout()?;

    println!("== many producers, many consumers ==");
    mpsc_many_producers()?;
    crossbeam_many_consumers()
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
