//! Guide §1, synchronous programming: three downloads, one after another.
//!
//! Each "download" is a two-second sleep standing in for network I/O. Nothing
//! overlaps: every call to `download_file` returns before the next one starts,
//! so the program takes the sum of the waits.
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-sync
//!
//! Look for the start/finish lines strictly alternating, and `Total time:`
//! just above 6.00 seconds (a sleep never wakes early, and usually a few
//! milliseconds late).
//!
//! What Rust changes: nothing yet. Synchronous code reads the same in every
//! language. Try making one file sleep longer and watch the total grow by
//! exactly that much; then compare with `multithreading` in examples-threads.

use std::thread;
use std::time::{Duration, Instant};

/// Stands in for one network download: the thread waits and does no work.
fn download_file(file_name: &str) {
    println!("Starting download: {file_name}");
    thread::sleep(Duration::from_secs(2));
    println!("Finished downloading: {file_name}");
}

fn main() {
    // `Instant` is a monotonic clock: unlike wall-clock time it never jumps
    // backwards, which is what you want for measuring durations.
    let start_time = Instant::now();
    let files = ["file1.txt", "file2.txt", "file3.txt"];
    for file in files {
        download_file(file);
    }
    let total_time = start_time.elapsed();
    println!("Total time: {:.2} seconds", total_time.as_secs_f64());
}
