//! Bad input and exhausted limits: every binary that takes arguments or
//! builds on the library answers with one clear line and a non-zero exit,
//! never a panic or a backtrace. The two guide programs, `process` and
//! `multiprocessing`, take no input and use the Rust Book's `expect`: a
//! refused `fork` ends them with a panic message that names `fork`.
//!
//! The binaries are run as processes (they fork, and the test harness is
//! multithreaded), each with its output captured.
#![cfg(target_os = "linux")]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::{Command, Output};

#[path = "../../xtask/tests/common/reachable.rs"]
mod reachable;

use reachable::Reachable;

/// The guide programs: a failed call is `expect`'s panic, like Python's traceback.
const GUIDE_PROGRAMS: [&str; 2] = ["process", "multiprocessing"];

const EVERY_BINARY: [(&str, &str); 10] = [
    ("process", env!("CARGO_BIN_EXE_process")),
    ("process-pipe", env!("CARGO_BIN_EXE_process-pipe")),
    ("process-spawn", env!("CARGO_BIN_EXE_process-spawn")),
    ("multiprocessing", env!("CARGO_BIN_EXE_multiprocessing")),
    (
        "multiprocessing-speedup",
        env!("CARGO_BIN_EXE_multiprocessing-speedup"),
    ),
    ("process-pool", env!("CARGO_BIN_EXE_process-pool")),
    ("process-crash", env!("CARGO_BIN_EXE_process-crash")),
    ("process-memory", env!("CARGO_BIN_EXE_process-memory")),
    ("process-startup", env!("CARGO_BIN_EXE_process-startup")),
    ("password-hashing", env!("CARGO_BIN_EXE_password-hashing")),
];

fn run(bin: &str, args: &[&OsStr]) -> Output {
    Command::new(bin)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot start {bin}: {e}"))
}

fn stderr_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Nothing on stderr reads like a Rust panic of the program itself.
fn assert_no_panic(name: &str, output: &Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    for sign in [
        "thread '",
        "backtrace",
        "memory allocation of",
        "capacity overflow",
    ] {
        assert!(
            !stderr.contains(sign),
            "{name}: stderr contains {sign:?}:\n{stderr}"
        );
    }
}

/// Exit status 1 and exactly one `error: ...` line on stderr.
fn assert_one_error_line(name: &str, output: &Output, expected: &str) {
    assert_no_panic(name, output);
    let lines = stderr_lines(output);
    assert_eq!(output.status.code(), Some(1), "{name}: {lines:?}");
    assert_eq!(
        lines.len(),
        1,
        "{name}: one stderr line expected: {lines:?}"
    );
    assert!(
        lines[0].starts_with("error: ") && lines[0].contains(expected),
        "{name}: expected `error: ...{expected}...`, got {:?}",
        lines[0]
    );
}

#[test]
fn huge_counts_are_refused_before_anything_is_allocated() {
    let bin = env!("CARGO_BIN_EXE_process-memory");
    for count in ["99999999999", "18446744073709551615"] {
        let output = run(bin, &[OsStr::new(count)]);
        assert_one_error_line("process-memory", &output, "children cannot exist at once");
        assert!(
            output.stdout.is_empty(),
            "nothing printed before the refusal"
        );
    }
    for bad in ["99999999999999999999999", "0", "-3", "ten"] {
        let output = run(bin, &[OsStr::new(bad)]);
        assert_one_error_line("process-memory", &output, "must be a positive whole number");
    }
}

#[test]
fn non_utf8_arguments_never_panic() {
    let not_utf8 = OsStr::from_bytes(b"\xff");
    for (name, bin) in EVERY_BINARY {
        let output = run(bin, &[not_utf8]);
        match name {
            // The measuring binaries read a count: one line, exit 1. So do
            // the two long ones: an argument they cannot use is refused at
            // once, not ignored for seconds of work.
            "process-memory"
            | "process-startup"
            | "multiprocessing-speedup"
            | "password-hashing" => assert_one_error_line(name, &output, r#"got "\xFF""#),
            // The others take no arguments and ignore them.
            "process-crash" => {
                assert_no_panic(name, &output);
                assert_eq!(output.status.code(), Some(1), "{name} fails on purpose");
            }
            _ => {
                assert_no_panic(name, &output);
                assert!(
                    output.status.success(),
                    "{name}: {:?}",
                    stderr_lines(&output)
                );
            }
        }
    }
}

/// A child's expected panic is one line, whatever RUST_BACKTRACE says, and
/// it names the child, not `thread 'main'` (which reads as the parent).
#[test]
fn a_child_panic_is_one_line_whatever_rust_backtrace_says() {
    for backtrace in ["0", "1", "full"] {
        let output = Command::new(env!("CARGO_BIN_EXE_process-crash"))
            .env("RUST_BACKTRACE", backtrace)
            .output()
            .expect("start process-crash");
        assert_no_panic("process-crash", &output);
        let lines = stderr_lines(&output);
        assert_eq!(lines.len(), 5, "RUST_BACKTRACE={backtrace}: {lines:#?}");
        assert!(
            lines[0].starts_with("child ")
                && lines[0].contains(" panicked at ")
                && lines[0].ends_with("index out of bounds: the len is 0 but the index is 0"),
            "RUST_BACKTRACE={backtrace}: {:?}",
            lines[0]
        );
    }
}

/// `fork` failing (a process limit reached) is one line that names `fork`,
/// or, in the guide programs, a panic whose message does. The limit binds
/// only a non-root user, so this needs root (to switch to `nobody`) and
/// `setpriv`; otherwise it says why it is skipped.
#[test]
fn fork_failure_is_one_line_naming_fork() {
    // `/proc/self` belongs to this process's effective user.
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    if !root || !Path::new("/usr/bin/setpriv").exists() {
        eprintln!("skipped: needs root and /usr/bin/setpriv to run as nobody with --nproc=1");
        return;
    }
    let limited = |bin: &str, nproc: u32, args: &[&str]| {
        let limit = format!("--nproc={nproc}:{nproc}");
        Command::new("/usr/bin/setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "prlimit",
            ])
            .arg(limit)
            .arg(Reachable::copy(bin).path())
            .args(args)
            .output()
            .expect("start setpriv")
    };
    let why = "fork failed: Resource temporarily unavailable";
    for (name, bin) in EVERY_BINARY {
        // process-spawn starts its child with `Command`: `spawn failed`.
        let why = if name == "process-spawn" {
            "spawn failed: Resource"
        } else {
            why
        };
        // process-memory refuses 100 children under a limit of 1 before
        // forking (tested above); one child gets as far as the fork.
        let args: &[&str] = if name == "process-memory" {
            &["1"]
        } else {
            &[]
        };
        let output = limited(bin, 1, args);
        if GUIDE_PROGRAMS.contains(&name) {
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(101), "{name}: {stderr}");
            assert!(stderr.contains("fork failed: EAGAIN"), "{name}: {stderr}");
        } else {
            assert_one_error_line(name, &output, why);
        }
    }
}
