//! Guide §5, exercise `download-sizes`: a reference solution.
//!
//! Each thread returns its download's size; `join()` hands it back, and
//! `main` adds them up once all three threads have been started.
//!
//! Copy: std only, no dependencies.

use std::thread;
use std::time::{Duration, Instant};

/// Returns the size of what it "downloaded".
fn download_file(file_name: &str) -> usize {
    println!("Starting download: {file_name}");
    thread::sleep(Duration::from_secs(2));
    println!("Finished downloading: {file_name}");
    format!("contents of {file_name}").len()
}

fn main() {
    let start_time = Instant::now();
    let files = ["file1.txt", "file2.txt", "file3.txt"];
    let mut total_bytes = 0;
    let mut threads = Vec::new();
    for file in files {
        // The closure's value is the thread's result.
        threads.push(thread::spawn(move || download_file(file)));
    }
    for thread in threads {
        total_bytes += thread.join().unwrap();
    }
    println!("Downloaded {total_bytes} bytes");
    let total_time = start_time.elapsed();
    println!("Total time: {:.2} seconds", total_time.as_secs_f64());
}
