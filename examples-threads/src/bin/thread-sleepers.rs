//! Guide §5, multithreading, scaled up: N threads that each wait 2 seconds,
//! all at once.
//!
//! Run: `cargo run -p examples-threads --bin thread-sleepers -- 10000`
//!
//! Look for: the ratio of the total to the ideal 2 s: close to 1 for thousands
//! of threads, since sleeping threads use no CPU; what grows is the time to
//! start them. Compare `task-sleepers` in examples-async (a million tasks).
//!
//! What Rust changes: no GIL to hand over when a sleeper wakes, and
//! `Builder::spawn` returns an error, not a panic, when the OS says no more
//! threads (`ulimit -u`, `threads-max`, memory mappings).
//!
//! New here: `thread::Builder`, a count read from the command line.
//!
//! Try: 40000 threads, and read the error.
//!
//! Copy: needs this crate's `cli` module (argument plumbing).

use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use examples_threads::cli::{MAX_THREADS, count_arg, exit_code};

const DEFAULT_THREADS: usize = 100;
const SLEEP: Duration = Duration::from_secs(2);

/// One simulated download: wait, using no CPU.
fn sleep_like_a_download() {
    thread::sleep(SLEEP);
}

fn run() -> Result<(), String> {
    let n = count_arg(1, "the number of threads", MAX_THREADS)?.unwrap_or(DEFAULT_THREADS);

    let start = Instant::now();
    let mut handles = Vec::with_capacity(n);
    for i in 0..n {
        let handle = thread::Builder::new()
            .spawn(sleep_like_a_download)
            .map_err(|e| {
                format!(
                    "thread::Builder::spawn failed for thread {} of {n}: {e}",
                    i + 1
                )
            })?;
        handles.push(handle);
    }
    for handle in handles {
        // `unwrap`: a sleeping thread cannot panic; if it did, that is a bug.
        handle.join().unwrap();
    }
    let total = start.elapsed().as_secs_f64();

    println!("Sleepers: {n}");
    println!("Total time: {total:.2} seconds");
    println!("Ratio to 2 s: {:.2}", total / SLEEP.as_secs_f64());
    Ok(())
}

fn main() -> ExitCode {
    exit_code(run())
}
