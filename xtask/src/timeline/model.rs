//! The trace model: the sampler's readings turned into what the pictures
//! show, one track per thread with a state per sample, and the printed
//! lines. Pure: no I/O, so the rules are unit-tested here.
//!
//! The rule for "running": a thread is running in a sample when its CPU
//! time grew by at least half the time since the previous sample (with the
//! kernel's late updates of a running thread's count given back to the
//! samples they belong to, see [`cpu_per_interval`]). Less than that, it is
//! named for what the kernel reported at the sample: its state letter (`R`:
//! runnable, waiting for a core) or, asleep, the kernel function it sleeps
//! in (`wchan`).

use std::time::Duration;

use super::sample::{Reading, Recording};
use crate::run::Stream;

/// What a thread was doing in one sample, named for what the kernel can
/// really tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Its CPU time grew by at least half the interval.
    Running,
    /// State `R` without that much CPU time: it wanted a core.
    Runnable,
    /// Asleep in a futex: a `Mutex`, `join`, a channel, a `Condvar`, a
    /// `Barrier`, ... all wait there, and the kernel cannot tell which.
    Blocked,
    /// Asleep in `nanosleep`: `thread::sleep`.
    Sleeping,
    /// Asleep in `epoll_wait`, `poll`, `select` or a read or write of a
    /// pipe or socket: waiting for I/O, or for a timeout of those calls
    /// (tokio's timers wait in `epoll_wait`).
    Io,
    /// Asleep in `wait4`/`waitpid`: waiting for a child process.
    Child,
    /// Asleep anywhere else.
    Asleep,
}

impl State {
    /// Every state, in the legend's order.
    pub const ALL: [State; 7] = [
        State::Running,
        State::Runnable,
        State::Blocked,
        State::Sleeping,
        State::Io,
        State::Child,
        State::Asleep,
    ];

    /// Its name in the legend and the JSON.
    pub fn name(self) -> &'static str {
        match self {
            State::Running => "running",
            State::Runnable => "runnable, waiting for a core",
            State::Blocked => "blocked (lock, join, channel or condvar)",
            State::Sleeping => "sleeping (timer)",
            State::Io => "waiting for I/O or an I/O timeout (epoll, poll, read)",
            State::Child => "waiting for a child process",
            State::Asleep => "asleep, elsewhere in the kernel",
        }
    }
}

/// The state of a sleeping thread from the kernel function it sleeps in.
pub fn asleep_in(wchan: &str, letter: u8) -> State {
    let w = wchan;
    if w.contains("futex") {
        State::Blocked
    } else if w.contains("nanosleep") {
        State::Sleeping
    } else if w.contains("epoll")
        || w.contains("poll")
        || w.contains("select")
        || w.starts_with("pipe_")
        || w.contains("wait_woken")
        || w.contains("sk_wait")
        || w.contains("unix_stream")
        || w.contains("accept")
    {
        State::Io
    } else if w.contains("do_wait") || w.contains("wait4") {
        State::Child
    } else if letter == b'D' {
        // Uninterruptible sleep, almost always a disk or other I/O.
        State::Io
    } else {
        State::Asleep
    }
}

/// The state of one sample: `cpu_grew` in the `interval` before `now`.
/// `None` for a thread that has exited (`Z`, `X`).
pub fn classify(
    cpu_grew: Duration,
    interval: Duration,
    now: Reading,
    wchan: Option<&str>,
) -> Option<State> {
    if matches!(now.state, b'Z' | b'X') {
        return None;
    }
    if cpu_grew * 2 >= interval {
        return Some(State::Running);
    }
    Some(match now.state {
        b'R' => State::Runnable,
        letter @ (b'S' | b'D' | b'I') => asleep_in(wchan.unwrap_or(""), letter),
        _ => State::Asleep,
    })
}

