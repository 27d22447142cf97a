//! The timelines tell the truth: what the pictures of `cargo xtask
//! timeline` show, checked on the recorded samples of real runs of the
//! release binaries (built once, by the same `catalog::build` as verify).
//! These examples sleep: their facts hold on a busy machine too, so they
//! run side by side. The CPU-bound `gil-analog` has a test binary of its
//! own (`timeline_gil.rs`).

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use xtask::catalog::{self, Executables};
use xtask::run::Stream;
use xtask::spec::Exit;
use xtask::timeline::model::State;
use xtask::timeline::{self, Recorded};

fn executables() -> &'static Executables {
    static BUILT: OnceLock<Executables> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = catalog::workspace_root().unwrap_or_else(|e| panic!("{e}"));
        catalog::build(&root).unwrap_or_else(|e| panic!("{e}"))
    })
}

fn record(package: &str, bin: &str) -> Recorded {
    let exe: &PathBuf = executables()
        .get(&(package.to_string(), bin.to_string()))
        .unwrap_or_else(|| panic!("cargo built no `{bin}`"));
    timeline::record(bin, exe, &[], Duration::from_secs(20)).expect("the example runs")
}

fn labels(r: &Recorded) -> Vec<&str> {
    r.trace.tracks.iter().map(|t| t.label.as_str()).collect()
}

#[test]
fn multithreading_shows_three_threads_asleep_at_once_for_two_seconds() {
    if !timeline::supported() {
        return eprintln!("skipped: no /proc");
    }
    let r = record("examples-threads", "multithreading");
    assert_eq!(r.timed.run.exit, Exit::Code(0));
    assert_eq!(labels(&r), ["main", "thread 1", "thread 2", "thread 3"]);
    let [_, a, b, c] = &r.trace.tracks[..] else {
        unreachable!()
    };
    // Seconds of the sweeps in which all three were asleep on a timer.
    let together: f64 = a
        .points
        .iter()
        .filter(|p| p.state == State::Sleeping)
        .filter(|p| {
            [b, c].iter().all(|t| {
                t.points
                    .iter()
                    .any(|q| q.sweep == p.sweep && q.state == State::Sleeping)
            })
        })
        .map(|p| p.at - p.from)
        .sum();
    assert!(
        together >= 1.9,
        "three threads asleep together for only {together:.3} s; {}",
        r.summary()
    );
    // The main thread waits for them in `join`: a futex.
    let main = &r.trace.tracks[0];
    assert!(main.time_in(State::Blocked) >= 1.9, "{:?}", main.spans());
}

#[test]
fn deadlock_shows_both_tasks_blocked_on_a_lock_until_the_deadline() {
    if !timeline::supported() {
        return eprintln!("skipped: no /proc");
    }
    let r = record("examples-deadlock", "deadlock");
    assert_eq!(r.timed.run.exit, Exit::Code(3));
    let t = &r.trace;
    let waiting = t
        .lines
        .iter()
        .filter(|l| l.text.contains("Waiting for"))
        .map(|l| l.at)
        .fold(0.0, f64::max);
    let deadline = t
        .lines
        .iter()
        .find(|l| l.stream == Stream::Stderr && l.text.starts_with("Deadlock:"))
        .map(|l| l.at)
        .expect("the deadlock is reported");
    assert!(deadline - waiting >= 1.9, "{waiting} {deadline}");
    for label in ["thread 1", "thread 2"] {
        let task = t.track(label).unwrap_or_else(|| panic!("{:?}", labels(&r)));
        // Every sample from just after its `Waiting for` line to just before
        // the report: the report's line is timed when the reader got it,
        // and `exit` wakes the blocked threads to end them around then (one
        // CI run saw a task runnable 1 ms before that line's time).
        let between: Vec<_> = task
            .points
            .iter()
            .filter(|p| p.from >= waiting + 0.01 && p.at <= deadline - 0.05)
            .collect();
        let blocked = between.iter().filter(|p| p.state == State::Blocked).count();
        assert!(
            between.len() > 1000 && blocked == between.len(),
            "{label}: {blocked} of {} samples blocked: {:?}",
            between.len(),
            task.spans()
        );
    }
}

