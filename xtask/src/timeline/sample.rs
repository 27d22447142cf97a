//! The sampler: follows every thread of a running example and of its child
//! processes from outside, through `/proc`, without changing the program.
//!
//! Each sweep reads, for every live thread, `/proc/PID/task/TID/schedstat`
//! (nanoseconds on a CPU, nanoseconds waiting for one, time slices run); and
//! only when that changed, or the thread was last seen running or runnable,
//! `stat` (its state letter) and, for a sleeping thread, `wchan` (the kernel
//! function it sleeps in). (A thread's CPU-time clock would be exact, but
//! Linux lets a process read only its own threads' clocks.) The files stay open and are re-read with `pread`.
//! A thread whose counters did not move since a sweep that saw it asleep is
//! still asleep where it was: nothing is read but `schedstat`.
//!
//! New threads: a process's thread count (its `stat`) changed, or one of its
//! threads vanished, and its `task` directory is listed again. New processes:
//! every few sweeps `/proc` is listed and each pid not seen before is asked
//! for its process group; the example's group is the example and everything
//! it forked.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::os::unix::fs::FileExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// How often the sampler wakes: the GIL analog hands over every 5 ms, so a
/// sample every 2 ms at most, with room for late wake-ups.
pub const INTERVAL: Duration = Duration::from_millis(1);

/// Every how many sweeps `/proc` is listed for new child processes.
const SCAN_EVERY: u32 = 4;

/// What one read of a thread found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    /// Nanoseconds on a CPU so far (`schedstat` field 1).
    pub cpu_ns: u64,
    /// The state letter of `stat` (`R`, `S`, `D`, `Z`, ...).
    pub state: u8,
    /// Index into [`Recording::wchans`] for a sleeping thread.
    pub wchan: Option<u16>,
}

/// One thread followed by the sampler.
#[derive(Debug, Clone)]
pub struct ThreadRecord {
    pub pid: i32,
    pub tid: i32,
    /// Its `comm` when first seen (the name the program set, if any).
    pub comm: String,
    /// The sweep it was first seen in.
    pub first_sweep: u32,
    /// (sweep, reading), in sweep order; it ends where the thread did.
    pub readings: Vec<(u32, Reading)>,
}

/// Everything the sampler saw.
#[derive(Debug, Clone, Default)]
pub struct Recording {
    /// When each sweep began, since the example started.
    pub sweeps: Vec<Duration>,
    /// Every thread, in the order first seen.
    pub threads: Vec<ThreadRecord>,
    /// The distinct `wchan` names.
    pub wchans: Vec<String>,
    /// The sampler's own CPU time.
    pub cpu: Duration,
}

impl Recording {
    /// The sampler's CPU time over the span it sampled, in cores.
    pub fn cpu_share(&self) -> f64 {
        let span = self.sweeps.last().copied().unwrap_or_default();
        self.cpu.as_secs_f64() / span.as_secs_f64().max(1e-3)
    }

    /// The longest time between two sweeps, and how many gaps exceeded `limit`.
    pub fn gaps(&self, limit: Duration) -> (Duration, usize) {
        let gaps = self.sweeps.windows(2).map(|w| w[1] - w[0]);
        gaps.fold((Duration::ZERO, 0), |(max, over), g| {
            (max.max(g), over + usize::from(g > limit))
        })
    }
}

/// A sampler on a thread of its own, started before the example so that
/// its first sweep follows the example's start at once: it waits for
/// [`Running::follow`], then samples until [`Running::stop`].
pub struct Running {
    stop: Arc<AtomicBool>,
    root: std::sync::mpsc::Sender<(i32, Instant)>,
    handle: thread::JoinHandle<Recording>,
}

impl Running {
    /// Starts the thread; it waits for a process to follow.
    pub fn new() -> Running {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let (root, told) = std::sync::mpsc::channel::<(i32, Instant)>();
        let handle = thread::Builder::new()
            .name("timeline-sampler".into())
            .spawn(move || match told.recv() {
                Ok((pid, start)) => sample(pid, start, &flag),
                // Stopped before any example started.
                Err(_) => Recording::default(),
            })
            .expect("the sampler thread starts");
        Running { stop, root, handle }
    }

    /// Follows process `root` (the leader of its group), started at `start`.
    pub fn follow(&self, root: i32, start: Instant) {
        let _ = self.root.send((root, start));
    }

    /// Stops the sampler and returns what it saw.
    pub fn stop(self) -> Recording {
        self.stop.store(true, Ordering::SeqCst);
        drop(self.root);
        self.handle.join().unwrap_or_default()
    }
}

impl Default for Running {
    fn default() -> Running {
        Running::new()
    }
}

struct Proc {
    pid: i32,
    stat: File,
    threads: i64,
    rescan: bool,
}

struct Followed {
    record: usize,
    schedstat: File,
    stat: File,
    wchan: Option<File>,
    /// The last `schedstat` text's three numbers.
    last: Option<[u64; 3]>,
    last_reading: Option<Reading>,
}

