//! Guide §5, what starting a thread costs: N threads one after another, each
//! doing nothing, each joined before the next: the whole life of a thread,
//! `spawn` plus `join` (the summary table calls threads lightweight).
//!
//! Run: `cargo run -p examples-threads --bin thread-startup -- 10000`
//!
//! Look for: the microseconds per thread: tens, a few system calls and a
//! trip through the scheduler. Compare `task-startup` and `process-startup`.
//!
//! What Rust changes: nothing is hidden: a Rust thread is one OS thread, and
//! the closure's return value comes back through `join`.
//!
//! New here: `std::hint::black_box`, a thread's return value through `join`.
//!
//! Try: `Builder::new().stack_size(64 * 1024)`: the time barely moves.
//!
//! Copy: needs this crate's `cli` module (argument plumbing).

use std::hint::black_box;
use std::process::ExitCode;
use std::thread;
use std::time::Instant;

use examples_threads::cli::{count_arg, exit_code};

const DEFAULT_THREADS: u32 = 1000;

fn run() -> Result<(), String> {
    let n = count_arg(1, "the number of threads", u64::from(u32::MAX))?.unwrap_or(DEFAULT_THREADS);

    let start = Instant::now();
    let mut total = 0u64;
    for i in 0..n {
        // `black_box` keeps the optimizer from seeing through the closure.
        let handle = thread::Builder::new()
            .spawn(move || black_box(u64::from(i)))
            .map_err(|e| {
                format!(
                    "thread::Builder::spawn failed for thread {} of {n}: {e}",
                    i + 1
                )
            })?;
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
