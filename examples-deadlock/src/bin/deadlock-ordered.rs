//! Guide §7, the fix: both tasks take `lock1` first, then `lock2`; both finish.
//!
//! Run: `cargo run -p examples-deadlock --bin deadlock-ordered`
//!
//! Look for: `Done`. Whoever prints `Waiting for lock2` first also gets both locks first.
//!
//! What Rust changes: nothing checks lock order for you; it is a convention (or put both values
//! in one `Mutex`, one lock to take). This file is `deadlock.rs` but for its `// Changed:` lines.
//!
//! New here: nothing; the fix is an order, not an API.
//!
//! Try: put both `BOTH_READY.wait()` back after the first lock: stuck again, on the barrier.
//!
//! Copy: std only, no dependencies.

use std::process;
use std::sync::{Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

// Python's `threading.Lock()`: a `Mutex` that guards no data, `()`.
static LOCK1: Mutex<()> = Mutex::new(());
static LOCK2: Mutex<()> = Mutex::new(());
// Changed: the barrier only starts both tasks together, before any lock. Between the
// locks it would hang: a task holding lock1 would wait there for one blocked on lock1.
static BOTH_READY: Barrier = Barrier::new(2);

fn task1() {
    BOTH_READY.wait(); // Changed: before the first lock
    println!("Task 1: Acquiring lock1");
    // The guard is `with lock1:`: the lock is held until the guard goes out of scope.
    let _lock1 = LOCK1.lock().unwrap();
    println!("Task 1: Waiting for lock2");
    let _lock2 = LOCK2.lock().unwrap();
    println!("Task 1: Acquired both locks");
}

fn task2() {
    BOTH_READY.wait(); // Changed: before the first lock
    println!("Task 2: Acquiring lock1"); // Changed: lock1 first, as in task1
    let _lock1 = LOCK1.lock().unwrap(); // Changed
    println!("Task 2: Waiting for lock2"); // Changed
    let _lock2 = LOCK2.lock().unwrap(); // Changed
    println!("Task 2: Acquired both locks");
}

fn main() {
    let thread1 = thread::spawn(task1);
    let thread2 = thread::spawn(task2);
    // `join` has no timeout: poll until both tasks have finished or 2 s have passed.
    let deadline = Instant::now() + Duration::from_secs(2);
    while !(thread1.is_finished() && thread2.is_finished()) {
        if Instant::now() > deadline {
            // Nothing can stop a thread blocked in `lock()`: end the whole process.
            eprintln!("Deadlock: the tasks are still blocked after 2 s");
            process::exit(3);
        }
        thread::sleep(Duration::from_millis(10));
    }
    thread1.join().unwrap();
    thread2.join().unwrap();
    println!("Done");
}
