//! Guide, extra answer 2: what an idle async task really costs in memory.
//!
//! The guide says coroutines take "~kilobytes" each. This program spawns N
//! tokio tasks on one thread, each of them sleeping, waits until every one
//! has been polled once (so its timer is registered and all its memory is in
//! use), and divides the growth of the process's anonymous resident memory
//! (`RssAnon` in `/proc/self/status`) by N.
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-async --bin task-memory -- 1000000
//!
//! The argument is the number of tasks (default 10000). Look at the
//! resident memory per task: a few hundred bytes, close to the size of the
//! task's allocation. A task is one heap allocation holding a small header
//! and the future itself: the state machine the compiler built from the
//! `async fn`, whose size is printed too. Compare `thread-memory` in
//! examples-threads.
//!
//! What Rust changes: an `async fn` compiles to a value of a fixed size,
//! known at compile time, holding exactly the variables that live across an
//! `.await`; there is no separate stack per task, and no interpreter frame
//! objects. Try adding a `[u8; 1024]` that lives across the sleep and watch
//! both numbers grow by a KiB.

use std::fs;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use examples_async::{count_arg, exit_code};

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
    let n = count_arg(1, "the number of tasks")?.unwrap_or(DEFAULT_TASKS);

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
