//! Guide §1 → §5, exercise `sync-to-threads`: a plausible WRONG solution.
//!
//! Every download is on a thread, but each thread is joined right after it
//! is spawned, so the next one starts only when it is done: still 6 s.
//!
//! Copy: std only, no dependencies.

use std::thread;
use std::time::{Duration, Instant};

fn download_file(file_name: &str) {
    println!("Starting download: {file_name}");
    thread::sleep(Duration::from_secs(2));
    println!("Finished downloading: {file_name}");
}

fn main() {
    let start_time = Instant::now();
    let files = ["file1.txt", "file2.txt", "file3.txt"];
    for file in files {
        let thread = thread::spawn(move || download_file(file));
        // Wrong: waits for this download before starting the next one.
        thread.join().unwrap();
    }
    let total_time = start_time.elapsed();
    println!("Total time: {:.2} seconds", total_time.as_secs_f64());
}
