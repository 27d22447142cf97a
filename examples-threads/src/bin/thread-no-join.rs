//! Guide §3, without `join`: `main` returns and the counting thread dies.
//!
//! The same program as `thread`, minus the last two lines of `main`. The
//! spawned thread is still counting (it sleeps a second after each number)
//! when `main` returns, and returning from `main` ends the whole process.
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-threads --bin thread-no-join
//!
//! Look for `Main program running` and at most a `Number: 0`, which the new
//! thread may or may not get to print before the process exits. `Number: 1`
//! never appears: it would come a second later.
//!
//! What Rust changes: Python waits for every non-daemon thread before the
//! interpreter exits, so the same program there still prints all five
//! numbers. A Rust thread is always what Python calls a daemon thread. Join
//! every handle, or use `std::thread::scope` (see `thread-scope`), which
//! joins for you.

use std::thread;
use std::time::Duration;

fn print_numbers() {
    for i in 0..5 {
        println!("Number: {i}");
        thread::sleep(Duration::from_secs(1));
    }
}

fn main() {
    // The handle is dropped at once: dropping a `JoinHandle` detaches the
    // thread; it does not wait for it.
    thread::spawn(print_numbers);
    println!("Main program running");
    // `main` returns here, the process exits, and the thread with it.
}
