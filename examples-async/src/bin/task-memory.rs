//! Guide extra answer 2, memory per coroutine ("~kilobytes"): what an idle
//! task costs. Spawns N sleeping tokio tasks on one thread, waits until each
//! has been polled once, and divides the growth of anonymous resident memory
//! (`RssAnon`) by N.
//!
//! Run: `cargo run -p examples-async --bin task-memory -- 1000000`
//!
//! Look for: the resident memory per task: a few hundred bytes, close to the
//! future's size (printed too) plus tokio's header. Compare `thread-memory` in
//! examples-threads.
//!
//! What Rust changes: an `async fn` compiles to a value of fixed size holding
//! what lives across an `.await`; no stack per task.
//!
//! New here: `tokio::spawn` in a loop, `std::mem::size_of_val` on a future.
//!
//! Try: a `[u8; 1024]` that lives across the sleep: both numbers grow 1 KiB.
//!
//! Copy: needs this crate's `cli` module (argument plumbing) and tokio.

use std::fs;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use examples_async::cli::{count_arg, exit_code, fits_in_memory};

const DEFAULT_TASKS: usize = 10_000;
/// Longer than the program runs: the tasks are still asleep when it ends.
const NAP: Duration = Duration::from_secs(3600);

/// How many tasks have been polled for the first time. A `static`, so the
/// tasks need not each hold a pointer to a shared counter.
static STARTED: AtomicUsize = AtomicUsize::new(0);

/// One idle task: count itself in, then sleep.
async fn idle_task() {
    STARTED.fetch_add(1, Ordering::Relaxed);
    tokio::time::sleep(NAP).await;
}

fn resident_kib() -> Result<u64, String> {
    let path = "/proc/self/status";
    let text = fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    // Anonymous pages only (heap and stacks), not the program's code, which
    // pages in from the file as it first runs.
    text.lines()
        .find_map(|line| line.strip_prefix("RssAnon:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("no RssAnon line in {path}"))
}

async fn run() -> Result<(), String> {
    let n = count_arg(1, "the number of tasks", u64::MAX)?.unwrap_or(DEFAULT_TASKS);
    // Each task holds at least its future: refuse what cannot fit at all.
    fits_in_memory(n, std::mem::size_of_val(&idle_task()), "tasks")?;

    let before = resident_kib()?;
    for _ in 0..n {
        // Dropping the `JoinHandle` detaches the task; it keeps running.
        drop(tokio::spawn(idle_task()));
    }
    // The spawned tasks run only when this one lets the thread go. Each
    // `yield_now` lets the runtime work through its queue of ready tasks.
    while STARTED.load(Ordering::Relaxed) < n {
        tokio::task::yield_now().await;
    }
    let after = resident_kib()?;

    println!("Tasks: {n}");
    println!("Future size: {} bytes", std::mem::size_of_val(&idle_task()));
    println!(
        "Resident per task: {:.3} KiB",
        after.saturating_sub(before) as f64 / n as f64
    );
    // Returning shuts the runtime down, which drops every sleeping task.
    Ok(())
}

// One thread runs every task, like asyncio's event loop.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    exit_code(run().await)
}
