//! Guide §7, the other fix (the guide's "timeouts"): `try_lock` the second
//! lock; if it is busy, let go of the first, back off and start again.
//!
//! Look at `Retries:`: always at least 1, since after the barrier both tasks
//! hold their first lock and the first `try_lock` to run finds the other
//! taken. `Done` always prints.
//! Run: `cargo run -p examples-deadlock --bin deadlock-try-lock`
//! What Rust changes: `std::sync::Mutex` has no timed lock (Python's
//! `acquire(timeout=...)`), only `try_lock`, a timeout of zero. Releasing is
//! dropping the guard: "let go of `lock1`" is `drop(lock1)`.
//! Try: give both tasks the same back-off and run it many times: they can
//! fail and retry in step for a while (a livelock).
//!
//! Copy: uses this crate's library (`src/detector.rs`), not standalone.

use std::process::ExitCode;
use std::sync::Barrier;
use std::thread;
use std::time::Duration;

use examples_deadlock::cli::{self, Failed};
use examples_deadlock::{TrackedLock, start_watchdog};

static LOCK1: TrackedLock = TrackedLock::new("lock1");
static LOCK2: TrackedLock = TrackedLock::new("lock2");

// Used in the first round only: both tasks hold their first lock before
// either tries its second, as in `deadlock`.
static BOTH_HOLD_ONE: Barrier = Barrier::new(2);

/// Returns how many times the task had to give up and start again.
fn task1() -> u32 {
    println!("Task 1: Acquiring lock1");
    let mut retries = 0;
    loop {
        let lock1 = LOCK1.lock();
        if retries == 0 {
            BOTH_HOLD_ONE.wait();
            println!("Task 1: Waiting for lock2");
        }
        if let Some(_lock2) = LOCK2.try_lock() {
            println!("Task 1: Acquired both locks");
            return retries;
        }
        // `lock2` is busy: release `lock1` so that `task2` can finish.
        drop(lock1);
        retries += 1;
        thread::sleep(Duration::from_millis(1));
    }
}

fn task2() -> u32 {
    println!("Task 2: Acquiring lock2");
    let mut retries = 0;
    loop {
        let lock2 = LOCK2.lock();
        if retries == 0 {
            BOTH_HOLD_ONE.wait();
            println!("Task 2: Waiting for lock1");
        }
        if let Some(_lock1) = LOCK1.try_lock() {
            println!("Task 2: Acquired both locks");
            return retries;
        }
        drop(lock2);
        retries += 1;
        // Longer than `task1`'s back-off, so the two don't retry in step.
        thread::sleep(Duration::from_millis(3));
    }
}

fn main() -> ExitCode {
    cli::exit_code(run())
}

fn run() -> Result<(), Failed> {
    // Never fires: a task that blocks in `lock()` holds no other lock, so no
    // cycle can form. It is here to show that.
    start_watchdog().map_err(cli::spawn_failed("watchdog"))?;
    let thread1 = thread::Builder::new()
        .name("Task 1".to_owned())
        .spawn(task1)
        .map_err(cli::spawn_failed("Task 1"))?;
    let thread2 = thread::Builder::new()
        .name("Task 2".to_owned())
        .spawn(task2)
        .map_err(cli::spawn_failed("Task 2"))?;
    // `join` returns `Err` only if the task panicked, a bug: `unwrap` shows it.
    let retries1 = thread1.join().unwrap();
    let retries2 = thread2.join().unwrap();
    println!(
        "Retries: {} (Task 1: {retries1}, Task 2: {retries2})",
        retries1 + retries2
    );
    println!("Done");
    Ok(())
}
