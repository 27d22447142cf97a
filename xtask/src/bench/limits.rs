//! What the machine allows: how many more threads or processes it will
//! start, how much memory is free, how many memory mappings a process may
//! have. The bench fits its sizes to these before it runs anything, and says
//! so when it scales one down, instead of running into the wall.

use std::fs;
use std::time::{SystemTime, UNIX_EPOCH};

/// What one measured unit needs from the machine.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A thread with this stack size: a pid, memory, mappings, and with
    /// strict overcommit its whole stack counts as committed memory.
    Thread { stack_kib: u64 },
    /// A tokio task: memory only.
    Task,
    /// A forked process: a pid and memory.
    Process,
}

/// Generous guesses of what one unit costs, in KiB, including the kernel's
/// side (a 16 KiB kernel stack per thread, page tables per process): the
/// measured figures are several times smaller.
const THREAD_KIB: u64 = 64;
const TASK_KIB: u64 = 2;
const PROCESS_KIB: u64 = 1024;
/// Memory mappings per thread: stack, guard page, signal stack and its
/// guard (Rust installs one per thread), and one to spare.
const MAPS_PER_THREAD: u64 = 5;

/// A limit: how many more of something, and what sets it.
type Room = (u64, String);

#[derive(Debug, Clone, Default)]
pub struct Limits {
    /// New threads or processes, each of which needs a pid.
    pids: Option<Room>,
    /// Memory in KiB.
    memory: Option<Room>,
    /// Committable memory in KiB, when overcommit is strict (mode 2).
    commit: Option<Room>,
    /// Memory mappings one process may have.
    max_map_count: Option<u64>,
}

impl Limits {
    pub fn detect() -> Limits {
        Limits {
            pids: pid_room(),
            memory: memory_room(),
            commit: commit_room(),
            max_map_count: read_u64("/proc/sys/vm/max_map_count"),
        }
    }

    /// One line for the terminal.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some((n, why)) = &self.pids {
            parts.push(format!("{} more threads or processes ({why})", group(*n)));
        }
        if let Some((kib, why)) = &self.memory {
            parts.push(format!(
                "{:.1} GiB of memory ({why})",
                *kib as f64 / 1048576.0
            ));
        }
        if let Some((kib, why)) = &self.commit {
            parts.push(format!(
                "{:.1} GiB committable ({why})",
                *kib as f64 / 1048576.0
            ));
        }
        if let Some(maps) = self.max_map_count {
            parts.push(format!("{} mappings per process", group(maps)));
        }
        format!(
            "limits (half of what is free is used): {}",
            parts.join(", ")
        )
    }

    /// `n` units of `kind`, or fewer if the machine cannot take them, with
    /// the reason. 0 when not even a few fit.
    pub fn fit(&self, n: u64, kind: Kind) -> (u64, Option<String>) {
        let per_kib =
            |room: &Option<Room>, kib: u64| room.as_ref().map(|(r, why)| (r / kib, why.clone()));
        let mut caps: Vec<Room> = Vec::new();
        match kind {
            Kind::Thread { stack_kib } => {
                caps.extend(self.pids.clone());
                caps.extend(per_kib(&self.memory, THREAD_KIB));
                caps.extend(per_kib(&self.commit, stack_kib + THREAD_KIB));
                if let Some(maps) = self.max_map_count {
                    let room = maps.saturating_sub(1000) / MAPS_PER_THREAD;
                    caps.push((
                        room,
                        format!("vm.max_map_count {maps}, {MAPS_PER_THREAD} per thread"),
                    ));
                }
            }
            Kind::Task => caps.extend(per_kib(&self.memory, TASK_KIB)),
            Kind::Process => {
                caps.extend(self.pids.clone());
                caps.extend(per_kib(&self.memory, PROCESS_KIB));
            }
        }
        match caps.into_iter().min_by_key(|(room, _)| *room) {
            Some((room, why)) if room < n => {
                let fitted = if room < 10 { 0 } else { two_digits(room) };
                (fitted, Some(why))
            }
            _ => (n, None),
        }
    }
}

/// `n` rounded down to two significant digits: 12345 gives 12000.
fn two_digits(n: u64) -> u64 {
    let mut unit = 1;
    while n / unit >= 100 {
        unit *= 10;
    }
    n / unit * unit
}

