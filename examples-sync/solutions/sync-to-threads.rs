//! Guide §1 → §5, exercise `sync-to-threads`: a reference solution.
//!
//! Each download runs on a thread of its own; `main` keeps the handles and
//! joins them all before printing the total, so the three 2 s sleeps overlap.
//! This is the `multithreading` example of examples-threads.
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
    let mut threads = Vec::new();
    for file in files {
        // `move`: the thread may outlive this loop, so it owns `file`.
        threads.push(thread::spawn(move || download_file(file)));
    }
    // Only after every thread started: wait for each.
    for thread in threads {
        thread.join().unwrap();
    }
    let total_time = start_time.elapsed();
    println!("Total time: {:.2} seconds", total_time.as_secs_f64());
}
