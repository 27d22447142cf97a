//! Does this machine have two free cores right now?
//!
//! Checks such as "two threads are 1.5× faster than one" only mean something
//! when nothing else is using the CPU. Before running them, verify times a
//! fixed amount of spinning on one thread, then the same amount on each of two
//! threads at once. On two free cores both take the same time, so the
//! throughput ratio is 2.0; a busy or single-core machine gets less.

use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant};

/// Two threads must reach this multiple of one thread's throughput.
pub const FREE_RATIO: f64 = 1.8;

/// The measurement: throughput of two spinning threads over one.
#[derive(Debug, Clone, Copy)]
pub struct Cores {
    pub ratio: f64,
}

impl Cores {
    pub fn free(&self) -> bool {
        self.ratio >= FREE_RATIO
    }

    /// A line for the report.
    pub fn describe(&self) -> String {
        let verdict = if self.free() {
            "free-cores checks are enforced"
        } else {
            "the machine is busy or has one core: free-cores checks are skipped"
        };
        format!(
            "cores: two spinning threads did {:.2}x the work of one (need {FREE_RATIO:.1}x); {verdict}",
            self.ratio
        )
    }
}

/// Best of three measurements (noise only ever lowers the ratio).
pub fn measure() -> Cores {
    if thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
        return Cores { ratio: 1.0 };
    }
    let ratio = (0..3).map(|_| once()).fold(0.0, f64::max);
    Cores { ratio }
}

fn once() -> f64 {
    let spins = calibrate(Duration::from_millis(60));
    let one = time(|| spin(spins));
    let two = time(|| {
        thread::scope(|s| {
            s.spawn(|| spin(spins));
            s.spawn(|| spin(spins));
        });
    });
    2.0 * one.as_secs_f64() / two.as_secs_f64()
}

/// How many spins take about `target` on one thread.
fn calibrate(target: Duration) -> u64 {
    let mut spins = 1 << 16;
    loop {
        let t = time(|| spin(spins));
        if t >= target / 4 {
            return (spins as f64 * target.as_secs_f64() / t.as_secs_f64()) as u64;
        }
        spins *= 2;
    }
}

fn spin(n: u64) {
    let mut x = 0u64;
    for i in 0..n {
        // `black_box` keeps the optimizer from computing the loop away.
        x = black_box(x.wrapping_mul(31).wrapping_add(i));
    }
    black_box(x);
}

fn time(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}
