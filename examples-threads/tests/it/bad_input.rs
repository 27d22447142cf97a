//! Bad input and exhausted limits. The binaries beyond the guide's end each
//! case with one `error:` line on stderr and a non-zero exit, never a panic;
//! the guide's programs end a refused thread with std's own panic. The
//! binaries run as processes (`CARGO_BIN_EXE_<name>`).

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use crate::error_line::{one_error_line, run};
use crate::spawn_limit::run_limited;

/// Every binary beyond the guide's programs that starts a thread, and its
/// name for `CARGO_BIN_EXE_`.
const SPAWNERS: [(&str, &str); 7] = [
    ("channels", env!("CARGO_BIN_EXE_channels")),
    ("thread-pool", env!("CARGO_BIN_EXE_thread-pool")),
    ("thread-resume", env!("CARGO_BIN_EXE_thread-resume")),
    ("thread-memory", env!("CARGO_BIN_EXE_thread-memory")),
    ("thread-sleepers", env!("CARGO_BIN_EXE_thread-sleepers")),
    ("thread-startup", env!("CARGO_BIN_EXE_thread-startup")),
    ("thread-switch", env!("CARGO_BIN_EXE_thread-switch")),
];

#[test]
fn counts_that_cannot_fit_are_refused_before_allocating() {
    let cases: [(&str, &str, &[&str], &str); 9] = [
        (
            "thread-memory",
            env!("CARGO_BIN_EXE_thread-memory"),
            &["99999999999"],
            "must be at most 4194304, got 99999999999",
        ),
        (
            "thread-memory",
            env!("CARGO_BIN_EXE_thread-memory"),
            &["18446744073709551615"],
            "must be at most 4194304",
        ),
        (
            "thread-memory",
            env!("CARGO_BIN_EXE_thread-memory"),
            &["99999999999999999999999"],
            "must be at most 4194304",
        ),
        (
            "thread-memory",
            env!("CARGO_BIN_EXE_thread-memory"),
            &["10", "18014398509481984"],
            "the stack size in KiB must be at most",
        ),
        (
            "thread-memory",
            env!("CARGO_BIN_EXE_thread-memory"),
            &["0"],
            "must be a positive whole number, got \"0\"",
        ),
        (
            "thread-sleepers",
            env!("CARGO_BIN_EXE_thread-sleepers"),
            &["99999999999"],
            "must be at most 4194304",
        ),
        (
            "thread-sleepers",
            env!("CARGO_BIN_EXE_thread-sleepers"),
            &["-5"],
            "positive whole number",
        ),
        (
            "thread-startup",
            env!("CARGO_BIN_EXE_thread-startup"),
            &["18446744073709551615"],
            "must be at most 4294967295",
        ),
        (
            "thread-switch",
            env!("CARGO_BIN_EXE_thread-switch"),
            &["18446744073709551616"],
            "must be at most 18446744073709551615",
        ),
    ];
    for (name, bin, args, wanted) in cases {
        let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        let line = one_error_line(name, &run(bin, &args), wanted);
        println!("{name} {args:?}: {line}");
    }
}

#[test]
fn a_huge_stack_is_an_error_from_spawn() {
    // 128 TiB passes the argument check; the OS then refuses the mapping.
    let bin = env!("CARGO_BIN_EXE_thread-memory");
    let args = [OsStr::new("2"), OsStr::new("137438953472")];
    let line = one_error_line(
        "thread-memory",
        &run(bin, &args),
        "thread::Builder::spawn failed for thread 1 of 2",
    );
    println!("thread-memory 2 137438953472: {line}");
}

#[test]
fn non_utf8_arguments_are_one_line() {
    let bad = OsStr::from_bytes(b"10\xff");
    for name in [
        "thread-memory",
        "thread-sleepers",
        "thread-startup",
        "thread-switch",
    ] {
        let bin = SPAWNERS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| *b)
            .unwrap();
        let line = one_error_line(name, &run(bin, &[bad]), "(not UTF-8)");
        println!("{name} 10\\xff: {line}");
    }
}

/// The guide's programs and their no-input siblings call `thread::spawn`, as
/// the Rust Book does: a refused thread is std's own panic (status 101), as
/// a Python program ends with a traceback.
#[test]
fn guide_programs_panic_when_no_thread_can_be_spawned() {
    let guide = [
        ("thread", env!("CARGO_BIN_EXE_thread")),
        ("thread-no-join", env!("CARGO_BIN_EXE_thread-no-join")),
        ("thread-scope", env!("CARGO_BIN_EXE_thread-scope")),
        ("multithreading", env!("CARGO_BIN_EXE_multithreading")),
    ];
    for (name, bin) in guide {
        let Some(output) = run_limited(bin, 1, &[]) else {
            return;
        };
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(101), "{name}: {stderr}");
        assert!(
            stderr.contains("failed to spawn thread"),
            "{name}: {stderr}"
        );
    }
}

/// Runs every other spawning binary as an unprivileged user allowed one
/// process: the binary's own main thread already counts, so its first
/// `Builder::spawn` fails with EAGAIN. (A limit of 2 depends on what else
/// that user runs at the moment: 1 fails always.)
#[test]
fn thread_spawn_failure_is_one_line() {
    for (name, bin) in SPAWNERS {
        let Some(output) = run_limited(bin, 1, &[]) else {
            return;
        };
        let line = one_error_line(name, &output, "thread::Builder::spawn");
        assert!(
            line.contains("Resource temporarily unavailable"),
            "{name}: {line}"
        );
        println!("{name}: {line}");
    }
}
