//! Guide §10, what starting a task costs: N tokio tasks one after another on
//! one thread, each doing nothing, each awaited before the next: allocation,
//! the run queue, the output back through the `JoinHandle`.
//!
//! Run: `cargo run -p examples-async --bin task-startup -- 1000000`
//!
//! Look for: the microseconds per task: a fraction of one, no system call.
//! Compare `thread-startup` and `process-startup`.
//!
//! What Rust changes: a task is a future plus a small header in one heap
//! allocation, scheduled by the runtime, not the OS.
//!
//! New here: `tokio::spawn(...).await`, `std::hint::black_box`.
//!
//! Try: the multi-threaded runtime (`rt-multi-thread`) and compare.
//!
//! Copy: needs this crate's `cli` module (argument plumbing) and tokio.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use examples_async::cli::{count_arg, exit_code};

const DEFAULT_TASKS: u64 = 100_000;

async fn run() -> Result<(), String> {
    let n = count_arg(1, "the number of tasks", u64::from(u32::MAX))?.unwrap_or(DEFAULT_TASKS);

    let start = Instant::now();
    let mut total = 0;
    for i in 0..n {
        // `black_box` keeps the optimizer from seeing through the task.
        total += tokio::spawn(async move { black_box(i) })
            .await
            .map_err(|e| format!("a task failed: {e}"))?;
    }
    let elapsed = start.elapsed();

    // Every output came back: the sum of 0..n.
    assert_eq!(total, n * (n - 1) / 2);
    println!("Tasks: {n}");
    println!(
        "Spawn and await: {:.3} microseconds per task",
        elapsed.as_secs_f64() * 1e6 / n as f64
    );
    Ok(())
}

// One thread runs every task, like asyncio's event loop.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    exit_code(run().await)
}
