//! Guide §4, the GIL, against tip 4: the same CPU-bound work split between 1,
//! 2, ... up to MAX_THREADS threads (default: the core count), on real threads
//! and under the GIL analog, best of three interleaved rounds each.
//!
//! Run: `cargo run -p examples-gil-analog --bin cpu-scaling -- [MAX_THREADS] [REPS]`
//!
//! Look for: the two speedups (each against one thread of its kind): real
//! threads gain about one per free core, then stop; the GIL analog stays
//! near 1.0x. The `Busy` lines say why: the GIL analog never keeps more
//! than one core busy, whatever the machine does.
//!
//! What Rust changes: no GIL, so threads, not processes, for CPU-bound work.
//!
//! New here: splitting a range into equal parts, optional arguments with defaults.
//!
//! Try: a MAX_THREADS above the core count: more threads only add switching.
//!
//! Copy: the whole crate: this file uses its library (`src/gil.rs`,
//! `src/work.rs`, `src/cpu.rs`), which needs nix with the `time` feature on
//! Unix (elsewhere the CPU-time numbers read "not measured").

use std::process::ExitCode;
use std::thread;

use examples_gil_analog::cli::{self, spawn_failed};
use examples_gil_analog::{Gil, REPS, SWITCH_INTERVAL, Usage, run_gil, run_threads};
use examples_gil_analog::{NOT_MEASURED, split_range, sum_squares, timed_usage};

/// The work: `start..end` like Python's `range`, so 1 to 1,999,999.
const RANGE: (u64, u64) = (1, 2_000_000);
/// How many times each split is timed; the fastest run counts.
const ROUNDS: u32 = 3;
/// More threads than this are refused: each thread count is timed both
/// ways, so the run grows with the square of it.
const MAX_THREADS_LIMIT: u64 = 256;

static GIL: Gil = Gil::new(SWITCH_INTERVAL);

fn run() -> Result<(), String> {
    let args = cli::args(&["MAX_THREADS", "REPS"])?;
    let cores = thread::available_parallelism().map_or(1, usize::from);
    let max_threads = cli::count(args.first(), "MAX_THREADS", MAX_THREADS_LIMIT)?;
    let max_threads = max_threads.unwrap_or(cores as u64).min(MAX_THREADS_LIMIT);
    let reps = cli::count(args.get(1), "REPS", u32::MAX.into())?;

    let (start, end) = RANGE;
    let expected = sum_squares(start, end);
    // `count` checked the bound, so `as u32` loses nothing.
    let reps = reps.map_or(REPS, |r| r as u32);
    println!("Cores: {cores}");
    println!(
        "Work: the sum of squares from {start} to {end}, {reps} times, split between the threads"
    );

    // Every thread count and both ways run once per round, interleaved, and
    // the fastest round counts: a burst of load from other programs slows
    // one round of everything, not all rounds of one thread count.
    let mut best: Vec<[Option<Usage>; 2]> = vec![[None; 2]; max_threads as usize];
    for _ in 0..ROUNDS {
        for (threads, best) in (1..).zip(&mut best) {
            let ranges = split_range(start, end, threads);
            let runs = [
                timed_usage(|| run_threads(&ranges, reps)),
                timed_usage(|| run_gil(&GIL, &ranges, reps)),
            ];
            for (way, run) in runs.into_iter().enumerate() {
                let (sums, usage) = run?;
                check(&sums.map_err(spawn_failed)?, expected)?;
                if best[way].is_none_or(|b| usage.wall < b.wall) {
                    best[way] = Some(usage);
                }
            }
        }
    }

    // Each way's speedups are against its own one thread.
    let best: Vec<[Usage; 2]> = best
        .into_iter()
        .map(|b| b.map(|u| u.expect("ROUNDS > 0, so every way has a fastest run")))
        .collect();
    let base = best[0];
    for (threads, best) in (1..).zip(&best) {
        let speedup = |way: usize| base[way].wall.as_secs_f64() / best[way].wall.as_secs_f64();
        println!(
            "Threads: {threads}, no GIL: {:.3} seconds, speedup {:.2}x; GIL analog: {:.3} seconds, speedup {:.2}x",
            best[0].wall.as_secs_f64(),
            speedup(0),
            best[1].wall.as_secs_f64(),
            speedup(1),
        );
        let plural = if threads == 1 { "" } else { "s" };
        let (Some(busy), Some(gil_busy)) = (best[0].cores_busy(), best[1].cores_busy()) else {
            println!("Busy, {threads} thread{plural}: {NOT_MEASURED}");
            continue;
        };
        println!(
            "Busy, {threads} thread{plural}: no GIL {busy:.2} cores, GIL analog {gil_busy:.2} cores"
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
    cli::exit_code(run())
}
