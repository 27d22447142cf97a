//! Were two cores free for this run? Evidence from outside the program.
//!
//! Checks such as "two threads are 1.5x faster than one" mean something only
//! when the example had the CPU to itself. This project's machine is a
//! virtual one: the host steals tens of milliseconds a second, other
//! processes come and go, and a measurement taken before a run says nothing
//! about the run. So the verdict is about the run itself:
//!
//! - the runner reads the kernel's CPU counters (`/proc/stat`: busy and
//!   steal time summed over all cores) just before it starts an example and
//!   just after it has reaped it, and the example's own CPU time (`wait4`);
//! - other processes' CPU is the machine's busy time minus the example's;
//! - the cores were free if steal and other processes together stayed under
//!   small limits, averaged over the run.
//!
//! What this cannot see is two virtual cores that share one physical core,
//! or a throttled host: each core then does less work per second. That is
//! why the checks it guards judge cores busy (CPU time over wall time, which
//! such a host does not lower), not speed: see `xtask/README.md`.
//!
//! Where `/proc/stat` does not exist, there is no evidence, and the
//! free-cores checks are skipped, saying so.

use std::thread;
use std::time::Duration;

use crate::spec::Machine;

/// Most steal the host may take during a run, in cores (averaged). Spread
/// over the run, 0.15 cores slow each of two cores by 7.5%: a 2.0x speedup
/// reads 1.85x, far from any bound here. The project's idle machine shows
/// 0.00 to 0.06; more than 0.15 is a host busy elsewhere.
pub const MAX_STEAL: f64 = 0.15;

/// Most CPU everything but the example may use during a run, in cores.
pub const MAX_OTHERS: f64 = 0.15;

/// The machine's CPU counters at one moment, in seconds summed over cores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snapshot {
    pub busy: f64,
    pub steal: f64,
    /// How finely they count: one clock tick per core, in seconds (the
    /// difference of two snapshots is off by up to that much).
    pub resolution: f64,
}

/// Reads `/proc/stat`; `None` where there is none (not Linux).
pub fn snapshot() -> Option<Snapshot> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    let mut s = parse_stat(&text, ticks_per_second())?;
    s.resolution *= parallelism() as f64;
    Some(s)
}

fn ticks_per_second() -> f64 {
    // SAFETY: `sysconf` only reads a configuration value.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if hz > 0 { hz as f64 } else { 100.0 }
}

/// The first line of `/proc/stat`: `cpu user nice system idle iowait irq
/// softirq steal guest guest_nice`, in clock ticks (guest time is already
/// counted in user time).
fn parse_stat(text: &str, hz: f64) -> Option<Snapshot> {
    let line = text.lines().find(|l| l.starts_with("cpu "))?;
    let f: Vec<f64> = line
        .split_whitespace()
        .skip(1)
        .map(|x| x.parse::<f64>().ok())
        .collect::<Option<_>>()?;
    let at = |i: usize| f.get(i).copied().unwrap_or(0.0);
    let busy = at(0) + at(1) + at(2) + at(5) + at(6);
    Some(Snapshot {
        busy: busy / hz,
        steal: at(7) / hz,
        resolution: 1.0 / hz,
    })
}

/// The verdict on one run: steal and other processes' CPU between `before`
/// and `after`, given the example's own CPU time and wall time.
pub fn judge(before: Snapshot, after: Snapshot, wall: Duration, own_cpu: Duration) -> Machine {
    let wall_s = wall.as_secs_f64().max(1e-3);
    let steal = (after.steal - before.steal).max(0.0) / wall_s;
    let others = (after.busy - before.busy - own_cpu.as_secs_f64()).max(0.0) / wall_s;
    // Counted in clock ticks, the averages of a short run are mostly noise:
    // it needs half the limit on other processes in resolution.
    let resolution = after.resolution.max(before.resolution) / wall_s;
    if resolution > MAX_OTHERS / 2.0 {
        return Machine {
            free: false,
            evidence: format!(
                "this {:.2} s run is too short to judge: the kernel counts CPU time in ticks \
                 of {:.0} ms per core, {resolution:.2} cores over this run (a run of at \
                 least {:.2} s can be judged)",
                wall.as_secs_f64(),
                after.resolution * 1000.0 / parallelism() as f64,
                2.0 * after.resolution / MAX_OTHERS,
            ),
        };
    }
    let free = steal <= MAX_STEAL && others <= MAX_OTHERS && parallelism() >= 2;
    let mut parts = [
        (
            others > MAX_OTHERS,
            format!("other processes {others:.2} cores (limit {MAX_OTHERS})"),
        ),
        (
            steal > MAX_STEAL,
            format!("steal {steal:.2} cores (limit {MAX_STEAL})"),
        ),
    ];
    // What made the run busy comes first, so a cut-off line still says it.
    parts.sort_by_key(|(over, _)| !over);
    let [(_, first), (_, second)] = parts;
    let cores = if parallelism() >= 2 {
        ""
    } else {
        "; this machine has one core"
    };
    Machine {
        free,
        evidence: format!(
            "{first}, {second} during this {:.2} s run{cores}",
            wall.as_secs_f64()
        ),
    }
}

