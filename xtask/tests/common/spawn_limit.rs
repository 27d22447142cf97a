//! A thread example where no thread can be spawned. A binary that measures
//! limits must say so in one line and exit with status 1, never panic; a
//! guide program ends with std's own panic message, as Python's traceback.
//!
//! The limit is `prlimit --nproc` for user 65534 (root is exempt from it),
//! so the binary runs as that user from a [`Reachable`] copy. Shared by the
//! tests of examples-deadlock (`deadlock-detector` and `philosophers`
//! report a refused spawn as `error: spawning ... failed: <the OS error>`),
//! and ([`run_limited`] alone) by those of examples-async and
//! examples-threads:
//!
//! ```ignore
//! #[path = "../../xtask/tests/common/reachable.rs"]
//! mod reachable;
//! #[path = "../../xtask/tests/common/spawn_limit.rs"]
//! mod spawn_limit;
//! ```

#![allow(dead_code)]

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::process::{Command, Output};

use crate::reachable::Reachable;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `exe` as user `nobody` allowed `tasks` processes or threads in all
/// (the process itself is one), so that spawning a thread fails with
/// `EAGAIN`. `None`, with the reason printed, where that cannot be arranged:
/// the limit is not enforced for root, so only root can switch to `nobody`,
/// and the test needs both tools. `args` go to the binary; a panic, which
/// the tests refuse, would show its backtrace (`RUST_BACKTRACE=1`).
pub fn run_limited(exe: &str, tasks: u32, args: &[&str]) -> Option<Output> {
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
        .args(args)
        .env("RUST_BACKTRACE", "1")
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
pub fn assert_one_error_line(out: &Output) {
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
pub fn assert_spawn_failure_is_one_line(exe: &str) {
    let Some(out) = run_limited(exe, 1, &[]) else {
        return;
    };
    assert_one_error_line(&out);
    let Some(out) = run_limited(exe, 2, &[]) else {
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
