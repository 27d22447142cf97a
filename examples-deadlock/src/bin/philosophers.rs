//! Guide §7, lock ordering at scale: five dining philosophers, five forks.
//!
//! Five philosophers sit at a round table with one fork between each pair;
//! eating takes both neighbouring forks. If everyone picks up the left fork
//! first, all five can hold one fork and wait for the next: a circle of five,
//! the `deadlock` binary with more threads. Here every philosopher picks up
//! the lower-numbered fork first, so philosopher 4 reaches for fork 0 before
//! fork 4, and the circle cannot close.
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-deadlock --bin philosophers
//!
//! Look for five `Philosopher N ate 1000 times` lines (in any order) and
//! `Done`. The watchdog from `deadlock` runs throughout and stays silent.
//!
//! What Rust changes: a `static` array of locks needs no `Arc`, and
//! `thread::scope` joins every thread it started before `main` goes on, with
//! no handles to collect.
//!
//! What to try: make `philosopher` take `left` then `right` (delete the
//! `min`/`max`). It may still finish: meals are short, and on this project's
//! 2-core machine it deadlocked in 0 of 20 runs. A rare deadlock is the
//! dangerous kind. Now add `thread::yield_now();` between the two `lock()`
//! calls: all five soon hold their left fork at once (20 of 20 runs here),
//! and the watchdog reports a five-thread circle, `Philosopher 0 holds fork 0
//! and waits for fork 1; ...; Philosopher 4 holds fork 4 and waits for fork
//! 0`, and exits with status 3.

use std::thread;

use examples_deadlock::{TrackedLock, start_watchdog};

const PHILOSOPHERS: usize = 5;
const MEALS: u32 = 1000;

static FORKS: [TrackedLock; PHILOSOPHERS] = [
    TrackedLock::new("fork 0"),
    TrackedLock::new("fork 1"),
    TrackedLock::new("fork 2"),
    TrackedLock::new("fork 3"),
    TrackedLock::new("fork 4"),
];

fn philosopher(seat: usize) {
    let left = seat;
    let right = (seat + 1) % PHILOSOPHERS;
    // The one decision that matters: one global order for all forks.
    let (first, second) = (left.min(right), left.max(right));
    for _ in 0..MEALS {
        let _first = FORKS[first].lock();
        let _second = FORKS[second].lock();
        // Eating is holding both forks; the guards are dropped at the end of
        // the loop body (in reverse order), which puts the forks back.
    }
    println!("Philosopher {seat} ate {MEALS} times");
}

fn main() -> std::io::Result<()> {
    start_watchdog()?;
    thread::scope(|scope| {
        for seat in 0..PHILOSOPHERS {
            thread::Builder::new()
                .name(format!("Philosopher {seat}"))
                .spawn_scoped(scope, move || philosopher(seat))?;
        }
        Ok::<(), std::io::Error>(())
    })?;
    println!("Done");
    Ok(())
}
