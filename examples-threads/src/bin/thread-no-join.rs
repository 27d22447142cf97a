//! Guide §3, threads, without `join`: `main` returns and the counting thread dies.
//!
//! Run: `cargo run -p examples-threads --bin thread-no-join`
//!
//! Look for: `Main program running` and at most a `Number: 0` (the thread may
//! or may not print it before the process exits); never `Number: 1`. Run it
//! a few thousand times and you may even see half a line, `Number: `: the
//! process can end in the middle of the thread's `println!`.
//!
//! What Rust changes: Python waits for non-daemon threads at exit and prints
//! all five numbers; every Rust thread is what Python calls a daemon thread.
//!
//! New here: dropping a `JoinHandle` detaches the thread; it does not wait for it.
//!
//! Try: put `thread::sleep(Duration::from_secs(3))` at the end of `main`.
//!
//! Copy: std only, no dependencies.

use std::thread;
use std::time::Duration;

fn print_numbers() {
    for i in 0..5 {
        println!("Number: {i}");
        thread::sleep(Duration::from_secs(1));
    }
}

fn main() {
    // The handle is dropped at once: the thread is detached.
    thread::spawn(print_numbers);
    println!("Main program running");
    // `main` returns here, the process exits, and the thread with it.
}
