//! Guide §10 scaled up: N async tasks that each wait 2 seconds.
//!
//! Section 10 runs two sleeping coroutines at once on one thread. This
//! program spawns N tokio tasks on one thread, each sleeping 2 seconds like
//! one simulated download, awaits them all and prints the total time and its
//! ratio to the ideal 2 seconds. What is added to the 2 seconds is the
//! runtime's own work: creating N tasks, polling each, and waking each when
//! its timer fires.
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-async --bin task-sleepers -- 1000000
//!
//! The argument is the number of tasks (default 1000). Look at the ratio for
//! a million tasks: a fraction above 1, on a single thread. Compare
//! `thread-sleepers` in examples-threads.
//!
//! What Rust changes: `tokio::spawn` returns a `JoinHandle` that is itself a
//! future; awaiting it gives the task's output, or an error if the task
//! panicked. The timer is a hierarchical timing wheel, so a million timers
//! cost little more per timer than ten. Try `std::thread::sleep` in the task
//! instead: one thread, so N times 2 seconds.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use examples_async::{count_arg, exit_code};
use tokio::task::JoinHandle;

const DEFAULT_TASKS: usize = 1000;
const SLEEP: Duration = Duration::from_secs(2);

/// One simulated download: wait, giving the thread to other tasks.
async fn sleep_like_a_download() {
    tokio::time::sleep(SLEEP).await;
}

async fn run() -> Result<(), String> {
    let n = count_arg(1, "the number of tasks")?.unwrap_or(DEFAULT_TASKS);

    let start = Instant::now();
    let handles: Vec<JoinHandle<()>> = (0..n)
        .map(|_| tokio::spawn(sleep_like_a_download()))
        .collect();
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
