//! Guide §1, synchronous programming: three downloads, one after another.
//!
//! Run: `cargo run -p examples-sync`
//!
//! Look for: start and finish lines strictly alternating, and `Total time:` just
//! above 6.00 seconds: each "download" is a 2 s sleep that ends before the next.
//!
//! What Rust changes: nothing yet; sequential code reads the same in any language.
//!
//! New here: `fn`, `&str`, a `for` loop over an array, `println!`, `Instant`.
//!
//! Try: make one file sleep longer and watch the total grow by exactly that much.
//!
//! Copy: std only, no dependencies.

use std::thread;
use std::time::{Duration, Instant};

/// Stands in for one network download: the thread waits and does no work.
fn download_file(file_name: &str) {
    println!("Starting download: {file_name}");
    thread::sleep(Duration::from_secs(2));
    println!("Finished downloading: {file_name}");
}

fn main() {
    // `Instant` is a monotonic clock: it never jumps backwards, unlike the wall clock.
    let start_time = Instant::now();
    let files = ["file1.txt", "file2.txt", "file3.txt"];
    for file in files {
        download_file(file);
    }
    let total_time = start_time.elapsed();
    println!("Total time: {:.2} seconds", total_time.as_secs_f64());
}
