//! Bad input and exhausted limits, for every binary of this crate that
//! takes arguments or starts a thread: each case ends with one `error:`
//! line on stderr and a non-zero exit, never a panic. The binaries run as
//! processes (`CARGO_BIN_EXE_<name>`).

use std::ffi::OsStr;
use std::net::TcpListener;
use std::os::unix::ffi::OsStrExt;

use crate::error_line::{one_error_line, run};
use crate::spawn_limit::run_limited;

#[test]
fn counts_that_cannot_fit_are_refused_before_allocating() {
    let memory = "more than the";
    let cases: [(&str, &str, &str, &str); 7] = [
        (
            "task-memory",
            env!("CARGO_BIN_EXE_task-memory"),
            "99999999999",
            memory,
        ),
        (
            "task-memory",
            env!("CARGO_BIN_EXE_task-memory"),
            "18446744073709551615",
            memory,
        ),
        (
            "task-memory",
            env!("CARGO_BIN_EXE_task-memory"),
            "18446744073709551616",
            "must be at most",
        ),
        (
            "task-sleepers",
            env!("CARGO_BIN_EXE_task-sleepers"),
            "99999999999",
            memory,
        ),
        (
            "task-sleepers",
            env!("CARGO_BIN_EXE_task-sleepers"),
            "0",
            "positive whole number",
        ),
        (
            "task-startup",
            env!("CARGO_BIN_EXE_task-startup"),
            "18446744073709551615",
            "must be at most 4294967295",
        ),
        (
            "task-switch",
            env!("CARGO_BIN_EXE_task-switch"),
            "1e6",
            "positive whole number",
        ),
    ];
    for (name, bin, arg, wanted) in cases {
        let line = one_error_line(name, &run(bin, &[OsStr::new(arg)]), wanted);
        println!("{name} {arg}: {line}");
    }
}

#[test]
fn non_utf8_and_bad_arguments_are_one_line() {
    let bad = OsStr::from_bytes(b"10\xff");
    let bins = [
        (
            "task-memory",
            env!("CARGO_BIN_EXE_task-memory"),
            "(not UTF-8)",
        ),
        (
            "task-sleepers",
            env!("CARGO_BIN_EXE_task-sleepers"),
            "(not UTF-8)",
        ),
        (
            "task-startup",
            env!("CARGO_BIN_EXE_task-startup"),
            "(not UTF-8)",
        ),
        (
            "task-switch",
            env!("CARGO_BIN_EXE_task-switch"),
            "(not UTF-8)",
        ),
        (
            "chat-server",
            env!("CARGO_BIN_EXE_chat-server"),
            "not UTF-8",
        ),
        (
            "chat-client",
            env!("CARGO_BIN_EXE_chat-client"),
            "not a port",
        ),
    ];
    for (name, bin, wanted) in bins {
        let line = one_error_line(name, &run(bin, &[bad]), wanted);
        println!("{name} 10\\xff: {line}");
    }
    for args in [
        &["99999"][..],
        &["0", "abc"],
        &["0", "5", "-1"],
        &["1", "2", "3", "4"],
    ] {
        let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        let output = run(env!("CARGO_BIN_EXE_chat-server"), &args);
        let line = one_error_line("chat-server", &output, "usage: chat-server");
        assert_eq!(output.status.code(), Some(2));
        println!("chat-server {args:?}: {line}");
    }
}

/// As an unprivileged user allowed one process, whose main thread already
/// counts, the first thread a binary asks for is refused (EAGAIN).
#[test]
fn thread_spawn_failure_is_one_line() {
    // The client connects before it starts its keyboard thread.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port().to_string();
    let cases = [
        (
            "blocking-pitfall",
            env!("CARGO_BIN_EXE_blocking-pitfall"),
            None,
        ),
        ("mini-executor", env!("CARGO_BIN_EXE_mini-executor"), None),
        (
            "chat-client",
            env!("CARGO_BIN_EXE_chat-client"),
            Some(port.as_str()),
        ),
    ];
    for (name, bin, arg) in cases {
        let args: Vec<&str> = arg.into_iter().collect();
        let Some(output) = run_limited(bin, 1, &args) else {
            return;
        };
        let line = one_error_line(name, &output, "thread::Builder::spawn failed");
        assert!(
            line.contains("Resource temporarily unavailable"),
            "{name}: {line}"
        );
        println!("{name}: {line}");
    }
}
