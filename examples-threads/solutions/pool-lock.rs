//! Guide tip 12 (a thread pool), exercise `pool-lock`: a reference solution.
//!
//! The worker takes a job with the lock held for that one statement, and
//! runs it after the guard is gone, so both workers download at once.
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
            loop {
                // The guard is dropped at the end of this statement.
                let job = receiver.lock().unwrap().recv();
                let Ok(job) = job else { break };
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
