//! Guide §7, the other fix (the guide's "timeouts"): `try_lock` the second lock; while it is
//! busy, let go of the first, back off, take it again and retry.
//!
//! Run: `cargo run -p examples-deadlock --bin deadlock-try-lock`
//!
//! Look for: `Retries:` at least 1 (the first `try_lock` to run finds the other lock held), `Done`.
//!
//! What Rust changes: `Mutex` has no timed lock, only `try_lock` (a timeout of zero); letting go
//! is dropping the guard. This file is `deadlock.rs` but for its `// Changed:` lines.
//!
//! New here: `try_lock`, `drop` of a guard, `AtomicU32` as a counter.
//!
//! Try: give both tasks the same back-off and run it many times: they can retry in step a while.
//!
//! Copy: std only, no dependencies.

use std::process;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed}; // Changed: counts the retries
use std::sync::{Barrier, Mutex, MutexGuard}; // Changed: + MutexGuard
use std::thread;
use std::time::{Duration, Instant};

// Python's `threading.Lock()`: a `Mutex` that guards no data, `()`.
static LOCK1: Mutex<()> = Mutex::new(());
static LOCK2: Mutex<()> = Mutex::new(());
// In place of the guide's `sleep(1)`: neither task asks for its second lock
// until both hold their first, so the deadlock is certain, not just likely.
static BOTH_READY: Barrier = Barrier::new(2);
static RETRIES: AtomicU32 = AtomicU32::new(0); // Changed: new; read after the joins

fn task1() {
    println!("Task 1: Acquiring lock1");
    // The guard is `with lock1:`: the lock is held until the guard goes out of scope.
    let lock1 = LOCK1.lock().unwrap(); // Changed: named, to hand it to `lock_second`
    BOTH_READY.wait();
    println!("Task 1: Waiting for lock2");
    let _both = lock_second(lock1, &LOCK1, &LOCK2, 1); // Changed: try, back off 1 ms
    println!("Task 1: Acquired both locks");
}

fn task2() {
    println!("Task 2: Acquiring lock2");
    let lock2 = LOCK2.lock().unwrap(); // Changed: named, to hand it to `lock_second`
    BOTH_READY.wait();
    println!("Task 2: Waiting for lock1");
    let _both = lock_second(lock2, &LOCK2, &LOCK1, 3); // Changed: 3 ms, out of step with task1
    println!("Task 2: Acquired both locks");
}

// Changed: new. `try_lock` never waits: while `second` is busy, let go of `first` (so the
// other task can finish), back off, take `first` again and retry.
fn lock_second(
    mut held: MutexGuard<'static, ()>,
    first: &'static Mutex<()>,
    second: &'static Mutex<()>,
    back_off_ms: u64,
) -> [MutexGuard<'static, ()>; 2] {
    loop {
        if let Ok(got) = second.try_lock() {
            return [held, got];
        }
        drop(held);
        RETRIES.fetch_add(1, Relaxed);
        thread::sleep(Duration::from_millis(back_off_ms));
        held = first.lock().unwrap();
    }
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
    println!("Retries: {}", RETRIES.load(Relaxed)); // Changed: new
    println!("Done");
}