/// The CPU time a thread used in each interval (`spans`: start and end of
/// each reading's interval, in seconds).
///
/// The kernel brings a running thread's count up to date only now and
/// then: at each scheduler tick (every 4 ms at this machine's 250 Hz), when
/// it leaves the CPU, or when another thread wakes on its CPU. So a thread
/// that runs on may show no growth for a few samples, then a tick's worth
/// at once. Growth that follows samples which saw the thread runnable
/// (`R`) with no growth is given back to them, the most recent first, one
/// interval's length each: the count was stale because the thread was
/// running. A thread seen asleep had an exact count (it left the CPU).
pub fn cpu_per_interval(readings: &[(u32, Reading)], spans: &[(f64, f64)]) -> Vec<Duration> {
    let mut grew: Vec<Duration> = Vec::with_capacity(readings.len());
    let mut cpu = 0;
    for (i, &(_, r)) in readings.iter().enumerate() {
        let g = Duration::from_nanos(r.cpu_ns.saturating_sub(cpu));
        cpu = r.cpu_ns;
        grew.push(g);
        if g.is_zero() {
            continue;
        }
        // The zero-growth runnable samples just before this one.
        let mut start = i;
        while start > 0 && grew[start - 1].is_zero() && readings[start - 1].1.state == b'R' {
            start -= 1;
        }
        let mut left = g;
        for k in (start..=i).rev() {
            let len = Duration::from_secs_f64((spans[k].1 - spans[k].0).max(0.0));
            let take = if k == start { left } else { left.min(len) };
            grew[k] = take;
            left -= take;
            if left.is_zero() {
                break;
            }
        }
    }
    grew
}

/// One sample of one thread: its state over the interval that ends `at`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// The sweep (shared by every thread sampled in it).
    pub sweep: u32,
    /// Start and end of the interval, in seconds since the example started.
    pub from: f64,
    pub at: f64,
    pub state: State,
}

/// A run of samples in one state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    pub start: f64,
    pub end: f64,
    pub state: State,
}

/// One thread (or the main thread of a process).
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    pub pid: i32,
    pub tid: i32,
    pub label: String,
    pub points: Vec<Point>,
}

impl Track {
    /// The samples merged into runs of one state.
    pub fn spans(&self) -> Vec<Span> {
        let mut spans: Vec<Span> = Vec::new();
        for p in &self.points {
            match spans.last_mut() {
                Some(s) if s.state == p.state && (s.end - p.from).abs() < 1e-9 => s.end = p.at,
                _ => spans.push(Span {
                    start: p.from,
                    end: p.at,
                    state: p.state,
                }),
            }
        }
        spans
    }

    /// Seconds spent in `state`.
    pub fn time_in(&self, state: State) -> f64 {
        self.points
            .iter()
            .filter(|p| p.state == state)
            .map(|p| p.at - p.from)
            .sum()
    }
}

/// A line the example printed, and when it arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub at: f64,
    pub stream: Stream,
    pub text: String,
}

/// Everything a picture shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// The example's name.
    pub name: String,
    /// The example's process (the group leader).
    pub root: i32,
    pub tracks: Vec<Track>,
    pub lines: Vec<Line>,
    /// The run's wall time, in seconds.
    pub wall: f64,
    /// The sampler's mean interval between sweeps, in seconds.
    pub interval: f64,
}

