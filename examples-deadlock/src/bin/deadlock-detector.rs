//! Guide §7, the deadlock found by a wait-for-graph detector, not a deadline: the same tasks
//! as `deadlock`, on `TrackedLock`s that record who holds and who waits for them.
//!
//! Run: `cargo run -p examples-deadlock --bin deadlock-detector; echo $?`
//!
//! Look for: `Deadlock detected: Task 1 holds lock1 and waits for lock2; Task 2 holds lock2 and
//! waits for lock1` on stderr within milliseconds; no `Done`, status 3.
//!
//! What Rust changes: nothing can interrupt a blocked `lock()`, so the watchdog ends the
//! process. Real programs get the same from `parking_lot`'s `deadlock_detection` feature.
//!
//! New here: `thread::Builder::name` (the report names the threads), a watchdog thread.
//!
//! Try: take `LOCK1` first in `task2` too: it hangs on the barrier, where the watchdog cannot see.
//!
//! Copy: uses this crate's library (`src/detector.rs`), not standalone.

use std::process::ExitCode;
use std::sync::Barrier;
use std::thread;

use examples_deadlock::cli::{self, Failed};
use examples_deadlock::{TrackedLock, start_watchdog};

static LOCK1: TrackedLock = TrackedLock::new("lock1");
static LOCK2: TrackedLock = TrackedLock::new("lock2");

// Neither task asks for its second lock until both hold their first.
static BOTH_HOLD_ONE: Barrier = Barrier::new(2);

fn task1() {
    println!("Task 1: Acquiring lock1");
    let _lock1 = LOCK1.lock();
    BOTH_HOLD_ONE.wait();
    println!("Task 1: Waiting for lock2");
    let _lock2 = LOCK2.lock();
    println!("Task 1: Acquired both locks");
}

fn task2() {
    println!("Task 2: Acquiring lock2");
    let _lock2 = LOCK2.lock();
    BOTH_HOLD_ONE.wait();
    println!("Task 2: Waiting for lock1");
    let _lock1 = LOCK1.lock();
    println!("Task 2: Acquired both locks");
}

fn main() -> ExitCode {
    cli::exit_code(run())
}

fn run() -> Result<(), Failed> {
    start_watchdog().map_err(cli::spawn_failed("watchdog"))?;
    // Named threads: the watchdog's report uses these names.
    let thread1 = thread::Builder::new()
        .name("Task 1".to_owned())
        .spawn(task1)
        .map_err(cli::spawn_failed("Task 1"))?;
    let thread2 = thread::Builder::new()
        .name("Task 2".to_owned())
        .spawn(task2)
        .map_err(cli::spawn_failed("Task 2"))?;
    // Neither join returns: the watchdog exits the process first. `join`
    // returns `Err` only if the task panicked, a bug: `unwrap` shows it.
    thread1.join().unwrap();
    thread2.join().unwrap();
    println!("Done");
    Ok(())
}
