//! Guide §7, exercise `deadlock-order`: a reference solution.
//!
//! Both tasks take lock1 first, then lock2: whoever gets lock1 also gets
//! lock2, so no cycle of waiting can form. The barrier goes: with one order
//! there is nothing to wait for (a task waiting at it while holding lock1
//! would block the other one before it reaches the barrier).
//!
//! Copy: std only, no dependencies.

use std::process;
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

static LOCK1: Mutex<()> = Mutex::new(());
static LOCK2: Mutex<()> = Mutex::new(());

fn task1() {
    println!("Task 1: Acquiring lock1");
    let _lock1 = LOCK1.lock().unwrap();
    println!("Task 1: Waiting for lock2");
    let _lock2 = LOCK2.lock().unwrap();
    println!("Task 1: Acquired both locks");
}

fn task2() {
    // The fix: the same order as task1, lock1 first.
    println!("Task 2: Acquiring lock1");
    let _lock1 = LOCK1.lock().unwrap();
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