fn sample(root: i32, start: Instant, stop: &AtomicBool) -> Recording {
    let cpu_before = thread_cpu();
    let mut rec = Recording::default();
    let mut wchan_ids: HashMap<String, u16> = HashMap::new();
    let mut procs: Vec<Proc> = Vec::new();
    let mut followed: HashMap<i32, Followed> = HashMap::new();
    let mut seen_pids: HashSet<i32> = HashSet::new();
    if let Some(p) = open_proc(root) {
        procs.push(p);
    }
    seen_pids.insert(root);
    let mut buf = [0u8; 512];
    let mut next = Instant::now();
    let mut sweep: u32 = 0;
    while !stop.load(Ordering::SeqCst) {
        let now = Instant::now();
        rec.sweeps.push(now.saturating_duration_since(start));
        // Processes: a changed thread count means threads came or went.
        procs.retain_mut(|p| match pread(&p.stat, &mut buf) {
            Some(text) => {
                let threads = stat_field(text, 17)
                    .and_then(|f| f.parse().ok())
                    .unwrap_or(0);
                if threads != p.threads || p.rescan {
                    p.threads = threads;
                    p.rescan = false;
                    for tid in list_tasks(p.pid) {
                        followed.entry(tid).or_insert_with(|| {
                            let record = rec.threads.len();
                            rec.threads.push(ThreadRecord {
                                pid: p.pid,
                                tid,
                                comm: read_comm(p.pid, tid),
                                first_sweep: sweep,
                                readings: Vec::new(),
                            });
                            open_thread(p.pid, tid, record)
                        });
                    }
                }
                !stat_field(text, 0).is_some_and(|s| s == "Z" || s == "X")
            }
            None => false,
        });
        // Threads.
        let mut gone = Vec::new();
        for (&tid, f) in followed.iter_mut() {
            match read_thread(f, &mut buf, &mut rec.wchans, &mut wchan_ids) {
                Some(r) => {
                    let t = &mut rec.threads[f.record];
                    t.readings.push((sweep, r));
                    // A thread names itself once it first runs, which on a
                    // busy machine can be late: look again, for a while.
                    if t.readings.len() <= 20 {
                        let comm = read_comm(t.pid, t.tid);
                        if !comm.is_empty() {
                            t.comm = comm;
                        }
                    }
                    if r.state == b'Z' || r.state == b'X' {
                        gone.push(tid);
                    }
                }
                None => gone.push(tid),
            }
        }
        for tid in gone {
            if let Some(f) = followed.remove(&tid) {
                let pid = rec.threads[f.record].pid;
                if let Some(p) = procs.iter_mut().find(|p| p.pid == pid) {
                    p.rescan = true;
                }
            }
        }
        // New child processes, after the threads: the first sweep comes
        // as soon as possible after the start.
        if sweep.is_multiple_of(SCAN_EVERY) {
            for pid in new_group_members(root, &mut seen_pids, sweep == 0) {
                if let Some(p) = open_proc(pid) {
                    procs.push(p);
                }
            }
        }
        sweep += 1;
        next += INTERVAL;
        let now = Instant::now();
        if next > now {
            thread::sleep(next - now);
        } else {
            // Late (the machine was busy): the next sweep is due from now.
            next = now;
        }
    }
    rec.cpu = thread_cpu().saturating_sub(cpu_before);
    rec
}

/// Reads one thread: `schedstat` always, `stat` and `wchan` only when the
/// thread may have changed state since the last sweep.
fn read_thread(
    f: &mut Followed,
    buf: &mut [u8],
    wchans: &mut Vec<String>,
    ids: &mut HashMap<String, u16>,
) -> Option<Reading> {
    let sched = parse_schedstat(pread(&f.schedstat, buf)?)?;
    match f.last_reading {
        // Asleep where it was (a sleep site not read yet is read again).
        Some(last) if f.last == Some(sched) && is_asleep(last.state) && last.wchan.is_some() => {
            return Some(last);
        }
        _ => {}
    }
    f.last = Some(sched);
    let cpu_ns = sched[0];
    let state = stat_field(pread(&f.stat, buf)?, 0)?.bytes().next()?;
    let wchan = match (&f.wchan, is_asleep(state)) {
        (Some(file), true) => pread(file, buf)
            .map(str::trim)
            .filter(|w| !w.is_empty() && *w != "0")
            .map(|w| match ids.get(w) {
                Some(&id) => id,
                None => {
                    let id = wchans.len() as u16;
                    wchans.push(w.to_string());
                    ids.insert(w.to_string(), id);
                    id
                }
            }),
        _ => None,
    };
    // Woken between the two reads, it no longer sleeps anywhere: it slept
    // where it last did, as far as anything here can tell.
    let wchan = match (wchan, f.last_reading) {
        (None, Some(last)) if is_asleep(state) => last.wchan,
        (w, _) => w,
    };
    let reading = Reading {
        cpu_ns,
        state,
        wchan,
    };
    f.last_reading = Some(reading);
    Some(reading)
}

fn is_asleep(state: u8) -> bool {
    matches!(state, b'S' | b'D' | b'I')
}

