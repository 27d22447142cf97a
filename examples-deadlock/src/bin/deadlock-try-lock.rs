//! Guide §7, the other fix: don't wait forever for the second lock. Try it,
//! and if it is busy, let go of the first lock, back off and start again.
//!
//! The tasks keep the opposite orders of `deadlock` (`task1`: `lock1` then
//! `lock2`; `task2`: `lock2` then `lock1`) and the same barrier, so the first
//! round is the deadlock situation for certain. But the second lock is taken
//! with `try_lock`, which returns `None` instead of blocking; the task then
//! releases its first lock, which lets the other task through.
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-deadlock --bin deadlock-try-lock
//!
//! Look at the `Retries:` line: always at least 1 in total. After the barrier
//! both tasks hold their first lock, and each releases it only after its own
//! `try_lock` has failed, so whichever `try_lock` runs first finds the other
//! lock taken. Usually only that one fails (a total of 1 in 99 of 100 runs
//! here); the different back-offs keep the rare double failure from
//! repeating. `Done` always prints.
//!
//! What Rust changes: Python's `lock.acquire(timeout=...)` waits a while before
//! giving up; `std::sync::Mutex` has no timed lock, only `try_lock`, a timeout
//! of zero (`parking_lot`'s `try_lock_for` waits for a `Duration`). Releasing
//! is dropping the guard, so "let go of `lock1`" is `drop(lock1)`.
//!
//! What to try: give both tasks the same back-off and run it many times; the
//! two can then fail, sleep and retry in step for a while (a livelock: both
//! busy, neither progressing). Different back-offs break the symmetry.

use std::sync::Barrier;
use std::thread;
use std::time::Duration;

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

fn main() -> std::io::Result<()> {
    // Never fires: a task that blocks in `lock()` holds no other lock, so no
    // cycle can form. It is here to show that.
    start_watchdog()?;
    let thread1 = thread::Builder::new()
        .name("Task 1".to_owned())
        .spawn(task1)?;
    let thread2 = thread::Builder::new()
        .name("Task 2".to_owned())
        .spawn(task2)?;
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
