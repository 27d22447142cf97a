//! How long a run took and how many cores it kept busy.
//!
//! Wall time alone cannot tell a GIL from a busy machine: both make two
//! threads slow. CPU time can: a GIL never lets a process keep more than
//! one core busy, whatever else the machine is doing.
//!
//! std has no process CPU-time clock. On Unix it is POSIX's
//! `clock_gettime(CLOCK_PROCESS_CPUTIME_ID)`, through nix; elsewhere the CPU
//! time is `None` and the programs print "not measured".

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
    /// `None` where the system has no process CPU-time clock.
    pub cpu: Option<Duration>,
}

impl Usage {
    /// How many cores the run kept busy on average: CPU time over wall time.
    /// Under a GIL it cannot exceed one, whatever the machine is doing.
    pub fn cores_busy(&self) -> Option<f64> {
        Some(self.cpu?.as_secs_f64() / self.wall.as_secs_f64())
    }
}

/// What the programs print instead of CPU-time numbers where there are none.
pub const NOT_MEASURED: &str = "cores busy not measured (no process CPU-time clock here)";

/// Runs `f` and returns its value with its [`Usage`]. The CPU time is the
/// whole process's, summed over all its threads, finished ones included.
pub fn timed_usage<T>(f: impl FnOnce() -> T) -> Result<(T, Usage), String> {
    let cpu_start = process_cpu_time()?;
    let (value, wall) = timed(f);
    let cpu_end = process_cpu_time()?;
    let cpu = cpu_start.zip(cpu_end).map(|(a, b)| b.saturating_sub(a));
    Ok((value, Usage { wall, cpu }))
}

/// CPU time used so far by every thread of this process (Unix).
#[cfg(unix)]
pub fn process_cpu_time() -> Result<Option<Duration>, String> {
    nix::time::clock_gettime(nix::time::ClockId::CLOCK_PROCESS_CPUTIME_ID)
        .map(|t| Some(Duration::from(t)))
        .map_err(|e| format!("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed: {e}"))
}

/// Not measured: this system has no clock this crate knows how to read.
#[cfg(not(unix))]
pub fn process_cpu_time() -> Result<Option<Duration>, String> {
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(wall_ms: u64, cpu_ms: Option<u64>) -> Usage {
        Usage {
            wall: Duration::from_millis(wall_ms),
            cpu: cpu_ms.map(Duration::from_millis),
        }
    }

    #[test]
    fn cores_busy_is_cpu_time_over_wall_time() {
        assert_eq!(usage(500, Some(1020)).cores_busy(), Some(2.04));
    }

    /// The path of a system without the clock, exercised here on Unix.
    #[test]
    fn without_a_cpu_clock_cores_busy_is_not_measured() {
        assert_eq!(usage(500, None).cores_busy(), None);
    }
}
