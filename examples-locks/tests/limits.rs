//! Runs the three binaries as processes where no thread can be spawned (a
//! low process limit): each says so in one line and exits with status 1,
//! never a panic. The normal runs are checked against `expected/` by
//! `cargo xtask verify`.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::process::{Command, Output};

#[path = "../../xtask/tests/common/reachable.rs"]
mod reachable;

use reachable::Reachable;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `exe` as user `nobody` allowed `tasks` processes or threads in all
/// (the process itself is one), so that spawning a thread fails with
/// `EAGAIN`. `None`, with the reason printed, where that cannot be arranged:
/// the limit is not enforced for root, so only root can switch to `nobody`,
/// and the test needs both tools.
fn run_limited(exe: &str, tasks: u32) -> Option<Output> {
    if fs::metadata("/proc/self").map(|m| m.uid()).ok() != Some(0) {
        println!("skipped: needs root (to run as nobody under `prlimit --nproc`)");
        return None;
    }
    for tool in ["setpriv", "prlimit"] {
        if Command::new(tool).arg("--version").output().is_err() {
            println!("skipped: `{tool}` is not installed");
            return None;
        }
    }
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .args(["prlimit", &format!("--nproc={tasks}:{tasks}")])
        .arg(Reachable::copy(exe).path())
        .output()
        .expect("run setpriv");
    if text(&out.stderr).contains("failed to execute") {
        println!(
            "skipped: nobody cannot execute {exe}: {}",
            text(&out.stderr)
        );
        return None;
    }
    Some(out)
}

/// One line, `error: spawning ... failed: <the OS error>`, status 1, no panic.
fn assert_one_error_line(out: &Output) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: spawning "), "{stderr}");
    assert!(stderr.contains(" failed: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// With no thread to spare, the first spawn fails: one line. With one to
/// spare, a later spawn fails while an earlier thread runs (or, if that
/// thread has already finished, nothing fails): one line or a normal run.
fn assert_spawn_failure_is_one_line(exe: &str) {
    let Some(out) = run_limited(exe, 1) else {
        return;
    };
    assert_one_error_line(&out);
    let Some(out) = run_limited(exe, 2) else {
        return;
    };
    if out.status.code() == Some(1) {
        assert_one_error_line(&out);
    } else {
        assert!(
            !text(&out.stderr).contains("panicked"),
            "{}",
            text(&out.stderr)
        );
    }
}
#[test]
fn race_spawn_failure_is_one_line() {
    assert_spawn_failure_is_one_line(env!("CARGO_BIN_EXE_race"));
}

#[test]
fn race_unlocked_spawn_failure_is_one_line() {
    assert_spawn_failure_is_one_line(env!("CARGO_BIN_EXE_race-unlocked"));
}

#[test]
fn race_atomic_spawn_failure_is_one_line() {
    assert_spawn_failure_is_one_line(env!("CARGO_BIN_EXE_race-atomic"));
}
