//! Guide §3, exercise `thread-scope`: a plausible WRONG solution.
//!
//! A sleep long enough to see `Number: 4` before `Thread finished`: the
//! output looks right, but nothing waits for the thread, which is still in
//! its last one-second sleep when the process ends.
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
    thread::spawn(print_numbers);
    println!("Main program running");
    // Wrong: a guess at how long the thread takes, not a wait for it.
    thread::sleep(Duration::from_millis(4500));
    println!("Thread finished");
}
