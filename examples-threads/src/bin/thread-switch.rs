//! Guide §3 and §5: what it costs to hand work from one thread to another.
//!
//! Two threads play ping-pong over a pair of channels: `main` sends a number,
//! the other thread sends it back plus one, N times. Each round trip wakes
//! each thread once, so it is two hand-overs between threads; when the other
//! thread is asleep, a hand-over is a system call to wake it and a trip
//! through the OS scheduler (a context switch).
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-threads --bin thread-switch -- 100000
//!
//! The argument is the number of round trips (default 10000). Look at the
//! microseconds per round trip, then compare `task-switch` in examples-async,
//! where two tokio tasks on one thread do the same without the kernel.
//! The number moves a lot with the machine's load: with two idle cores the
//! channel may catch its partner by spinning briefly instead of sleeping.
//!
//! What Rust changes: `std::sync::mpsc` channels move ownership of each
//! value; dropping the sender ends the receiver's loop (see the pitfall in
//! the thread pool example). Try `sync_channel(0)`, a rendezvous channel.

use std::process::ExitCode;
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

use examples_threads::{count_arg, exit_code};

const DEFAULT_ROUND_TRIPS: u64 = 10_000;

fn run() -> Result<(), String> {
    let n = count_arg(1, "the number of round trips")?.unwrap_or(DEFAULT_ROUND_TRIPS);

    let (ping_tx, ping_rx) = mpsc::channel::<u64>();
    let (pong_tx, pong_rx) = mpsc::channel::<u64>();
    // The echo thread ends when `main` drops `ping_tx`: `recv` then fails.
    let echo = thread::Builder::new()
        .spawn(move || {
            while let Ok(value) = ping_rx.recv() {
                if pong_tx.send(value + 1).is_err() {
                    break;
                }
            }
        })
        .map_err(|e| format!("could not start the echo thread: {e}"))?;

    let start = Instant::now();
    let mut value = 0;
    for _ in 0..n {
        ping_tx
            .send(value)
            .map_err(|_| "the echo thread stopped early")?;
        value = pong_rx
            .recv()
            .map_err(|_| "the echo thread stopped early")?;
    }
    let elapsed = start.elapsed();
    drop(ping_tx);
    // `unwrap`: the echo loop cannot panic; if it did, that is a bug.
    echo.join().unwrap();

    // Each round trip added one, so nothing was lost or repeated.
    assert_eq!(value, n);
    println!("Round trips: {n}");
    println!(
        "Round trip: {:.2} microseconds",
        elapsed.as_secs_f64() * 1e6 / n as f64
    );
    Ok(())
}

fn main() -> ExitCode {
    exit_code(run())
}
