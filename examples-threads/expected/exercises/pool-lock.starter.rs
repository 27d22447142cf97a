//! Guide tip 12 (a thread pool), exercise `pool-lock`: two workers share one
//! job queue, and only one of them ever works at a time.
//!
//! Goal: four 1 s downloads on a pool of two workers take 2 s, two at a
//! time, not 4 s one after another (the grader times the run itself).
//! Run: `cargo run -p examples-threads --example pool-lock`.
//! Check: `cargo xtask exercise pool-lock` (`--watch` checks again on every
//! save, `--hint` gives a first hint, `--reset` starts again).
//! What Rust changes: std's `Receiver` cannot be cloned, so the workers
//! share it behind a `Mutex`, and a guard lives until the end of the
//! statement that made it: in a `while let` condition, that is the end of
//! the loop body. (crossbeam-channel's receiver clones and needs no lock.)
//!
//! Copy: std only, no dependencies.

use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

type Job = Box<dyn FnOnce() + Send>;

const WORKERS: usize = 2;

fn download_file(file_name: &str) {
    println!("Starting download: {file_name}");
    thread::sleep(Duration::from_secs(1));
    println!("Finished downloading: {file_name}");
}

fn main() {
    let start_time = Instant::now();
    let (sender, receiver) = mpsc::channel::<Job>();
    let receiver = Arc::new(Mutex::new(receiver));
    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        let receiver = Arc::clone(&receiver);
        workers.push(thread::spawn(move || {
            // TODO: the lock's guard lives through `job()`, so the other
            // worker cannot even take a job meanwhile. Take the job in a
            // statement of its own, then run it with the lock released.
            while let Ok(job) = receiver.lock().unwrap().recv() {
                job();
            }
        }));
    }
    for file in ["file1.txt", "file2.txt", "file3.txt", "file4.txt"] {
        sender.send(Box::new(move || download_file(file))).unwrap();
    }
    // No more jobs: each worker's `recv` fails once the queue is empty.
    drop(sender);
    for worker in workers {
        worker.join().unwrap();
    }
    let total_time = start_time.elapsed();
    println!("Total time: {:.2} seconds", total_time.as_secs_f64());
}