impl Trace {
    /// The tracks, one per thread: `main`, threads by the name the
    /// program gave them or `thread N` in order of creation, child
    /// processes as `process PID`.
    pub fn build(name: &str, root: i32, rec: &Recording, lines: Vec<Line>, wall: f64) -> Trace {
        let secs = |sweep: u32| {
            rec.sweeps
                .get(sweep as usize)
                .map_or(0.0, Duration::as_secs_f64)
        };
        let mut order: Vec<usize> = (0..rec.threads.len()).collect();
        // The example first, then its children by pid; within a process,
        // threads in order of creation.
        order.sort_by_key(|&i| {
            let t = &rec.threads[i];
            (t.pid != root, t.pid, t.tid != t.pid, t.first_sweep, t.tid)
        });
        let process_comm = |pid: i32| {
            rec.threads
                .iter()
                .find(|t| t.tid == pid)
                .map(|t| t.comm.as_str())
        };
        let mut unnamed: std::collections::HashMap<i32, u32> = Default::default();
        let mut tracks = Vec::new();
        for i in order {
            let t = &rec.threads[i];
            let mut points = Vec::new();
            let spans: Vec<(f64, f64)> = t
                .readings
                .iter()
                .map(|&(sweep, _)| (if sweep == 0 { 0.0 } else { secs(sweep - 1) }, secs(sweep)))
                .collect();
            let grew = cpu_per_interval(&t.readings, &spans);
            for ((&(sweep, r), &(from, at)), grew) in t.readings.iter().zip(&spans).zip(grew) {
                let interval = Duration::from_secs_f64((at - from).max(0.0));
                let wchan = r.wchan.and_then(|w| rec.wchans.get(usize::from(w)));
                if let Some(state) = classify(grew, interval, r, wchan.map(String::as_str)) {
                    points.push(Point {
                        sweep,
                        from,
                        at,
                        state,
                    });
                }
            }
            // Seen only after it ended (a zombie): no row, no number.
            if points.is_empty() {
                continue;
            }
            let prefix = if t.pid == root {
                String::new()
            } else {
                format!("process {} ", t.pid)
            };
            let label = if t.tid == t.pid {
                if t.pid == root {
                    "main".to_string()
                } else {
                    format!("process {}", t.pid)
                }
            } else if !t.comm.is_empty() && Some(t.comm.as_str()) != process_comm(t.pid) {
                format!("{prefix}{}", t.comm)
            } else {
                let n = unnamed.entry(t.pid).or_insert(0);
                *n += 1;
                format!("{prefix}thread {n}")
            };
            // Threads may share a name (two pools of `worker 0`): the
            // second is `worker 0 (2)`.
            let repeats = tracks.iter().filter(|k: &&Track| {
                k.pid == t.pid && (k.label == label || k.label.starts_with(&format!("{label} (")))
            });
            let label = match repeats.count() {
                0 => label,
                n => format!("{label} ({})", n + 1),
            };
            tracks.push(Track {
                pid: t.pid,
                tid: t.tid,
                label,
                points,
            });
        }
        let n = rec.sweeps.len().max(2) as f64 - 1.0;
        let first = rec.sweeps.first().map_or(0.0, Duration::as_secs_f64);
        Trace {
            name: name.to_string(),
            root,
            tracks,
            lines,
            wall,
            interval: (secs(rec.sweeps.len().saturating_sub(1) as u32) - first) / n,
        }
    }

    /// The track labelled `label`.
    pub fn track(&self, label: &str) -> Option<&Track> {
        self.tracks.iter().find(|t| t.label == label)
    }

    /// Over the sweeps where both `a` and `b` were sampled: how many, and
    /// in how many both were running.
    pub fn running_together(&self, a: &Track, b: &Track) -> (usize, usize) {
        let mut both = 0;
        let mut shared = 0;
        for p in &a.points {
            if let Ok(i) = b.points.binary_search_by_key(&p.sweep, |q| q.sweep) {
                shared += 1;
                both +=
                    usize::from(p.state == State::Running && b.points[i].state == State::Running);
            }
        }
        (shared, both)
    }

    /// When the first line starting with `prefix` was printed.
    pub fn line_at(&self, prefix: &str) -> Option<f64> {
        self.lines
            .iter()
            .find(|l| l.text.starts_with(prefix))
            .map(|l| l.at)
    }
}

#[cfg(test)]
mod tests {
    use super::super::sample::ThreadRecord;
    use super::*;

    fn r(cpu_ns: u64, state: u8, wchan: Option<u16>) -> Reading {
        Reading {
            cpu_ns,
            state,
            wchan,
        }
    }

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn running_means_half_the_interval_on_a_cpu() {
        let s = |grew_us: u64, letter| {
            classify(
                Duration::from_micros(grew_us),
                2 * MS,
                r(0, letter, None),
                Some("futex_do_wait"),
            )
        };
        assert_eq!(s(1000, b'S'), Some(State::Running));
        assert_eq!(s(999, b'R'), Some(State::Runnable));
        assert_eq!(s(10, b'S'), Some(State::Blocked));
        assert_eq!(s(2000, b'Z'), None);
    }

