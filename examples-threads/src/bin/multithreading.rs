//! Guide §5, multithreading: the three downloads of §1, each on its own thread.
//!
//! Look at the order: the three `Starting` lines come first, the three
//! `Finished` lines two seconds later, each group in a different order from
//! run to run (print order is not execution order), and `Total time: 2.00`.
//!
//! Run: `cargo run -p examples-threads --bin multithreading`
//!
//! What Rust changes: sleeping threads overlap the same way, but Rust threads
//! would also run CPU work in parallel (no GIL). Every handle must be joined:
//! when `main` returns, the process ends and takes its threads with it.
//!
//! Try: remove the join loop (the downloads never finish), or list ten files.
//!
//! Copy: std only, no dependencies.

use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

fn download_file(file_name: &str) {
    println!("Starting download: {file_name}");
    thread::sleep(Duration::from_secs(2));
    println!("Finished downloading: {file_name}");
}

fn main() -> ExitCode {
    let start_time = Instant::now();
    let mut threads = Vec::new();
    let files = ["file1.txt", "file2.txt", "file3.txt"];
    for file in files {
        // `move` copies `file` (a `&'static str`) into the closure: a spawned
        // thread may outlive `main`'s locals, so it cannot borrow them.
        // `Builder::spawn` returns the OS's refusal instead of panicking.
        match thread::Builder::new().spawn(move || download_file(file)) {
            Ok(thread) => threads.push(thread),
            Err(e) => {
                eprintln!("error: thread::Builder::spawn failed for {file}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    for thread in threads {
        thread.join().unwrap();
    }
    println!(
        "Total time: {:.2} seconds",
        start_time.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}
