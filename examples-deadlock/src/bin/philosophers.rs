//! Guide §7, lock ordering at scale: five dining philosophers, five forks; each philosopher
//! takes the lower-numbered fork first.
//!
//! Run: `cargo run -p examples-deadlock --bin philosophers`
//!
//! Look for: five `Philosopher N ate 1000 times` lines in any order, then `Done`; the watchdog
//! runs throughout and stays silent.
//!
//! What Rust changes: a `static` array of locks needs no `Arc`, and `thread::scope` joins every
//! thread it started, with no handles to keep.
//!
//! New here: `thread::scope`, `Builder::spawn_scoped`, `min`/`max` to fix an order.
//!
//! Try: take `left` then `right` (drop the `min`/`max`) and add `thread::yield_now();` between
//! the two `lock()` calls: the watchdog reports a five-thread circle, status 3.
//!
//! Copy: uses this crate's library (`src/detector.rs`), not standalone.

use std::process::ExitCode;
use std::thread;

use examples_deadlock::cli::{self, Failed};
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

fn main() -> ExitCode {
    cli::exit_code(run())
}

fn run() -> Result<(), Failed> {
    start_watchdog().map_err(cli::spawn_failed("watchdog"))?;
    thread::scope(|scope| {
        for seat in 0..PHILOSOPHERS {
            let name = format!("Philosopher {seat}");
            thread::Builder::new()
                .name(name.clone())
                .spawn_scoped(scope, move || philosopher(seat))
                .map_err(cli::spawn_failed(&name))?;
        }
        Ok(())
    })?;
    println!("Done");
    Ok(())
}
