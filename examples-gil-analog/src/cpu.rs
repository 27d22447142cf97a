//! How long a run took and how many cores it kept busy.
//!
//! Wall time alone cannot tell a GIL from a busy machine: both make two
//! threads slow. CPU time can. A GIL never lets a process use more than one
//! core, and CPU time per unit of work that grows when the work is spread
//! over threads means the cores were slower than the one that ran it alone
//! (shared with other programs, or two virtual cores sharing one).
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

    /// CPU time per unit of work relative to `base`, a run of the same work:
    /// about 1.0 when every core ran as fast as `base`'s did.
    pub fn cpu_relative_to(&self, base: &Usage) -> Option<f64> {
        Some(self.cpu?.as_secs_f64() / base.cpu?.as_secs_f64())
    }

    /// `1.98 cores busy, CPU per unit of work 1.02x {base_name}`, the
    /// evidence printed beside a timing, or why there is none.
    pub fn evidence(&self, base: &Usage, base_name: &str) -> String {
        match (self.cores_busy(), self.cpu_relative_to(base)) {
            (Some(busy), Some(per_unit)) => {
                format!("{busy:.2} cores busy, CPU per unit of work {per_unit:.2}x {base_name}")
            }
            _ => NOT_MEASURED.to_string(),
        }
    }
}

/// What the programs print instead of CPU-time numbers where there are none.
pub const NOT_MEASURED: &str =
    "cores busy and CPU per unit of work not measured (no process CPU-time clock here)";

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
    fn evidence_is_cores_busy_and_cpu_per_unit() {
        let (seq, par) = (usage(1000, Some(1000)), usage(500, Some(1020)));
        assert_eq!(par.cores_busy(), Some(2.04));
        assert_eq!(
            par.evidence(&seq, "the sequential run's"),
            "2.04 cores busy, CPU per unit of work 1.02x the sequential run's"
        );
    }

    /// The path of a system without the clock, exercised here on Unix.
    #[test]
    fn without_a_cpu_clock_the_evidence_says_not_measured() {
        let (seq, par) = (usage(1000, None), usage(500, None));
        assert_eq!(par.cores_busy(), None);
        assert_eq!(par.cpu_relative_to(&seq), None);
        assert_eq!(par.evidence(&seq, "the sequential run's"), NOT_MEASURED);
    }
}
