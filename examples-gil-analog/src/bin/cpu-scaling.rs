//! Guide §4 and tip 4 ("use multiprocessing for CPU-bound tasks"): how
//! CPU-bound work scales with the number of threads, with and without a
//! GIL analog.
//!
//! The same work, the sum of squares from 1 to 2,000,000 computed REPS
//! times, is split between 1, 2, ... up to MAX_THREADS threads (default: the
//! number of cores). Each split runs twice: on real threads, and on threads
//! that must hold the GIL analog of the `gil` binary to compute. Each time
//! is the best of five rounds; each speedup is against one thread of the
//! same kind, measured in the same run. (Not against each other: the two
//! loops are compiled separately, and with `black_box` in them their speed
//! on one thread can differ by itself.)
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-gil-analog --bin cpu-scaling
//!     cargo run -p examples-gil-analog --bin cpu-scaling -- 4 100
//!
//! The arguments are MAX_THREADS and REPS (default 100). Look at the two
//! speedup columns: real threads gain about one for each free core, then
//! stop; under the GIL analog every thread count stays near 1.0x, which is
//! what CPU-bound Python threads do. Other programs running at the same time
//! take cores away and flatten the first column.
//!
//! What Rust changes: no GIL, so the threads answer for CPU-bound work too,
//! with no processes and no copying of data between them. Try a MAX_THREADS
//! above the core count: more threads than cores only add switching.

use std::process::ExitCode;
use std::time::Duration;

use examples_gil_analog::{
    Gil, SWITCH_INTERVAL, count_arg, exit_code, run_gil, run_threads, split_range, sum_squares,
    timed,
};

/// The work: `start..end` like Python's `range`, so 1 to 1,999,999.
const RANGE: (u64, u64) = (1, 2_000_000);
const DEFAULT_REPS: u32 = 100;
/// How many times each split is timed; the fastest run counts.
const ROUNDS: u32 = 5;

static GIL: Gil = Gil::new(SWITCH_INTERVAL);

fn run() -> Result<(), String> {
    let cores = num_cpus::get();
    let max_threads: u64 = count_arg(1, "MAX_THREADS")?.unwrap_or(cores as u64);
    let reps: u32 = count_arg(2, "REPS")?.unwrap_or(DEFAULT_REPS);

    let (start, end) = RANGE;
    let expected = sum_squares(start, end);
    println!("Cores: {cores}");
    println!(
        "Work: the sum of squares from {start} to {end}, {reps} times, split between the threads"
    );

    // Every thread count and both ways run once per round, interleaved, and
    // the fastest round counts: a burst of load from other programs slows
    // one round of everything, not all rounds of one thread count.
    let splits: Vec<Vec<(u64, u64)>> = (1..=max_threads)
        .map(|k| split_range(start, end, k))
        .collect();
    let mut best = vec![[Duration::MAX; 2]; splits.len()];
    for _ in 0..ROUNDS {
        for (ranges, best) in splits.iter().zip(&mut best) {
            let (sums, took) = timed(|| run_threads(ranges, reps));
            check(&sums, expected)?;
            best[0] = best[0].min(took);
            let (sums, took) = timed(|| run_gil(&GIL, ranges, reps));
            check(&sums, expected)?;
            best[1] = best[1].min(took);
        }
    }

    // Each way's speedups are against its own one-thread time.
    let base = best[0];
    for (threads, best) in (1..).zip(&best) {
        let speedup = |way: usize| base[way].as_secs_f64() / best[way].as_secs_f64();
        println!(
            "Threads: {threads}, no GIL: {:.3} seconds, speedup {:.2}x; GIL analog: {:.3} seconds, speedup {:.2}x",
            best[0].as_secs_f64(),
            speedup(0),
            best[1].as_secs_f64(),
            speedup(1),
        );
    }
    Ok(())
}

/// The parts' sums must add up to the whole; anything else is a bug here.
fn check(sums: &[u64], expected: u64) -> Result<(), String> {
    let total: u64 = sums.iter().sum();
    if total == expected {
        Ok(())
    } else {
        Err(format!(
            "the threads' sums add up to {total}, not {expected}"
        ))
    }
}

fn main() -> ExitCode {
    exit_code(run())
}
