//! Guide §9, extra: a pool of worker processes, Python's `ProcessPoolExecutor.map(fibonacci,
//! numbers)` without the magic: one worker per CPU takes jobs from one pipe and answers on
//! another.
//!
//! Run: `cargo run -p examples-process --bin process-pool`
//!
//! Look for: the worker pids: the big jobs spread over the workers, and the results print in
//! job order (as `map` returns them).
//!
//! What Rust changes: nothing is pickled. A message is a few fixed-size bytes, and a `write` of
//! at most `PIPE_BUF` bytes lands in one piece, so many processes share one pipe without a lock.
//!
//! New here: fixed-size messages (`to_le_bytes`/`from_le_bytes`), `num_cpus`.
//!
//! Try: 100,000 jobs: the parent fills the job pipe (64 KiB) before reading results, and hangs.
//!
//! Copy: uses this crate's library (`examples_process::{Child, fork_child, write_all}`), not
//! standalone.

use std::collections::BTreeMap;
use std::error::Error;
use std::fs::File;
use std::hint::black_box;
use std::io::{ErrorKind, Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::process::ExitCode;
use std::time::Instant;

use nix::errno::Errno;
use nix::unistd;

use examples_process::{Child, fork_child, write_all};

/// One job: its index in the job list and the `n` to compute.
const JOB_SIZE: usize = 8;
/// One result: job index, worker pid, fib(n).
const RESULT_SIZE: usize = 16;

fn fibonacci(n: u32) -> u64 {
    if n <= 1 {
        return n as u64;
    }
    fibonacci(n - 1) + fibonacci(n - 2)
}

/// A worker's whole life: take jobs until the job pipe is empty and closed.
fn worker(jobs: &OwnedFd, results: &OwnedFd) -> i32 {
    let pid = unistd::getpid().as_raw() as u32;
    let mut job = [0u8; JOB_SIZE];
    loop {
        match unistd::read(jobs, &mut job) {
            // End of file: the parent closed its end and no job is left.
            Ok(0) => return 0,
            Ok(JOB_SIZE) => {}
            // Never happens while every write is one whole job; if it did,
            // the stream would be out of step, so stop loudly.
            Ok(_) => return 2,
            Err(Errno::EINTR) => continue,
            Err(_) => return 3,
        }
        let index = u32::from_le_bytes([job[0], job[1], job[2], job[3]]);
        let n = u32::from_le_bytes([job[4], job[5], job[6], job[7]]);
        let value = fibonacci(black_box(n));
        let mut message = [0u8; RESULT_SIZE];
        message[..4].copy_from_slice(&index.to_le_bytes());
        message[4..8].copy_from_slice(&pid.to_le_bytes());
        message[8..].copy_from_slice(&value.to_le_bytes());
        write_all(results, &message);
    }
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

fn run() -> Result<(), Box<dyn Error>> {
    let start_time = Instant::now();
    let numbers: [u32; 8] = [30, 36, 25, 35, 20, 34, 33, 10];
    let pool_size = num_cpus::get();
    println!(
        "Pool of {pool_size} worker processes, {} jobs",
        numbers.len()
    );

    let (jobs_read, jobs_write) = unistd::pipe()?;
    let (results_read, results_write) = unistd::pipe()?;
    // Every forked worker inherits all four ends. It must close the job
    // pipe's write end: a pipe reads end-of-file only once *every* write end
    // is closed, so a worker holding one would wait for more jobs forever.
    let parent_only = [jobs_write.as_raw_fd(), results_read.as_raw_fd()];
    let mut workers: Vec<Child> = Vec::with_capacity(pool_size);
    for _ in 0..pool_size {
        // SAFETY: the program has no thread but main (checked at run time
        // too), so each worker starts with a consistent copy of memory.
        let child = unsafe {
            fork_child(|| {
                for fd in parent_only {
                    // The child's `OwnedFd`s are never dropped (it leaves
                    // with `_exit`), so closing the raw numbers is no double
                    // close.
                    let _ = unistd::close(fd);
                }
                worker(&jobs_read, &results_write)
            })
        }?;
        workers.push(child);
    }
    // The parent keeps only the ends it uses. Above all, it must drop its
    // copy of the result pipe's write end: otherwise the read loop below
    // could never see end-of-file if a worker died.
    drop(jobs_read);
    drop(results_write);

    let mut jobs = File::from(jobs_write);
    for (index, &n) in numbers.iter().enumerate() {
        let mut job = [0u8; JOB_SIZE];
        job[..4].copy_from_slice(&(index as u32).to_le_bytes());
        job[4..].copy_from_slice(&n.to_le_bytes());
        // One `write` per job, so each job enters the pipe in one piece.
        jobs.write_all(&job)?;
    }
    // Closing the job pipe is `executor.shutdown()`: workers finish what is
    // queued, then read end-of-file and exit.
    drop(jobs);

    // Results arrive in the order jobs finish; keep them by job index.
    let mut results = File::from(results_read);
    let mut done: BTreeMap<u32, (u32, u64)> = BTreeMap::new();
    let mut message = [0u8; RESULT_SIZE];
    while done.len() < numbers.len() {
        match results.read_exact(&mut message) {
            Ok(()) => {}
            // Every write end is closed and results are missing: a worker
            // died with jobs in hand. The wait loop below says which.
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e.into()),
        }
        let index = u32::from_le_bytes([message[0], message[1], message[2], message[3]]);
        let pid = u32::from_le_bytes([message[4], message[5], message[6], message[7]]);
        let mut value = [0u8; 8];
        value.copy_from_slice(&message[8..]);
        done.insert(index, (pid, u64::from_le_bytes(value)));
    }

    // Reap every worker, and report the first that did not end well.
    let mut failure = None;
    for child in &mut workers {
        let ended = child.wait()?;
        if !ended.success() && failure.is_none() {
            failure = Some(format!("worker {} {ended}", child.pid()));
        }
    }
    if let Some(failure) = failure {
        return Err(failure.into());
    }
    if done.len() < numbers.len() {
        return Err(format!("{} jobs got no result", numbers.len() - done.len()).into());
    }
    for (&index, (pid, value)) in &done {
        let Some(n) = numbers.get(index as usize) else {
            return Err(format!("a worker answered job {index}, which does not exist").into());
        };
        println!("fib({n}) = {value} (worker {pid})");
    }
    println!(
        "Time taken: {:.2} seconds",
        start_time.elapsed().as_secs_f64()
    );
    Ok(())
}
