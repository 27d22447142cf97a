//! Guide §3, exercise `join-by-scope`: a reference solution.
//!
//! `thread::scope` returns only when every thread spawned in it has ended,
//! so `Thread finished` prints after the last number and its sleep.
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
    thread::scope(|s| {
        s.spawn(print_numbers);
        println!("Main program running");
        // The scope's end waits for the thread: the `join` of §3.
    });
    println!("Thread finished");
}
