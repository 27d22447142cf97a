//! How long a run took and how many cores it kept busy.
//!
//! Wall time alone cannot tell a GIL from a busy machine: both make two
//! threads slow. CPU time can. A GIL never lets a process use more than one
//! core, and CPU time per unit of work that grows when the work is spread
//! over threads means the cores were slower than the one that ran it alone
//! (shared with other programs, or two virtual cores sharing one).

use std::time::{Duration, Instant};

/// Runs `f` and returns its value with the wall-clock time it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

/// The wall-clock time of a run and the CPU time the process used during it.
#[derive(Clone, Copy, Debug)]
pub struct Usage {
    pub wall: Duration,
    pub cpu: Duration,
}

impl Usage {
    /// How many cores the run kept busy on average: CPU time over wall time.
    /// Under a GIL it cannot exceed one, whatever the machine is doing.
    pub fn cores_busy(&self) -> f64 {
        self.cpu.as_secs_f64() / self.wall.as_secs_f64()
    }

    /// CPU time per unit of work relative to `base`, a run of the same work:
    /// about 1.0 when every core ran as fast as `base`'s did.
    pub fn cpu_relative_to(&self, base: &Usage) -> f64 {
        self.cpu.as_secs_f64() / base.cpu.as_secs_f64()
    }
}

/// Runs `f` and returns its value with its [`Usage`]. The CPU time is the
/// whole process's, summed over all its threads, finished ones included.
pub fn timed_usage<T>(f: impl FnOnce() -> T) -> nix::Result<(T, Usage)> {
    let cpu_start = process_cpu_time()?;
    let (value, wall) = timed(f);
    let cpu = process_cpu_time()?.saturating_sub(cpu_start);
    Ok((value, Usage { wall, cpu }))
}

/// CPU time used so far by every thread of this process. std has no such
/// clock; `clock_gettime(CLOCK_PROCESS_CPUTIME_ID)` is the POSIX one.
pub fn process_cpu_time() -> nix::Result<Duration> {
    nix::time::clock_gettime(nix::time::ClockId::CLOCK_PROCESS_CPUTIME_ID).map(Duration::from)
}
