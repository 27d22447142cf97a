//! Guide §4, exercise `gil-release`: a reference solution.
//!
//! The threads share no data, so they need no lock: without the GIL analog
//! each computes on a core of its own, about twice as fast as one thread.
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! nix = { version = "0.30", features = ["time"] }
//!
//! [profile.dev]
//! opt-level = 3
//! ```

use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant};

use nix::time::{ClockId, clock_gettime};

const RANGES: [(u64, u64); 2] = [(1, 1_000_000), (1_000_001, 2_000_000)];
/// Each range is computed `REPS` times: long enough to time.
const REPS: u32 = 150;
/// Each way is timed `ROUNDS` times; the fastest counts.
const ROUNDS: u32 = 3;

fn sum_squares(start: u64, end: u64) -> u64 {
    (start..end).map(|i| black_box(i) * i).sum()
}

/// One thread's work: its sum, and when it started and stopped computing.
fn work((start, end): (u64, u64)) -> (u64, Instant, Instant) {
    // No lock: nothing here is shared between the threads.
    let began = Instant::now();
    let mut total = 0;
    for _ in 0..REPS {
        total = sum_squares(start, black_box(end));
    }
    (total, began, Instant::now())
}

fn main() {
    let (mut seq, mut par) = (
        (Duration::MAX, Duration::ZERO),
        (Duration::MAX, Duration::ZERO),
    );
    let (mut overlap, mut sums) = (0.0, [0; 2]);
    for _ in 0..ROUNDS {
        let ((), wall, cpu) = measured(|| {
            RANGES.iter().for_each(|&r| {
                work(r);
            })
        });
        seq = seq.min((wall, cpu));
        let (runs, wall, cpu) = measured(|| {
            thread::scope(|s| {
                RANGES
                    .map(|r| s.spawn(move || work(r)))
                    .map(|t| t.join().unwrap())
            })
        });
        if wall < par.0 {
            par = (wall, cpu);
            let [(a, a0, a1), (b, b0, b1)] = runs;
            let both = a1.min(b1).saturating_duration_since(a0.max(b0));
            overlap = both.as_secs_f64() / (a1 - a0).min(b1 - b0).as_secs_f64();
            sums = [a, b];
        }
    }
    for ((start, end), sum) in RANGES.iter().zip(sums) {
        println!("Sum from {start} to {end}: {sum}");
    }
    let busy = |(wall, cpu): (Duration, Duration)| cpu.as_secs_f64() / wall.as_secs_f64();
    let per_unit = par.1.as_secs_f64() / seq.1.as_secs_f64();
    println!(
        "Sequential, one thread: {:.2} seconds, {:.2} cores busy",
        seq.0.as_secs_f64(),
        busy(seq)
    );
    println!(
        "Two threads: {:.2} seconds, speedup {:.2}x, {:.2} cores busy, CPU per unit of work {per_unit:.2}x the sequential run's",
        par.0.as_secs_f64(),
        seq.0.as_secs_f64() / par.0.as_secs_f64(),
        busy(par)
    );
    println!("Overlap of the two threads' work: {overlap:.2} of the shorter one's time");
    if per_unit > 1.25 {
        println!(
            "Note: the cores were not free during this run (CPU per unit of work {per_unit:.2}x the sequential run's): the speedup above understates the machine."
        );
    }
}

/// Runs `f`; returns its value, the wall time and this process's CPU time.
fn measured<T>(f: impl FnOnce() -> T) -> (T, Duration, Duration) {
    let cpu = || Duration::from(clock_gettime(ClockId::CLOCK_PROCESS_CPUTIME_ID).unwrap());
    let (start, cpu0) = (Instant::now(), cpu());
    let value = f();
    (value, start.elapsed(), cpu() - cpu0)
}
