//! Guide §7, exercise `deadlock-order`: two tasks take two locks in
//! opposite orders and wait for each other forever.
//!
//! Goal: both tasks get both locks, `Done` prints and the exit status is 0,
//! on every run. Today `main` gives up after 2 s, says on stderr who holds
//! what, and exits with status 3.
//! Run: `cargo run -p examples-deadlock --example deadlock-order`.
//! Check: `cargo xtask exercise deadlock-order` (`--watch` checks again on every
//! save, `--hint` gives a first hint, `--reset` starts again).
//! What Rust changes: the compiler rules out data races, not deadlocks, and
//! a thread blocked in `lock()` cannot be interrupted: only the process can
//! end it. The barrier makes the deadlock certain instead of likely.
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
    // TODO: task2 takes the locks in the opposite order to task1.
    println!("Task 2: Acquiring lock2");
    let _lock2 = LOCK2.lock().unwrap();
    BOTH_HOLD_ONE.wait();
    println!("Task 2: Waiting for lock1");
    let _lock1 = LOCK1.lock().unwrap();
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
