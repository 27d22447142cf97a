//! Guide §5, multithreading: the three downloads of §1, each on its own thread.
//!
//! Run: `cargo run -p examples-threads --bin multithreading`
//!
//! Look for: the three `Starting` lines, then two seconds later the three
//! `Finished` lines, each group in any order, and `Total time: 2.00`.
//!
//! What Rust changes: every handle must be joined: when `main` returns, the process ends.
//!
//! New here: `move` closures, `Vec::new`, `push`, a loop over the handles.
//!
//! Try: remove the join loop (the downloads never finish), or list ten files.
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
    let mut threads = Vec::new();
    let files = ["file1.txt", "file2.txt", "file3.txt"];
    for file in files {
        // A spawned thread may outlive this loop, so its closure cannot borrow
        // `file`: `move` makes the closure own it (a `&'static str`, copied).
        let thread = thread::spawn(move || download_file(file));
        threads.push(thread);
    }
    for thread in threads {
        thread.join().unwrap();
    }
    println!(
        "Total time: {:.2} seconds",
        start_time.elapsed().as_secs_f64()
    );
}
