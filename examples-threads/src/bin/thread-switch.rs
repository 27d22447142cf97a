//! Guide §5, what it costs to hand work from one thread to another: two
//! threads play ping-pong over two channels, N round trips, each waking the
//! sleeping partner through the kernel (a context switch).
//!
//! Run: `cargo run -p examples-threads --bin thread-switch -- 100000`
//!
//! Look for: the microseconds per round trip, then `task-switch` in
//! examples-async, where two tokio tasks do the same without the kernel. The
//! number moves with the machine's load.
//!
//! What Rust changes: `mpsc` channels move ownership of each value; dropping
//! the sender ends the receiver's loop.
//!
//! New here: `mpsc::channel`, `while let Ok(..) = rx.recv()`, `drop`.
//!
//! Try: `sync_channel(0)`, a rendezvous channel.
//!
//! Copy: needs this crate's `cli` module (argument plumbing).

use std::process::ExitCode;
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

use examples_threads::cli::{count_arg, exit_code};

const DEFAULT_ROUND_TRIPS: u64 = 10_000;

fn run() -> Result<(), String> {
    let n = count_arg(1, "the number of round trips", u64::MAX)?.unwrap_or(DEFAULT_ROUND_TRIPS);

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
        .map_err(|e| format!("thread::Builder::spawn failed for the echo thread: {e}"))?;

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