#[test]
fn event_loop_runs_on_one_thread() {
    if !timeline::supported() {
        return eprintln!("skipped: no /proc");
    }
    let r = record("examples-async", "event-loop");
    assert_eq!(r.timed.run.exit, Exit::Code(0));
    assert_eq!(labels(&r), ["main"], "{}", r.summary());
    // Three clients served for 3 s by the one thread, which waits in
    // `epoll_wait` between their messages.
    let main = &r.trace.tracks[0];
    assert!(main.time_in(State::Io) >= 2.9, "{:?}", main.spans());
    assert_eq!(r.trace.lines.len(), 16);
}

#[test]
fn the_chrome_json_names_every_thread_and_nests_its_states() {
    if !timeline::supported() {
        return eprintln!("skipped: no /proc");
    }
    let r = record("examples-threads", "pool-guard-pitfall");
    let v = timeline::chrome::render(&r.trace);
    let events = v["traceEvents"].as_array().expect("traceEvents");
    let names: Vec<&str> = events
        .iter()
        .filter(|e| e["ph"] == "M" && e["name"] == "thread_name")
        .filter_map(|e| e["args"]["name"].as_str())
        .collect();
    assert_eq!(names, labels(&r));
    // Each track: one outer slice, the state slices inside it, in order.
    for track in &r.trace.tracks {
        let slices: Vec<(f64, f64)> = events
            .iter()
            .filter(|e| e["ph"] == "X" && e["tid"] == track.tid)
            .map(|e| (e["ts"].as_f64().unwrap(), e["dur"].as_f64().unwrap()))
            .collect();
        let (outer, inner) = slices.split_first().expect("a slice per track");
        let mut at = outer.0;
        for &(ts, dur) in inner {
            assert!(ts >= at && dur >= 0.0, "{}: {slices:?}", track.label);
            at = ts + dur;
        }
        assert!(at <= outer.0 + outer.1, "{}: {slices:?}", track.label);
    }
    // `ts` is in microseconds: the last printed line comes after 2.5 s.
    let last = events.iter().rfind(|e| e["ph"] == "i").unwrap();
    assert!(last["ts"].as_f64().unwrap() > 2.5e6, "{last}");
}

/// A Ctrl-C during a timeline leaves nothing running: the runner's
/// interrupt handling covers the example while the sampler follows it.
#[test]
fn an_interrupt_during_a_timeline_leaves_nothing_running() {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    use std::time::Instant;
    if !timeline::supported() {
        return eprintln!("skipped: no /proc");
    }
    executables();
    let root = catalog::workspace_root().unwrap_or_else(|e| panic!("{e}"));
    let mut xtask = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(&root)
        .args(["timeline", "sync"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the xtask starts");
    let parent = xtask.id().to_string();
    // The example: a child of the xtask named `sync`.
    let deadline = Instant::now() + Duration::from_secs(60);
    let example = loop {
        let found = std::fs::read_dir("/proc")
            .expect("/proc")
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
            .find(|pid| {
                let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
                stat.contains("(sync) ")
                    && stat
                        .rsplit(')')
                        .next()
                        .and_then(|r| r.split_whitespace().nth(1))
                        == Some(parent.as_str())
            });
        if let Some(pid) = found {
            break pid;
        }
        assert!(Instant::now() < deadline, "the example never started");
        std::thread::sleep(Duration::from_millis(20));
    };
    std::thread::sleep(Duration::from_millis(300));
    kill(Pid::from_raw(xtask.id() as i32), Signal::SIGINT).expect("SIGINT is sent");
    let status = xtask.wait().expect("the xtask ends");
    assert_eq!(status.code(), Some(130));
    assert!(
        !std::path::Path::new(&format!("/proc/{example}")).exists(),
        "the example {example} is still there"
    );
}
