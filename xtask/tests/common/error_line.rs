//! The bad-input tests' run and assertion, shared by the example crates that
//! include this file (`#[path = ".../xtask/tests/common/error_line.rs"]`).

use std::ffi::OsStr;
use std::process::{Command, Output};

/// Runs `bin` with `args`. A panic would print a backtrace; the tests must
/// see none anyway.
pub fn run(bin: &str, args: &[&OsStr]) -> Output {
    Command::new(bin)
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("the binary runs")
}

/// Asserts that `output` is a failure with exactly one stderr line, which
/// starts with `error: `, contains `wanted` and is no panic; returns that
/// line.
pub fn one_error_line(name: &str, output: &Output, wanted: &str) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "{name}: exit status {}",
        output.status
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{name}: stderr is not one line:\n{stderr}");
    assert!(lines[0].starts_with("error: "), "{name}: {stderr}");
    assert!(
        lines[0].contains(wanted),
        "{name}: {stderr:?} lacks {wanted:?}"
    );
    assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    lines[0].to_string()
}
