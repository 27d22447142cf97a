//! Guide §7, the fix: both tasks take `lock1` first, then `lock2`.
//!
//! The same program as `deadlock`, with one change in `task2`: it asks for
//! `lock1` before `lock2`, like `task1` (and the barrier moves, see below). Whoever gets `lock1` first also gets
//! `lock2`, finishes and releases both; then the other task does the same.
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-deadlock --bin deadlock-ordered
//!
//! Look for `Done` at the end, and for the watchdog's silence: the same
//! watchdog as in `deadlock` runs here and finds no cycle. The lines of the
//! two tasks interleave differently from run to run, but a task's
//! `Waiting for lock2` is always followed by its own `Acquired both locks`
//! before the other task's `Waiting for lock2` (it holds `lock1` meanwhile).
//!
//! Why ordering works: a deadlock needs a circle of tasks, each holding a lock
//! the next one waits for. If every task takes locks in one global order, a
//! task only ever waits for a lock that comes later than every lock it holds;
//! following the waits always climbs the order, so it can never come back
//! round to the start. Here the circle would need someone holding `lock2`
//! while waiting for `lock1`, and nobody does that any more.
//!
//! What Rust changes: nothing checks lock order for you; the order is a
//! convention the code must keep (one way to enforce it is to put both values
//! behind a single `Mutex`, so there is only one lock to take).
//!
//! What to try: move `START.wait()` between the two locks in both tasks, as
//! in `deadlock`. The program then hangs again, on the barrier: the first
//! task waits there holding `lock1`, the second waits for `lock1` and never
//! reaches the barrier. A barrier is one more resource a thread can wait
//! for, and the lock watchdog cannot see it.

use std::sync::Barrier;
use std::thread;

use examples_deadlock::{TrackedLock, start_watchdog};

static LOCK1: TrackedLock = TrackedLock::new("lock1");
static LOCK2: TrackedLock = TrackedLock::new("lock2");

// Both tasks start together so they really compete for `lock1`. Unlike in
// `deadlock`, the barrier must come before the first lock (see above).
static START: Barrier = Barrier::new(2);

fn task1() {
    START.wait();
    println!("Task 1: Acquiring lock1");
    let _lock1 = LOCK1.lock();
    println!("Task 1: Waiting for lock2");
    let _lock2 = LOCK2.lock();
    println!("Task 1: Acquired both locks");
}

fn task2() {
    START.wait();
    // The fix: the same order as `task1`.
    println!("Task 2: Acquiring lock1");
    let _lock1 = LOCK1.lock();
    println!("Task 2: Waiting for lock2");
    let _lock2 = LOCK2.lock();
    println!("Task 2: Acquired both locks");
}

fn main() -> std::io::Result<()> {
    start_watchdog()?;
    let thread1 = thread::Builder::new()
        .name("Task 1".to_owned())
        .spawn(task1)?;
    let thread2 = thread::Builder::new()
        .name("Task 2".to_owned())
        .spawn(task2)?;
    // `join` returns `Err` only if the task panicked, a bug: `unwrap` shows it.
    thread1.join().unwrap();
    thread2.join().unwrap();
    println!("Done");
    Ok(())
}
