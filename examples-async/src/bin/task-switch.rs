//! Guide §11, what it costs to hand work from one task to another: two tokio
//! tasks on one thread play ping-pong over two channels, N round trips; a
//! hand-over is one future returning `Pending` and the next being polled, no
//! system call.
//!
//! Run: `cargo run -p examples-async --bin task-switch -- 1000000`
//!
//! Look for: the microseconds per round trip, and compare `thread-switch`,
//! where each hand-over goes through the kernel.
//!
//! What Rust changes: `recv().await` gives the thread back to the runtime; a
//! `std::sync::mpsc` receiver here would block the only thread: a deadlock.
//!
//! New here: `tokio::sync::mpsc`, `recv().await`.
//!
//! Try: that `std::sync::mpsc` receiver.
//!
//! Copy: needs this crate's `cli` module (argument plumbing) and tokio.

use std::process::ExitCode;
use std::time::Instant;

use examples_async::cli::{count_arg, exit_code};
use tokio::sync::mpsc;

const DEFAULT_ROUND_TRIPS: u64 = 100_000;

async fn run() -> Result<(), String> {
    let n = count_arg(1, "the number of round trips", u64::MAX)?.unwrap_or(DEFAULT_ROUND_TRIPS);

    let (ping_tx, mut ping_rx) = mpsc::channel::<u64>(1);
    let (pong_tx, mut pong_rx) = mpsc::channel::<u64>(1);
    // The echo task ends when this one drops `ping_tx`: `recv` gives `None`.
    let echo = tokio::spawn(async move {
        while let Some(value) = ping_rx.recv().await {
            if pong_tx.send(value + 1).await.is_err() {
                break;
            }
        }
    });

    let start = Instant::now();
    let mut value = 0;
    for _ in 0..n {
        ping_tx
            .send(value)
            .await
            .map_err(|_| "the echo task stopped early")?;
        value = pong_rx.recv().await.ok_or("the echo task stopped early")?;
    }
    let elapsed = start.elapsed();
    drop(ping_tx);
    echo.await
        .map_err(|e| format!("the echo task failed: {e}"))?;

    // Each round trip added one, so nothing was lost or repeated.
    assert_eq!(value, n);
    println!("Round trips: {n}");
    println!(
        "Round trip: {:.3} microseconds",
        elapsed.as_secs_f64() * 1e6 / n as f64
    );
    Ok(())
}

// One thread runs both tasks, like asyncio's event loop.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    exit_code(run().await)
}
