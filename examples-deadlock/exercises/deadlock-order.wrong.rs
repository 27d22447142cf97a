//! Guide §7, exercise `deadlock-order`: a plausible WRONG solution.
//!
//! The lock order is fixed, but the barrier stayed between the two locks:
//! task1 holds lock1 and waits at the barrier for task2, which waits for
//! lock1 and never reaches the barrier. A deadlock again, on the barrier.
//!
//! Copy: std only, no dependencies.

use std::process;
use std::sync::{Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

static LOCK1: Mutex<()> = Mutex::new(());
static LOCK2: Mutex<()> = Mutex::new(());
// Neither task asks for its second lock until both hold their first.
static BOTH_HOLD_ONE: Barrier = Barrier::new(2);

fn task1() {
    println!("Task 1: Acquiring lock1");
    let _lock1 = LOCK1.lock().unwrap();
    BOTH_HOLD_ONE.wait();
    println!("Task 1: Waiting for lock2");
    let _lock2 = LOCK2.lock().unwrap();
    println!("Task 1: Acquired both locks");
}

fn task2() {
    // The same order as task1, lock1 first.
    println!("Task 2: Acquiring lock1");
    let _lock1 = LOCK1.lock().unwrap();
    // Wrong: waits for task1, which holds lock1 while it waits here too.
    BOTH_HOLD_ONE.wait();
    println!("Task 2: Waiting for lock2");
    let _lock2 = LOCK2.lock().unwrap();
    println!("Task 2: Acquired both locks");
}

fn main() {
    let thread1 = thread::spawn(task1);
    let thread2 = thread::spawn(task2);
    // `join` has no timeout: poll, and give up after 2 s.
    let deadline = Instant::now() + Duration::from_secs(2);
    while !(thread1.is_finished() && thread2.is_finished()) {
        if Instant::now() > deadline {
            eprintln!("Deadlock: the tasks are still blocked after 2 s");
            process::exit(3);
        }
        thread::sleep(Duration::from_millis(10));
    }
    thread1.join().unwrap();
    thread2.join().unwrap();
    println!("Done");
}
