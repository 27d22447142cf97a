//! Guide §7, deadlocks: two tasks take two locks in opposite orders and wait for each other.
//!
//! Run: `cargo run -p examples-deadlock; echo $?`
//!
//! Look for: the guide's four lines, then after 2 s one line on stderr; no `Done`, status 3.
//!
//! What Rust changes: the compiler rules out data races, not deadlocks. A thread blocked in
//! `lock()` cannot be interrupted, so `main` stops waiting at a deadline and ends the process.
//!
//! New here: `Mutex<()>` as a bare lock, `Barrier`, `JoinHandle::is_finished`, `process::exit`.
//!
//! Try: delete both `BOTH_READY.wait()` lines and run it a few times: mostly `Done`, not always.
//!
//! Copy: std only, no dependencies.

use std::process;
use std::sync::{Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

// Python's `threading.Lock()`: a `Mutex` that guards no data, `()`.
static LOCK1: Mutex<()> = Mutex::new(());
static LOCK2: Mutex<()> = Mutex::new(());
// In place of the guide's `sleep(1)`: neither task asks for its second lock
// until both hold their first, so the deadlock is certain, not just likely.
static BOTH_READY: Barrier = Barrier::new(2);

fn task1() {
    println!("Task 1: Acquiring lock1");
    // The guard is `with lock1:`: the lock is held until the guard goes out of scope.
    let _lock1 = LOCK1.lock().unwrap();
    BOTH_READY.wait();
    println!("Task 1: Waiting for lock2");
    let _lock2 = LOCK2.lock().unwrap();
    println!("Task 1: Acquired both locks");
}

fn task2() {
    println!("Task 2: Acquiring lock2");
    let _lock2 = LOCK2.lock().unwrap();
    BOTH_READY.wait();
    println!("Task 2: Waiting for lock1");
    let _lock1 = LOCK1.lock().unwrap();
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
