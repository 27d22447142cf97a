//! Guide §4, the GIL, measured: the guide's work on one thread, two real
//! threads and two threads under a GIL analog (a lock handed over every 5 ms,
//! like CPython's); and two sleeping threads under the same lock.
//!
//! Run: `cargo run -p examples-gil-analog --bin gil-analog`
//!
//! Look for: sleepers overlap (0.50 s) when they release the lock; real
//! threads keep about 2 cores busy (~2.0x on two free cores); the GIL analog
//! never keeps more than 1 core busy (~1.0x), whatever the machine does.
//!
//! What Rust changes: no GIL, so threads are the tool for CPU-bound work too.
//!
//! New here: a lock shared by `static`, `thread::scope`, the process CPU-time clock.
//!
//! Try: `taskset -c 0` before the command: on one core no speedup is left.
//!
//! Copy: the whole crate: this file uses its library (`src/gil.rs`,
//! `src/work.rs`, `src/cpu.rs`), which needs nix with the `time` feature on
//! Unix (elsewhere the CPU-time numbers read "not measured").

use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use examples_gil_analog::cli::{self, spawn_failed};
use examples_gil_analog::{GUIDE_RANGES, Gil, SWITCH_INTERVAL, Usage};
use examples_gil_analog::{NOT_MEASURED, timed, timed_usage};
use examples_gil_analog::{REPS, run_gil, run_sequential, run_threads, sum_squares};

/// How many times each way is timed, interleaved; the fastest run counts.
const ROUNDS: u32 = 3;

/// How long each sleeping thread sleeps.
const NAP: Duration = Duration::from_millis(500);

/// One lock for the whole program, like CPython's: a `static` needs no
/// `Arc`, since it lives as long as every thread.
static GIL: Gil = Gil::new(SWITCH_INTERVAL);

fn main() -> ExitCode {
    cli::exit_code(run())
}

fn run() -> Result<(), String> {
    cli::args(&[])?;
    println!("The guide's two ranges, once each on two threads:");
    let (sums, took) = timed(|| run_threads(&GUIDE_RANGES, 1));
    sums.map_err(spawn_failed)?;
    println!(
        "That was {:.1} ms, too short to time; see below.",
        took.as_secs_f64() * 1000.0
    );

    // The sleepers go before the CPU-bound runs: after seconds of work on
    // two cores, a busy machine's scheduler makes this process wait its
    // turn, which would delay the sleepers' wake-ups, not their sleeps.
    println!(
        "Two threads sleeping {:.2} s each under the GIL analog:",
        NAP.as_secs_f64()
    );
    let released = sleepers(true).map_err(spawn_failed)?;
    println!("Lock released while asleep: {released:.2} seconds");
    let held = sleepers(false).map_err(spawn_failed)?;
    println!("Lock held while asleep: {held:.2} seconds");

    println!("CPU-bound: each range computed {REPS} times, each way timed {ROUNDS} times");
    let cores = thread::available_parallelism().map_or(1, usize::from);
    // Two threads can use at most two cores.
    let ideal = cores.min(GUIDE_RANGES.len());
    println!("Cores: {cores}, so two real threads can run up to {ideal}.0x as fast as one");

    // Each way runs ROUNDS times, interleaved, and the fastest round counts:
    // a burst of load from other programs slows one round, not all of them.
    let mut best: [Option<Usage>; 3] = [None; 3];
    let mut sums = Vec::new();
    let switches_before = GIL.switches();
    for _ in 0..ROUNDS {
        let runs = [
            timed_usage(|| Ok(run_sequential(&GUIDE_RANGES, REPS))),
            timed_usage(|| run_threads(&GUIDE_RANGES, REPS)),
            timed_usage(|| run_gil(&GIL, &GUIDE_RANGES, REPS)),
        ];
        for (way, run) in runs.into_iter().enumerate() {
            let (way_sums, usage) = run?;
            sums.push(way_sums.map_err(spawn_failed)?);
            if best[way].is_none_or(|b| usage.wall < b.wall) {
                best[way] = Some(usage);
            }
        }
    }
    // Each GIL run starts with two first acquisitions; the rest are turns.
    let turns = GIL.switches() - switches_before - 2 * u64::from(ROUNDS);
    let [Some(seq), Some(par), Some(gil)] = best else {
        unreachable!("ROUNDS > 0, so every way has a fastest run");
    };
    let busy = seq.cores_busy().map_or(NOT_MEASURED.to_string(), |busy| {
        format!("{busy:.2} cores busy")
    });
    println!(
        "Sequential, one thread: {:.2} seconds, {busy}",
        seq.wall.as_secs_f64()
    );
    print_run("Two threads, no GIL", par, seq);
    print_run("Two threads, GIL analog", gil, seq);
    println!("GIL analog handovers: {turns}, about one per 5 ms switch interval");

    // Every timed run must reproduce the guide's sums; a mismatch would be a
    // bug in this program, not a timing effect.
    let expected: Vec<u64> = GUIDE_RANGES
        .iter()
        .map(|&(s, e)| sum_squares(s, e))
        .collect();
    if sums.iter().any(|way_sums| *way_sums != expected) {
        return Err("the timed runs computed different sums".to_string());
    }
    Ok(())
}

fn print_run(label: &str, run: Usage, sequential: Usage) {
    // A ratio of two times measured in the same run: it holds on a slower
    // or busier machine where the absolute times don't.
    let speedup = sequential.wall.as_secs_f64() / run.wall.as_secs_f64();
    // Cores busy tells the two apart on any machine: a GIL never keeps more
    // than one busy. A speedup also depends on how free the cores were.
    let busy = run.cores_busy().map_or(NOT_MEASURED.to_string(), |busy| {
        format!("{busy:.2} cores busy")
    });
    println!(
        "{label}: {:.2} seconds, speedup {speedup:.2}x, {busy}",
        run.wall.as_secs_f64()
    );
}

/// Two threads that each take the GIL analog, then sleep: a stand-in for a
/// download. With `release`, the sleep runs inside `allow_threads`, as
/// CPython's `time.sleep` and socket reads do, so the sleeps overlap.
/// Returns the seconds both took together.
fn sleepers(release: bool) -> std::io::Result<f64> {
    let (spawned, took) = timed(|| {
        thread::scope(|s| {
            for _ in 0..2 {
                thread::Builder::new().spawn_scoped(s, move || {
                    let mut guard = GIL.acquire();
                    if release {
                        guard.allow_threads(|| thread::sleep(NAP));
                    } else {
                        thread::sleep(NAP);
                    }
                })?;
            }
            Ok(())
        })
    });
    spawned.map(|()| took.as_secs_f64())
}
