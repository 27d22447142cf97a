//! Guide §10, async/await, scaled up: N async tasks that each wait 2 seconds,
//! all at once.
//!
//! Run: `cargo run -p examples-async --bin task-sleepers -- 1000000`
//!
//! Look for: the ratio of the total to the ideal 2 s for a million tasks: a
//! fraction above 1, on a single thread; what is added is the runtime's own
//! work (create, poll, wake N tasks). Compare `thread-sleepers`.
//!
//! What Rust changes: a `JoinHandle` is itself a future (the task's output,
//! or its panic as an error); tokio's timer wheel makes a million timers cheap.
//!
//! New here: `tokio::spawn`, awaiting a task's `JoinHandle`.
//!
//! Try: `std::thread::sleep` in the task instead: N times 2 seconds.
//!
//! Copy: needs this crate's `cli` module (argument plumbing) and tokio.

use std::mem::{size_of, size_of_val};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use examples_async::cli::{count_arg, exit_code, fits_in_memory};
use tokio::task::JoinHandle;

const DEFAULT_TASKS: usize = 1000;
const SLEEP: Duration = Duration::from_secs(2);

/// One simulated download: wait, giving the thread to other tasks.
async fn sleep_like_a_download() {
    tokio::time::sleep(SLEEP).await;
}

async fn run() -> Result<(), String> {
    let n = count_arg(1, "the number of tasks", u64::MAX)?.unwrap_or(DEFAULT_TASKS);
    // Refused before anything is allocated: a handle and a future per task.
    let each = size_of::<JoinHandle<()>>() + size_of_val(&sleep_like_a_download());
    fits_in_memory(n, each, "tasks")?;
    let mut handles: Vec<JoinHandle<()>> = Vec::new();
    handles
        .try_reserve_exact(n)
        .map_err(|e| format!("cannot hold {n} task handles: {e}"))?;

    let start = Instant::now();
    handles.extend((0..n).map(|_| tokio::spawn(sleep_like_a_download())));
    for handle in handles {
        handle.await.map_err(|e| format!("a task failed: {e}"))?;
    }
    let total = start.elapsed().as_secs_f64();

    println!("Sleepers: {n}");
    println!("Total time: {total:.2} seconds");
    println!("Ratio to 2 s: {:.2}", total / SLEEP.as_secs_f64());
    Ok(())
}

// One thread runs every task, like asyncio's event loop.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    exit_code(run().await)
}
