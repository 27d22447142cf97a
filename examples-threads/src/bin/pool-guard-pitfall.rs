//! Guide extra answer 3, the worker pool behind a server: four workers share
//! one `Arc<Mutex<Receiver<Job>>>`; where the lock guard dies decides whether
//! they work at once or one after another.
//!
//! Run: `cargo run -p examples-threads --bin pool-guard-pitfall`
//!
//! Look for: the totals: 8 jobs of 250 ms take 2.00 s when each worker holds
//! the guard through its job, 0.50 s when it drops it first; and who ran them.
//!
//! What Rust changes: a temporary in a `while let`, `if let` or `match`
//! scrutinee lives through the whole body, in edition 2024 as in 2021
//! (2024 only drops an `if let`'s temporaries before its `else`). A separate
//! `let` ends the guard at its `;`. Jobs sleep, so even two cores overlap
//! four workers.
//!
//! New here: `Arc<Mutex<Receiver>>`, boxed `FnOnce` jobs, `Barrier`, named threads.
//!
//! Try: `loop { if let Ok(job) = rx.lock().unwrap().recv() { job() } else
//! { break } }` as the first worker: just as slow.
//!
//! Copy: std only, no dependencies.

use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

type Job = Box<dyn FnOnce() + Send + 'static>;

const WORKERS: usize = 4;
const JOBS: usize = 8;
const JOB_TIME: Duration = Duration::from_millis(250);

/// The pitfall (the Rust Book's pool, written the tempting way): the guard
/// returned by `lock()` is a temporary of the `while let` scrutinee, so it
/// lives until the end of the loop body, and `job()` runs with the lock
/// held. The other workers wait in `lock()` the whole time.
fn worker_guard_held(jobs: &Mutex<Receiver<Job>>) -> usize {
    let mut ran = 0;
    // `unwrap`: the lock is poisoned only if a job panicked, a bug here.
    while let Ok(job) = jobs.lock().unwrap().recv() {
        job();
        ran += 1;
    }
    ran
}

/// The fix: take the job in its own `let` statement. The guard is dropped
/// at that statement's `;`, before the job runs.
fn worker_guard_dropped(jobs: &Mutex<Receiver<Job>>) -> usize {
    let mut ran = 0;
    loop {
        let job = jobs.lock().unwrap().recv(); // New: the guard ends here.
        match job {
            Ok(job) => {
                job();
                ran += 1;
            }
            // Every `Sender` is gone and the queue is empty: time to stop.
            Err(_) => return ran,
        }
    }
}

/// Starts WORKERS threads of `worker`, sends them JOBS sleeping jobs and
/// returns the time until the last finished and the jobs per worker.
fn run_pool(worker: fn(&Mutex<Receiver<Job>>) -> usize) -> Result<(f64, Vec<usize>), String> {
    let (sender, receiver) = mpsc::channel::<Job>();
    let receiver = Arc::new(Mutex::new(receiver));
    // Every worker is running before the clock starts, so that a slow
    // thread start on a busy machine is not counted as the lock's doing.
    let ready = Arc::new(Barrier::new(WORKERS + 1));
    let mut handles = Vec::with_capacity(WORKERS);
    for id in 0..WORKERS {
        let (receiver, ready) = (Arc::clone(&receiver), Arc::clone(&ready));
        let handle = thread::Builder::new()
            .name(format!("worker {id}"))
            .spawn(move || {
                ready.wait();
                worker(&receiver)
            })
            .map_err(|e| format!("thread spawn failed: {e}"))?;
        handles.push(handle);
    }
    ready.wait();
    // No job exists before this instant: no job can start before it.
    let start = Instant::now();
    for _ in 0..JOBS {
        sender
            .send(Box::new(|| thread::sleep(JOB_TIME)))
            .map_err(|e| format!("send failed: {e}"))?;
    }
    // Without this, `recv` would wait forever once the queue is empty.
    drop(sender);
    let mut ran = Vec::with_capacity(WORKERS);
    for handle in handles {
        ran.push(handle.join().map_err(|_| "a worker panicked")?);
    }
    let total = start.elapsed().as_secs_f64();
    // Each job ran exactly once, whoever ran it.
    if ran.iter().sum::<usize>() != JOBS {
        return Err(format!("the workers ran {ran:?} jobs, not {JOBS} in all"));
    }
    Ok((total, ran))
}

fn per_worker(ran: &[usize]) -> String {
    ran.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn run() -> Result<(), String> {
    println!(
        "{JOBS} jobs of {} ms each on {WORKERS} workers sharing one Arc<Mutex<Receiver<Job>>>",
        JOB_TIME.as_millis()
    );
    let (held, held_ran) = run_pool(worker_guard_held)?;
    println!(
        "Guard held through the job (while let Ok(job) = rx.lock().unwrap().recv()): \
         {held:.2} seconds; jobs per worker: {}",
        per_worker(&held_ran)
    );
    let (dropped, dropped_ran) = run_pool(worker_guard_dropped)?;
    println!(
        "Guard dropped before the job (let job = rx.lock().unwrap().recv();): \
         {dropped:.2} seconds; jobs per worker: {}",
        per_worker(&dropped_ran)
    );
    println!(
        "Holding the guard took {:.2}x as long: one job at a time instead of {WORKERS}",
        held / dropped.max(1e-9)
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
