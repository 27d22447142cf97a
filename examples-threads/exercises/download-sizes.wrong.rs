//! Guide §5, exercise `download-sizes`: a plausible WRONG solution.
//!
//! The total is shared through `Arc<Mutex<usize>>`, and the sum is right,
//! but each thread takes the lock *before* it downloads and holds it
//! throughout: the downloads run one at a time again, 6 s.
//!
//! Copy: std only, no dependencies.

use std::sync::{Arc, Mutex};
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
    let total_bytes = Arc::new(Mutex::new(0));
    let mut threads = Vec::new();
    for file in files {
        let total_bytes = Arc::clone(&total_bytes);
        threads.push(thread::spawn(move || {
            // Wrong: the guard lives through the whole download.
            let mut total = total_bytes.lock().unwrap();
            *total += download_file(file);
        }));
    }
    for thread in threads {
        thread.join().unwrap();
    }
    println!("Downloaded {} bytes", total_bytes.lock().unwrap());
    let total_time = start_time.elapsed();
    println!("Total time: {:.2} seconds", total_time.as_secs_f64());
}
