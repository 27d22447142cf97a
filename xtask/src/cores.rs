//! Does this machine have two free cores right now?
//!
//! Checks such as "two threads are 1.5× faster than one" only mean something
//! when nothing else is using the CPU. Before running them, verify spins two
//! threads at once for a quarter of a second and asks the kernel how much CPU
//! time each one really got. On two free cores each gets a whole core; beside
//! other busy programs the scheduler shares the cores out and each gets less.
//!
//! An earlier version compared the work of two spinning threads with the work
//! of one. The scheduler fooled it: newly started threads get an early turn,
//! and with two busy loops running it still measured 1.82× in one of three
//! tries. CPU time against wall time over a longer window does not have that
//! blind spot.

use std::thread;
use std::time::{Duration, Instant};

use nix::time::{ClockId, clock_gettime};

/// Both spinning threads together must get this many cores.
pub const FREE_CORES: f64 = 1.8;

/// How long each measurement spins.
const WINDOW: Duration = Duration::from_millis(250);

/// The measurement: cores the two spinning threads got between them.
#[derive(Debug, Clone, Copy)]
pub struct Cores {
    pub got: f64,
}

impl Cores {
    pub fn free(&self) -> bool {
        self.got >= FREE_CORES
    }

    /// A line for the report.
    pub fn describe(&self) -> String {
        let verdict = if self.free() {
            "free-cores checks are enforced"
        } else {
            "the machine is busy or has one core: free-cores checks are skipped"
        };
        format!(
            "cores: two spinning threads got {:.2} cores between them (need {FREE_CORES:.1}); {verdict}",
            self.got
        )
    }
}

/// Best of three measurements (noise only ever lowers the result).
pub fn measure() -> Cores {
    if thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
        return Cores { got: 1.0 };
    }
    let got = (0..3).map(|_| once()).fold(0.0, f64::max);
    Cores { got }
}

/// Two threads spin for [`WINDOW`]; twice the smaller share of a core that
/// either got, so one starved thread is not hidden by the other.
fn once() -> f64 {
    let shares: Vec<f64> = thread::scope(|s| {
        let spinners: Vec<_> = (0..2).map(|_| s.spawn(spin_share)).collect();
        spinners
            .into_iter()
            .map(|h| h.join().expect("a spinning thread does not panic"))
            .collect()
    });
    2.0 * shares.into_iter().fold(1.0, f64::min)
}

/// Spins for [`WINDOW`] of wall time; returns the CPU time this thread got
/// over that wall time (1.0: a whole core).
fn spin_share() -> f64 {
    let cpu = || {
        clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID)
            .map(Duration::from)
            .unwrap_or_default()
    };
    let (wall0, cpu0) = (Instant::now(), cpu());
    while wall0.elapsed() < WINDOW {
        std::hint::spin_loop();
    }
    let (wall, used) = (wall0.elapsed(), cpu() - cpu0);
    (used.as_secs_f64() / wall.as_secs_f64()).min(1.0)
}

#[cfg(test)]
mod tests {
    /// Prints the measurement: `cargo test -p xtask --lib cores -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn print_measure() {
        for _ in 0..3 {
            println!("{}", super::measure().describe());
        }
    }
}