    #[test]
    fn a_stale_count_is_given_back_to_the_runnable_samples_before_it() {
        let spans: Vec<(f64, f64)> = (0..6)
            .map(|i| (i as f64 * 0.001, (i + 1) as f64 * 0.001))
            .collect();
        // Running throughout, the count updated at a 4 ms tick; then asleep.
        let readings: Vec<(u32, Reading)> = [
            (1_000_000, b'R'),
            (1_000_000, b'R'),
            (1_000_000, b'R'),
            (1_000_000, b'R'),
            (5_000_000, b'R'),
            (5_000_000, b'S'),
        ]
        .iter()
        .enumerate()
        .map(|(i, &(cpu_ns, state))| (i as u32, r(cpu_ns, state, None)))
        .collect();
        let ms = |g: &[Duration]| {
            g.iter()
                .map(|d| d.as_micros() as u64 / 1000)
                .collect::<Vec<_>>()
        };
        assert_eq!(ms(&cpu_per_interval(&readings, &spans)), [1, 1, 1, 1, 1, 0]);
        // One ms of CPU after four runnable samples: only the last interval ran.
        let mut waited = readings.clone();
        waited[4].1.cpu_ns = 2_000_000;
        waited[5].1.cpu_ns = 2_000_000;
        assert_eq!(ms(&cpu_per_interval(&waited, &spans)), [1, 0, 0, 0, 1, 0]);
    }

    #[test]
    fn sleeps_are_named_for_where_the_kernel_says() {
        assert_eq!(asleep_in("futex_do_wait", b'S'), State::Blocked);
        assert_eq!(asleep_in("futex_wait_queue", b'S'), State::Blocked);
        assert_eq!(asleep_in("hrtimer_nanosleep", b'S'), State::Sleeping);
        assert_eq!(asleep_in("do_epoll_wait", b'S'), State::Io);
        assert_eq!(asleep_in("pipe_read", b'S'), State::Io);
        assert_eq!(asleep_in("do_wait", b'S'), State::Child);
        assert_eq!(asleep_in("", b'D'), State::Io);
        assert_eq!(asleep_in("something_else", b'S'), State::Asleep);
    }

    fn recording() -> Recording {
        let thread = |pid, tid, comm: &str, first_sweep, readings| ThreadRecord {
            pid,
            tid,
            comm: comm.into(),
            first_sweep,
            readings,
        };
        Recording {
            sweeps: (1..=4).map(|i| i * MS).collect(),
            threads: vec![
                // main: asleep in a join, then gone.
                thread(
                    10,
                    10,
                    "ex",
                    0,
                    vec![(0, r(0, b'S', Some(0))), (1, r(0, b'S', Some(0)))],
                ),
                // an unnamed thread: running, running, waiting for a core.
                thread(
                    10,
                    12,
                    "ex",
                    1,
                    vec![
                        (1, r(900_000, b'R', None)),
                        (2, r(1_800_000, b'R', None)),
                        (3, r(1_900_000, b'R', None)),
                    ],
                ),
                thread(10, 11, "worker", 0, vec![(0, r(0, b'S', Some(1)))]),
                thread(20, 20, "ex", 2, vec![(2, r(0, b'S', Some(1)))]),
                thread(20, 21, "ex", 2, vec![(2, r(0, b'S', Some(1)))]),
            ],
            wchans: vec!["futex_do_wait".into(), "hrtimer_nanosleep".into()],
            cpu: Duration::ZERO,
        }
    }

    #[test]
    fn tracks_are_labelled_and_ordered() {
        let t = Trace::build("ex", 10, &recording(), Vec::new(), 0.004);
        let labels: Vec<&str> = t.tracks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "main",
                "worker",
                "thread 1",
                "process 20",
                "process 20 thread 1"
            ]
        );
        assert!((t.interval - 0.001).abs() < 1e-9, "{}", t.interval);
    }

    #[test]
    fn samples_become_states_and_spans() {
        let t = Trace::build("ex", 10, &recording(), Vec::new(), 0.004);
        let main = t.track("main").unwrap();
        assert_eq!(
            main.spans(),
            [Span {
                start: 0.0,
                end: 0.002,
                state: State::Blocked
            }]
        );
        let t1 = t.track("thread 1").unwrap();
        let states: Vec<State> = t1.points.iter().map(|p| p.state).collect();
        assert_eq!(states, [State::Running, State::Running, State::Runnable]);
        assert_eq!(t1.spans().len(), 2);
        assert!((t1.time_in(State::Running) - 0.002).abs() < 1e-9);
        let (shared, both) = t.running_together(main, t1);
        assert_eq!((shared, both), (1, 0));
        assert_eq!(t.track("worker").unwrap().points[0].state, State::Sleeping);
    }
}
