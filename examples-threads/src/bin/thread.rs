//! Guide §3, threads: one extra thread counts while `main` carries on.
//!
//! `print_numbers` runs on a spawned thread and prints `Number: 0` to
//! `Number: 4`, one a second. Meanwhile the main thread prints its own line,
//! then waits for the other thread with `join` before its last line.
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-threads
//!
//! Look at the first two lines. The guide shows `Main program running` first,
//! but nothing orders the two threads' first prints: `spawn` only asks the OS
//! to schedule the new thread, and either one may print first (CPython 3.11
//! on this project's machine prints `Number: 0` first). Run it a few times.
//! Everything after those two lines is ordered: the numbers by the sleeps,
//! `Thread finished` by `join`.
//!
//! What Rust changes: `thread::spawn` takes a closure and returns a
//! `JoinHandle`; `join()` returns `Err` if the thread panicked. There is no
//! GIL, so the threads really could run at the same instant on two cores.
//! Try deleting the `join()` line: the program then ends as soon as `main`
//! returns, killing the counting thread (see the `thread-no-join` binary).

use std::thread;
use std::time::Duration;

fn print_numbers() {
    for i in 0..5 {
        println!("Number: {i}");
        thread::sleep(Duration::from_secs(1));
    }
}

fn main() {
    // A plain function is a closure too: `spawn` needs something it can call
    // once on the new thread, with no borrowed data (`'static`).
    let thread = thread::spawn(print_numbers);
    println!("Main program running");
    // `join` blocks until `print_numbers` returns. `unwrap` is right here: the
    // only error is a panic inside the thread, which is a bug to surface.
    thread.join().unwrap();
    println!("Thread finished");
}
