//! Guide §3, threads: one spawned thread counts while `main` carries on.
//!
//! Run: `cargo run -p examples-threads`
//!
//! Look for: `Main program running` and `Number: 0` in either order (nothing
//! orders two threads' first prints); after them the sleeps and `join` order all.
//!
//! What Rust changes: no GIL, so both threads may run at the same instant.
//!
//! New here: `thread::spawn`, its `JoinHandle`, `join().unwrap()`, `Duration`.
//!
//! Try: delete the `join` line: `main` returning ends the counting thread.
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
    // Creating a Rust thread starts it. `spawn` takes anything it can call once
    // (a closure, or here a plain `fn`) that borrows nothing from `main`.
    let thread = thread::spawn(print_numbers);
    println!("Main program running");
    // `join` waits for `print_numbers` to return. `unwrap`: its only error
    // is a panic inside the thread, a bug to surface.
    thread.join().unwrap();
    println!("Thread finished");
}
