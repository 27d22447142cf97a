//! Guide §7, the fix: both tasks take `lock1` first, then `lock2`; both finish.
//!
//! Look for `Done`, and the watchdog's silence. A task's `Waiting for lock2`
//! is followed by its own `Acquired both locks` before the other task's
//! `Waiting for lock2`: it holds `lock1` meanwhile.
//! Run: `cargo run -p examples-deadlock --bin deadlock-ordered`
//! What Rust changes: nothing checks lock order for you; it is a convention
//! (or one `Mutex` around both values, one lock to take). Why it works: see
//! the crate README, "Why lock ordering works".
//! Try: move `START.wait()` between the two locks in both tasks: it hangs
//! again, on the barrier, where the lock watchdog cannot see.
//!
//! Copy: uses this crate's library (`src/detector.rs`), not standalone.

use std::process::ExitCode;
use std::sync::Barrier;
use std::thread;

use examples_deadlock::cli::{self, Failed};
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

fn main() -> ExitCode {
    cli::exit_code(run())
}

fn run() -> Result<(), Failed> {
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
    thread1.join().unwrap();
    thread2.join().unwrap();
    println!("Done");
    Ok(())
}
