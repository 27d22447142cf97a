//! Guide summary table: how long does it take to start a thread?
//!
//! The guide ranks threads, processes and async tasks by start-up cost
//! without a number. This program starts N threads one after another, each
//! doing nothing, and joins each before starting the next, so it measures the
//! whole life of a thread: `spawn` (create it, give it a stack, schedule it)
//! plus `join` (wait for it to end, collect its result).
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-threads --bin thread-startup -- 10000
//!
//! The argument is the number of threads (default 1000). Look at the
//! microseconds per thread: tens of microseconds, a system call or two plus a
//! trip through the scheduler. Compare `task-startup` (examples-async) and
//! `process-startup` (examples-process); `cargo xtask bench` runs all three.
//!
//! What Rust changes: nothing is hidden. A Rust thread is one OS thread
//! (a pthread), and a closure's return value comes back through `join`.
//! Try `thread::Builder::new().stack_size(64 * 1024)`: the time barely
//! moves, because a stack is reserved, not filled.

use std::hint::black_box;
use std::process::ExitCode;
use std::thread;
use std::time::Instant;

use examples_threads::{count_arg, exit_code};

const DEFAULT_THREADS: u32 = 1000;

fn run() -> Result<(), String> {
    let n = count_arg(1, "the number of threads")?.unwrap_or(DEFAULT_THREADS);

    let start = Instant::now();
    let mut total = 0u64;
    for i in 0..n {
        // `black_box` keeps the optimizer from seeing through the closure.
        let handle = thread::Builder::new()
            .spawn(move || black_box(u64::from(i)))
            .map_err(|e| format!("could not start thread {} of {n}: {e}", i + 1))?;
        // `unwrap`: the closure cannot panic; if it did, that is a bug.
        total += handle.join().unwrap();
    }
    let elapsed = start.elapsed();

    // Every result came back: the sum of 0..n.
    assert_eq!(total, u64::from(n) * u64::from(n - 1) / 2);
    println!("Threads: {n}");
    println!(
        "Spawn and join: {:.1} microseconds per thread",
        elapsed.as_secs_f64() * 1e6 / f64::from(n)
    );
    Ok(())
}

fn main() -> ExitCode {
    exit_code(run())
}