/// 1234567 as `1,234,567`.
pub fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn read_u64(path: &str) -> Option<u64> {
    fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// A `Name:   1234 kB` line of `/proc/meminfo`, in KiB.
fn meminfo_kib(field: &str) -> Option<u64> {
    let text = fs::read_to_string("/proc/meminfo").ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// This process's cgroup directories: the v2 one, and the v1 one of
/// `controller`, each only if it exists.
fn cgroup_dirs(controller: &str) -> Vec<String> {
    let Ok(text) = fs::read_to_string("/proc/self/cgroup") else {
        return Vec::new();
    };
    let mut dirs = Vec::new();
    for line in text.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(_), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let dir = if controllers.is_empty() {
            format!("/sys/fs/cgroup{path}")
        } else if controllers.split(',').any(|c| c == controller) {
            format!("/sys/fs/cgroup/{controller}{path}")
        } else {
            continue;
        };
        if fs::metadata(&dir).is_ok() {
            dirs.push(dir);
        }
    }
    dirs
}

/// How many more threads or processes the machine will start. Every thread
/// takes a pid, and the limits are machine-wide (`threads-max`, `pid_max`),
/// per user (`ulimit -u`) and per cgroup (`pids.max`).
fn pid_room() -> Option<Room> {
    // The fourth field of /proc/loadavg is `running/total` scheduling
    // entities (threads) on the machine.
    let in_use: u64 = fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .nth(3)?
        .split('/')
        .nth(1)?
        .parse()
        .ok()?;
    let mut rooms: Vec<Room> = Vec::new();
    for (path, name) in [
        ("/proc/sys/kernel/threads-max", "kernel.threads-max"),
        ("/proc/sys/kernel/pid_max", "kernel.pid_max"),
    ] {
        if let Some(max) = read_u64(path) {
            rooms.push((max.saturating_sub(in_use), format!("{name} {max}")));
        }
    }
    // `ulimit -u` counts the user's threads; the machine's total is an
    // upper bound of those.
    if let Some(max) = nproc_limit() {
        rooms.push((max.saturating_sub(in_use), format!("ulimit -u {max}")));
    }
    for dir in cgroup_dirs("pids") {
        let max = read_u64(&format!("{dir}/pids.max"));
        let current = read_u64(&format!("{dir}/pids.current")).unwrap_or(0);
        if let Some(max) = max {
            rooms.push((
                max.saturating_sub(current),
                format!("cgroup pids.max {max}"),
            ));
        }
    }
    rooms
        .into_iter()
        .min_by_key(|(room, _)| *room)
        .map(|(room, why)| (room / 2, why))
}

/// The soft `Max processes` limit of this process, if it has one.
fn nproc_limit() -> Option<u64> {
    let text = fs::read_to_string("/proc/self/limits").ok()?;
    let line = text.lines().find(|l| l.starts_with("Max processes"))?;
    line.strip_prefix("Max processes")?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Free memory: what the kernel says is available, or less if this
/// process's cgroup has a limit.
fn memory_room() -> Option<Room> {
    let mut rooms: Vec<Room> = Vec::new();
    if let Some(kib) = meminfo_kib("MemAvailable") {
        rooms.push((kib, "MemAvailable".to_string()));
    }
    for dir in cgroup_dirs("memory") {
        // v2 names, then v1 names; "max" or a huge number means no limit.
        for (max, current) in [
            ("memory.max", "memory.current"),
            ("memory.limit_in_bytes", "memory.usage_in_bytes"),
        ] {
            if let (Some(max), Some(current)) = (
                read_u64(&format!("{dir}/{max}")),
                read_u64(&format!("{dir}/{current}")),
            ) && max < (1 << 50)
            {
                rooms.push((max.saturating_sub(current) / 1024, format!("cgroup {max}")));
            }
        }
    }
    rooms
        .into_iter()
        .min_by_key(|(room, _)| *room)
        .map(|(room, why)| (room / 2, why))
}

/// Committable memory when the kernel refuses to overcommit (mode 2):
/// then every thread's whole stack reservation counts.
fn commit_room() -> Option<Room> {
    if read_u64("/proc/sys/vm/overcommit_memory")? != 2 {
        return None;
    }
    let limit = meminfo_kib("CommitLimit")?;
    let committed = meminfo_kib("Committed_AS")?;
    Some((
        limit.saturating_sub(committed) / 2,
        "vm.overcommit_memory 2".to_string(),
    ))
}

/// One line on the machine: cores, CPU model, memory, kernel.
pub fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let model = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix("model name")?
                    .split_once(':')
                    .map(|(_, m)| m.trim().to_string())
            })
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let memory = meminfo_kib("MemTotal").map_or("? GiB".to_string(), |kib| {
        format!("{:.0} GiB", kib as f64 / 1048576.0)
    });
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease")
        .map_or("?".to_string(), |s| s.trim().to_string());
    format!("{cores} cores ({model}), {memory} of memory, Linux {kernel}")
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a (year, month, day) of the proleptic Gregorian
/// calendar (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(20_512), (2026, 2, 28));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn rounding_and_grouping() {
        assert_eq!(two_digits(12_345), 12_000);
        assert_eq!(two_digits(99), 99);
        assert_eq!(two_digits(1_000_000), 1_000_000);
        assert_eq!(group(1_234_567), "1,234,567");
        assert_eq!(group(100), "100");
    }

    #[test]
    fn fit_scales_down_to_the_tightest_limit() {
        let limits = Limits {
            pids: Some((5000, "kernel.pid_max 32768".into())),
            memory: Some((1 << 30, "MemAvailable".into())),
            commit: None,
            max_map_count: Some(65530),
        };
        assert_eq!(
            limits.fit(1000, Kind::Thread { stack_kib: 2048 }),
            (1000, None)
        );
        assert_eq!(
            limits.fit(10_000, Kind::Thread { stack_kib: 2048 }),
            (5000, Some("kernel.pid_max 32768".into()))
        );
        assert_eq!(limits.fit(1_000_000, Kind::Task), (1_000_000, None));
        let tiny = Limits {
            pids: Some((3, "ulimit -u 100".into())),
            ..Limits::default()
        };
        assert_eq!(tiny.fit(300, Kind::Process).0, 0);
    }
}