/// How long the machine must stay quiet before the `alone` lane starts an
/// example with free-cores checks while sleepers still run (see `verify`).
pub const QUIET_WINDOW: Duration = Duration::from_millis(500);

/// Most CPU the rest of the machine may use over that window, in cores:
/// 0.1 cores over 0.5 s is 5 clock ticks of 10 ms. A sleeper between its
/// naps uses none; one that is starting (spawning threads, forking, binding
/// sockets) or ending uses more.
pub const QUIET: f64 = 0.10;

/// Whether the machine was quiet between two snapshots taken `wall` apart
/// while nothing of ours was being timed: its busy time, all of it other
/// processes', averaged over the interval. Steal is not ours to wait for; the
/// run's own evidence judges it.
pub fn quiet(before: Snapshot, after: Snapshot, wall: Duration) -> bool {
    (after.busy - before.busy).max(0.0) / wall.as_secs_f64().max(1e-3) <= QUIET
}

fn parallelism() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAT: &str = "cpu  886 0 1170 80944 666 0 13 492 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n";

    #[test]
    fn proc_stat_is_read_in_seconds() {
        let s = parse_stat(STAT, 100.0).unwrap();
        assert!((s.resolution - 0.01).abs() < 1e-12, "{s:?}");
        assert!((s.busy - 20.69).abs() < 1e-9, "{s:?}");
        assert!((s.steal - 4.92).abs() < 1e-9, "{s:?}");
        assert_eq!(parse_stat("intr 1 2\n", 100.0), None);
    }

    fn snap(busy: f64, steal: f64) -> Snapshot {
        Snapshot {
            busy,
            steal,
            resolution: 0.02,
        }
    }

    #[test]
    fn a_run_alone_on_the_machine_is_free() {
        // 4 s of wall, the example used 7.9 s of CPU; the machine 8.02 s.
        let m = judge(
            snap(10.0, 1.0),
            snap(18.02, 1.04),
            Duration::from_secs(4),
            Duration::from_millis(7900),
        );
        assert!(m.free || parallelism() < 2, "{}", m.evidence);
        assert!(m.evidence.contains("steal 0.01 cores"), "{}", m.evidence);
        assert!(
            m.evidence.contains("other processes 0.03 cores"),
            "{}",
            m.evidence
        );
    }

    #[test]
    fn steal_or_other_processes_make_a_run_busy() {
        let wall = Duration::from_secs(2);
        let stolen = judge(snap(0.0, 0.0), snap(3.0, 0.5), wall, Duration::from_secs(3));
        assert!(!stolen.free, "{}", stolen.evidence);
        assert!(
            stolen.evidence.contains("steal 0.25 cores"),
            "{}",
            stolen.evidence
        );
        let shared = judge(snap(0.0, 0.0), snap(4.0, 0.0), wall, Duration::from_secs(3));
        assert!(!shared.free, "{}", shared.evidence);
        assert!(
            shared.evidence.contains("other processes 0.50 cores"),
            "{}",
            shared.evidence
        );
    }

    #[test]
    fn a_run_too_short_for_the_counters_is_not_judged() {
        let m = judge(
            snap(0.0, 0.0),
            snap(0.04, 0.0),
            Duration::from_millis(20),
            Duration::from_millis(40),
        );
        assert!(!m.free);
        assert!(m.evidence.contains("too short to judge"), "{}", m.evidence);
        assert!(m.evidence.contains("at least 0.27 s"), "{}", m.evidence);
    }

    #[test]
    fn a_window_of_sleepers_is_quiet_and_a_start_is_not() {
        let window = Duration::from_millis(500);
        // Two clock ticks of 10 ms in half a second: 0.04 cores.
        assert!(quiet(snap(5.0, 0.0), snap(5.02, 0.0), window));
        // Threads being spawned and a fork: 0.2 s of CPU, 0.4 cores.
        assert!(!quiet(snap(5.0, 0.0), snap(5.2, 0.0), window));
        // Steal is judged by the run, not waited for.
        assert!(quiet(snap(5.0, 0.0), snap(5.0, 0.4), window));
    }
}