fn pread<'a>(file: &File, buf: &'a mut [u8]) -> Option<&'a str> {
    let n = file.read_at(buf, 0).ok()?;
    if n == 0 {
        return None;
    }
    std::str::from_utf8(&buf[..n]).ok()
}

/// `schedstat`: nanoseconds on a CPU, nanoseconds runnable but waiting,
/// time slices run.
pub fn parse_schedstat(text: &str) -> Option<[u64; 3]> {
    let mut f = text.split_whitespace().map(|x| x.parse::<u64>().ok());
    Some([f.next()??, f.next()??, f.next()??])
}

/// Field `i` of a `stat` line counted after the `(comm)` (0 is the state;
/// 2 the process group; 17 the number of threads). The name may hold
/// spaces and parentheses, so the count starts after the last `)`.
pub fn stat_field(text: &str, i: usize) -> Option<&str> {
    let rest = &text[text.rfind(')')? + 1..];
    rest.split_whitespace().nth(i)
}

fn open_proc(pid: i32) -> Option<Proc> {
    Some(Proc {
        pid,
        stat: File::open(format!("/proc/{pid}/stat")).ok()?,
        threads: -1,
        rescan: true,
    })
}

fn open_thread(pid: i32, tid: i32, record: usize) -> Followed {
    let dir = format!("/proc/{pid}/task/{tid}");
    // A thread that ended between the listing and here reads as gone.
    let open = |name: &str| File::open(format!("{dir}/{name}"));
    let dead = || File::open("/dev/null").expect("/dev/null opens");
    Followed {
        record,
        schedstat: open("schedstat").unwrap_or_else(|_| dead()),
        stat: open("stat").unwrap_or_else(|_| dead()),
        wchan: open("wchan").ok(),
        last: None,
        last_reading: None,
    }
}

fn read_comm(pid: i32, tid: i32) -> String {
    fs::read_to_string(format!("/proc/{pid}/task/{tid}/comm"))
        .map(|c| c.trim_end().to_string())
        .unwrap_or_default()
}

fn list_tasks(pid: i32) -> Vec<i32> {
    let mut tids: Vec<i32> = fs::read_dir(format!("/proc/{pid}/task"))
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    tids.sort_unstable();
    tids
}

/// Pids not seen before whose process group is `group`. On the `first`
/// scan, pids below the group's are not even opened: they were taken
/// before its leader started, so they are not its children (unless pids
/// wrapped around at that very moment).
fn new_group_members(group: i32, seen: &mut HashSet<i32>, first: bool) -> Vec<i32> {
    let mut found = Vec::new();
    let Ok(dir) = fs::read_dir("/proc") else {
        return found;
    };
    let mut buf = [0u8; 512];
    for pid in dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok()) {
        if !seen.insert(pid) || (first && pid < group) {
            continue;
        }
        let Ok(file) = File::open(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let ours = pread(&file, &mut buf)
            .and_then(|t| stat_field(t, 2)?.parse::<i32>().ok())
            .is_some_and(|g| g == group);
        if ours {
            found.push(pid);
        }
    }
    found.sort_unstable();
    found
}

/// This thread's CPU time.
fn thread_cpu() -> Duration {
    // SAFETY: `clock_gettime` fills the `timespec` it is given.
    let t = unsafe {
        let mut t: libc::timespec = std::mem::zeroed();
        libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t);
        t
    };
    Duration::new(
        t.tv_sec.max(0) as u64,
        t.tv_nsec.clamp(0, 999_999_999) as u32,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::CommandExt;

    #[test]
    fn stat_fields_count_after_the_name() {
        let stat = "5711 (a (b) c) S 5703 5703 4026 0 -1 4194304 129 0 0 0 0 0 0 0 20 0 3 0";
        assert_eq!(stat_field(stat, 0), Some("S"));
        assert_eq!(stat_field(stat, 2), Some("5703"));
        assert_eq!(stat_field(stat, 17), Some("3"));
    }

    #[test]
    fn schedstat_has_three_numbers() {
        assert_eq!(parse_schedstat("588931 12 2\n"), Some([588931, 12, 2]));
        assert_eq!(parse_schedstat("1 2\n"), None);
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_sleeping_child_is_followed() {
        let mut child = std::process::Command::new("sleep")
            .arg("0.3")
            .process_group(0)
            .spawn()
            .expect("sleep starts");
        let running = Running::new();
        running.follow(child.id() as i32, Instant::now());
        child.wait().expect("sleep ends");
        let rec = running.stop();
        assert_eq!(rec.threads.len(), 1, "{rec:?}");
        let t = &rec.threads[0];
        let asleep = t.readings.iter().filter(|(_, r)| r.state == b'S').count();
        assert!(asleep * 2 > t.readings.len(), "{rec:?}");
        let wchan = t.readings.iter().find_map(|(_, r)| r.wchan);
        let name = wchan.map(|w| rec.wchans[usize::from(w)].as_str());
        assert!(name.is_some_and(|n| n.contains("nanosleep")), "{name:?}");
        assert!(rec.sweeps.len() > 100, "{}", rec.sweeps.len());
    }
}
