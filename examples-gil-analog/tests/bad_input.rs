//! Bad input and exhausted limits: the measuring binaries (`gil-analog`,
//! `cpu-scaling`) answer with one `error: ...` line on stderr and a failure
//! exit status, never a panic. The guide's `gil` takes no input, and a
//! refused thread ends it with std's own panic, as in the Rust Book.

#![cfg(unix)]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Command, Output};

#[path = "../../xtask/tests/common/reachable.rs"]
mod reachable;

use reachable::Reachable;

const GIL_ANALOG: &str = env!("CARGO_BIN_EXE_gil-analog");
const CPU_SCALING: &str = env!("CARGO_BIN_EXE_cpu-scaling");

/// Checks that `out` failed with exactly one error line starting `expected`.
fn one_error_line(out: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "exit status {}", out.status);
    assert_eq!(stderr.lines().count(), 1, "stderr: {stderr}");
    assert!(stderr.starts_with(expected), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
}

fn run(bin: &str, args: &[&OsStr]) -> Output {
    Command::new(bin)
        .args(args)
        .output()
        .expect("the binary runs")
}

#[test]
fn cpu_scaling_refuses_bad_counts() {
    let cases: [(&[&str], &str); 7] = [
        (
            &["0"],
            "error: MAX_THREADS must be a whole number from 1 to 256, got \"0\"",
        ),
        (
            &["-1"],
            "error: MAX_THREADS must be a whole number from 1 to 256",
        ),
        (
            &["two"],
            "error: MAX_THREADS must be a whole number from 1 to 256",
        ),
        (
            &["257"],
            "error: MAX_THREADS must be a whole number from 1 to 256",
        ),
        (&["99999999999999999999999"], "error: MAX_THREADS must be"),
        (
            &["2", "4294967296"],
            "error: REPS must be a whole number from 1 to 4294967295",
        ),
        (
            &["2", "1", "3"],
            "error: too many arguments: expected at most MAX_THREADS REPS, got \"3\"",
        ),
    ];
    for (args, expected) in cases {
        let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        one_error_line(&run(CPU_SCALING, &args), expected);
    }
}

#[test]
fn non_utf8_arguments_are_one_line() {
    let bad = OsStr::from_bytes(b"\xff");
    one_error_line(
        &run(CPU_SCALING, &[bad]),
        "error: MAX_THREADS must be a whole number from 1 to 256, got \"\\xFF\"",
    );
    one_error_line(
        &run(GIL_ANALOG, &[bad]),
        "error: expected no arguments, got \"\\xFF\"",
    );
}

#[test]
fn gil_analog_takes_no_arguments() {
    one_error_line(
        &run(GIL_ANALOG, &[OsStr::new("5")]),
        "error: expected no arguments, got \"5\"",
    );
}

/// A process limit the kernel enforces (for root it does not), via
/// `setpriv` to an unprivileged user and `prlimit`. With a limit of one
/// task the first thread cannot be spawned. With two, the second spawn
/// fails only if the first thread is still running, a race, so that run
/// may also succeed; it must never panic.
#[test]
fn thread_spawn_failure_is_one_line() {
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let Some(setpriv) = setpriv else {
        println!("skipped: no setpriv on this machine");
        return;
    };
    if !running_as_root() {
        println!("skipped: setpriv needs root to change user");
        return;
    }
    let limited = |nproc: u32, bin: &str, args: &[&str]| {
        Command::new(setpriv)
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg("prlimit")
            .arg(format!("--nproc={nproc}:{nproc}"))
            .arg(Reachable::copy(bin).path())
            .args(args)
            .output()
            .expect("setpriv runs")
    };
    let bins: [(&str, &[&str]); 2] = [(GIL_ANALOG, &[]), (CPU_SCALING, &["2", "1"])];
    for (bin, args) in bins {
        one_error_line(&limited(1, bin, args), "error: thread spawn failed: ");
        let out = limited(2, bin, args);
        if !out.status.success() {
            one_error_line(&out, "error: thread spawn failed: ");
        }
    }
}

/// Whether this test runs as root (effective uid 0, from `/proc`).
fn running_as_root() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let uid = status.lines().find_map(|l| l.strip_prefix("Uid:"));
    uid.and_then(|u| u.split_whitespace().nth(1)) == Some("0")
}
