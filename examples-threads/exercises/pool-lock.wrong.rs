//! Guide tip 12 (a thread pool), exercise `pool-lock`: a plausible WRONG
//! solution.
//!
//! More workers: four instead of two. The lock is still held while a job
//! runs, so the four workers still take turns: 4 s.
//!
//! Copy: std only, no dependencies.

use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

type Job = Box<dyn FnOnce() + Send>;

// Wrong: more workers cannot help while one holds the queue.
const WORKERS: usize = 4;

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
