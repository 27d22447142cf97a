//! Guide §5, exercise `download-sizes`: three downloads on three threads,
//! and the bytes they return are lost.
//!
//! Goal: `Downloaded 63 bytes` (each download returns 21), still in about
//! 2 s: the three downloads must keep overlapping.
//! Run: `cargo run -p examples-threads --example download-sizes`.
//! Check: `cargo xtask exercise download-sizes` (`--watch` checks again on every
//! save, `--hint` gives a first hint, `--reset` starts again).
//! What Rust changes: a `move` closure takes its own copy of a `Copy` value
//! such as `usize`, so adding to it changes nothing in `main`; and a plain
//! shared `+=` from threads does not compile. A thread can return its
//! result instead: `join()` hands it back.
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
    let total_bytes = 0;
    let mut threads = Vec::new();
    for file in files {
        // TODO: each thread throws its size away, so `total_bytes` stays 0.
        // Return the size from the thread and add up what `join` returns.
        threads.push(thread::spawn(move || {
            download_file(file);
        }));
    }
    for thread in threads {
        thread.join().unwrap();
    }
    println!("Downloaded {total_bytes} bytes");
    let total_time = start_time.elapsed();
    println!("Total time: {:.2} seconds", total_time.as_secs_f64());
}
