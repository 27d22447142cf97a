//! Guide §4, the GIL: CPU-bound threads, with and without a global lock.
//!
//! First the guide's program: `sum_squares` over two ranges on two threads,
//! then the time taken. Next, the half of the lesson that favours threads:
//! two threads that sleep (a stand-in for I/O) under a GIL analog, a global
//! lock handed over every 5 ms like CPython's. They overlap when the lock is
//! released around the sleep, as CPython does around blocking calls. Last,
//! the CPU-bound half. Rust finishes the guide's work in a few milliseconds,
//! too quick to time, so each range is repeated `REPS` times and the work
//! runs three ways: on one thread; on two real threads; and on two threads
//! that must hold the GIL analog to run their loop. Each way is timed
//! `ROUNDS` times, interleaved, and the fastest run of each is shown.
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-gil-analog
//!
//! Look for the exact sums (the guide prints a wrong second one), then the
//! sleepers: 0.50 s when the lock is released while they sleep, 1.00 s when
//! it is held. Then the speedups: two real threads run about as many times
//! faster as there are cores for them (2.0x on two idle cores), two threads
//! under the GIL analog about 1.0x, however many cores there are. `cores
//! busy` (CPU time over wall time) says why: about 2 for real threads, never
//! more than 1 under a GIL. Other programs busy on the same cores take the
//! real threads' advantage away first (see the crate README).
//!
//! What Rust changes: there is no GIL. Threads run Rust code in parallel on
//! every core, so threads are the answer for CPU-bound work too; the price
//! is that the compiler makes you say how they share data (§6). Try
//! `taskset -c 0 cargo run -p examples-gil-analog`: on one core, real
//! threads lose their advantage and every speedup is 1.0x.

use examples_gil_analog::{GUIDE_RANGES, Gil, SWITCH_INTERVAL, Usage, run_gil};
use examples_gil_analog::{run_sequential, run_threads, timed, timed_usage};
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

/// How many times each range is computed in the timed runs. The ranges are
/// repeated, not widened: past about 3.8 million the sums overflow `u64`.
const REPS: u32 = 150;

/// How many times each of the three ways is timed; the fastest run counts.
const ROUNDS: u32 = 5;

/// How long each sleeping thread sleeps.
const NAP: Duration = Duration::from_millis(500);

/// One lock for the whole program, like CPython's: a `static` needs no
/// `Arc`, since it lives as long as every thread.
static GIL: Gil = Gil::new(SWITCH_INTERVAL);

/// The guide's function. The loop itself is the library's `sum_squares`, so
/// the timed runs below measure exactly this code.
fn sum_squares(start: u64, end: u64) {
    let total = examples_gil_analog::sum_squares(start, end);
    println!("Sum from {start} to {end}: {total}");
}

fn main() -> ExitCode {
    let start_time = Instant::now();
    // `move` copies the two numbers into each closure. Which thread prints
    // first is up to the scheduler.
    let [(s1, e1), (s2, e2)] = GUIDE_RANGES;
    let thread1 = thread::spawn(move || sum_squares(s1, e1));
    let thread2 = thread::spawn(move || sum_squares(s2, e2));
    // `join` fails only if the thread panicked, a bug worth crashing on.
    thread1.join().unwrap();
    thread2.join().unwrap();
    let guide_time = start_time.elapsed();
    println!("Time taken: {:.2} seconds", guide_time.as_secs_f64());
    println!(
        "That was {:.1} ms, too short to time; see below.",
        guide_time.as_secs_f64() * 1000.0
    );

    // The sleepers go before the CPU-bound runs: after seconds of work on
    // two cores, a busy machine's scheduler makes this process wait its
    // turn, which would delay the sleepers' wake-ups, not their sleeps.
    println!(
        "Two threads sleeping {:.2} s each under the GIL analog:",
        NAP.as_secs_f64()
    );
    let released = sleepers(true);
    println!(
        "Lock released while asleep: {:.2} seconds",
        released.as_secs_f64()
    );
    let held = sleepers(false);
    println!("Lock held while asleep: {:.2} seconds", held.as_secs_f64());

    println!("CPU-bound: each range computed {REPS} times, each way timed {ROUNDS} times");
    let cores = num_cpus::get();
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
            timed_usage(|| run_sequential(&GUIDE_RANGES, REPS)),
            timed_usage(|| run_threads(&GUIDE_RANGES, REPS)),
            timed_usage(|| run_gil(&GIL, &GUIDE_RANGES, REPS)),
        ];
        for (way, run) in runs.into_iter().enumerate() {
            let (way_sums, usage) = match run {
                Ok(run) => run,
                Err(e) => {
                    eprintln!("error: cannot read the process CPU-time clock: {e}");
                    return ExitCode::FAILURE;
                }
            };
            if best[way].is_none_or(|b| usage.wall < b.wall) {
                best[way] = Some(usage);
            }
            sums.push(way_sums);
        }
    }
    // Each GIL run starts with two first acquisitions; the rest are turns.
    let turns = GIL.switches() - switches_before - 2 * u64::from(ROUNDS);
    let [Some(seq), Some(par), Some(gil)] = best else {
        unreachable!("ROUNDS > 0, so every way has a fastest run");
    };
    println!(
        "Sequential, one thread: {:.2} seconds, {:.2} cores busy",
        seq.wall.as_secs_f64(),
        seq.cores_busy()
    );
    print_run("Two threads, no GIL", par, seq);
    print_run("Two threads, GIL analog", gil, seq);
    println!("GIL analog handovers: {turns}, about one per 5 ms switch interval");

    // Every timed run must reproduce the guide's sums;
    // a mismatch would be a bug in this program, not a timing effect.
    let expected: Vec<u64> = GUIDE_RANGES
        .iter()
        .map(|&(s, e)| examples_gil_analog::sum_squares(s, e))
        .collect();
    if sums.iter().any(|way_sums| *way_sums != expected) {
        eprintln!("error: the timed runs computed different sums");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn print_run(label: &str, run: Usage, sequential: Usage) {
    // A ratio of two times measured in the same run: it holds on a slower
    // or busier machine where the absolute times don't.
    let speedup = sequential.wall.as_secs_f64() / run.wall.as_secs_f64();
    println!(
        "{label}: {:.2} seconds, speedup {speedup:.2}x, {:.2} cores busy",
        run.wall.as_secs_f64(),
        run.cores_busy()
    );
}

/// Two threads that each take the GIL analog, then sleep: a stand-in for a
/// download. With `release`, the sleep runs inside `allow_threads`, as
/// CPython's `time.sleep` and socket reads do, so the sleeps overlap.
fn sleepers(release: bool) -> Duration {
    let (_, took) = timed(|| {
        thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(move || {
                    let mut guard = GIL.acquire();
                    if release {
                        guard.allow_threads(|| thread::sleep(NAP));
                    } else {
                        thread::sleep(NAP);
                    }
                });
            }
        })
    });
    took
}
