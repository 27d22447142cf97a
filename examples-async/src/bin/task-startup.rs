//! Guide §10/§11 and the summary table: how long it takes to start a task.
//!
//! The program spawns N tokio tasks one after another on one thread, each
//! doing nothing, and awaits each before spawning the next: the whole life
//! of a task, from allocation and scheduling to its output coming back
//! through the `JoinHandle`.
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-async --bin task-startup -- 1000000
//!
//! The argument is the number of tasks (default 100000). Look at the
//! microseconds per task: a fraction of one, since no system call is
//! involved, only an allocation and a trip through the run queue. Compare
//! `thread-startup` (examples-threads) and `process-startup`
//! (examples-process).
//!
//! What Rust changes: a task is a future plus a small header in one heap
//! allocation; the runtime, not the OS, schedules it. Try the default
//! multi-threaded runtime (feature `rt-multi-thread`) and see the cost of
//! handing a task to another thread.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use examples_async::{count_arg, exit_code};

const DEFAULT_TASKS: u64 = 100_000;

async fn run() -> Result<(), String> {
    let n = count_arg(1, "the number of tasks")?.unwrap_or(DEFAULT_TASKS);

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
