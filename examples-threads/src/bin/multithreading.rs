//! Guide §5, multithreading: the three downloads of §1, each on its own thread.
//!
//! Every "download" still sleeps for two seconds, but the three sleeps now
//! overlap, so the whole program takes two seconds instead of six.
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-threads --bin multithreading
//!
//! Look at the order of the lines: all three `Starting` lines come first and
//! all three `Finished` lines two seconds later, but within each group the
//! order changes from run to run. The OS wakes the threads in whatever order
//! it likes, and print order is not execution order. `Total time:` is just
//! above 2.00 seconds.
//!
//! What Rust changes: a sleeping thread holds no lock in either language, so
//! the overlap is the same; but Rust threads would also run CPU work in
//! parallel (see examples-gil-analog). The `JoinHandle`s must be joined:
//! when `main` returns, the process ends and takes unfinished threads with it.
//! Try removing the join loop (the downloads never finish), or making the
//! list ten files long (still two seconds).

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
        // `move` copies `file` (a `&'static str`) into the closure: a spawned
        // thread may outlive `main`'s locals, so it cannot borrow them.
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
