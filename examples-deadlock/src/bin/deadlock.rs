//! Guide §7, deadlocks: two tasks take two locks in opposite orders and wait
//! for each other forever; a watchdog notices and says so.
//!
//! `task1` takes `lock1` then wants `lock2`; `task2` takes `lock2` then wants
//! `lock1`. Once each holds its first lock, neither can ever get its second.
//! The guide's program hangs at that point. This one prints the same four
//! lines, then a watchdog thread finds the cycle in the locks' own records,
//! prints it on stderr and ends the process with exit status 3.
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-deadlock
//!
//! Look at the last line: `Deadlock detected: Task 1 holds lock1 and waits
//! for lock2; Task 2 holds lock2 and waits for lock1`. Read it as a circle:
//! each task holds what the other one waits for. `Done` never prints, and
//! `echo $?` afterwards shows 3. The two `Acquiring` lines come in either
//! order, and so do the two `Waiting` lines; but both `Acquiring` lines always
//! come before both `Waiting` lines, because of the barrier.
//!
//! What Rust changes: the compiler rules out data races, not deadlocks; this
//! program compiles without a warning. A blocked `lock()` cannot be
//! interrupted, and a thread cannot be cancelled or killed from outside, so
//! the only way out of a deadlock is to end the whole process, which is what
//! the watchdog does. The locks record who holds and who waits for them in
//! a wait-for graph (`src/lib.rs`); for real programs, `parking_lot`'s
//! `deadlock_detection` feature does the same job.
//!
//! What to try: replace both `BOTH_HOLD_ONE.wait()` calls with the guide's
//! `thread::sleep(Duration::from_secs(1))`, then sleep two seconds in `main`
//! before spawning `thread2`, as a busy machine might: `task1` takes both
//! locks and finishes before `task2` starts, and there is no deadlock. Or
//! take the locks in the same order in both tasks (`deadlock-ordered`).

use std::sync::Barrier;
use std::thread;

use examples_deadlock::{TrackedLock, start_watchdog};

static LOCK1: TrackedLock = TrackedLock::new("lock1");
static LOCK2: TrackedLock = TrackedLock::new("lock2");

// The guide sleeps one second while holding the first lock and hopes the
// other task has taken its own first lock by then: likely, not certain (a
// thread can start late on a busy machine, and then one task takes both locks
// and finishes). A barrier makes it certain: neither task asks for its second
// lock until both hold their first.
static BOTH_HOLD_ONE: Barrier = Barrier::new(2);

fn task1() {
    println!("Task 1: Acquiring lock1");
    // The guard is the Rust `with`: the lock is held until `_lock1` goes out
    // of scope at the end of the function (never, here).
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

fn main() -> std::io::Result<()> {
    start_watchdog()?;
    // Named threads: the watchdog's report (and any panic message) uses these
    // names. `spawn` only fails if the OS refuses a new thread.
    let thread1 = thread::Builder::new()
        .name("Task 1".to_owned())
        .spawn(task1)?;
    let thread2 = thread::Builder::new()
        .name("Task 2".to_owned())
        .spawn(task2)?;
    // `join` returns `Err` only if the task panicked, a bug: `unwrap` shows it.
    // Here neither join returns: the watchdog exits the process first.
    thread1.join().unwrap();
    thread2.join().unwrap();
    println!("Done");
    Ok(())
}
