//! Bad input to `cargo xtask` is one clear line and exit status 2, never a
//! panic.

mod common;

use std::fs;
use std::process::Command;

use common::Fixture;

fn xtask(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().expect("exits normally"), stderr)
}

#[test]
fn unknown_example_names_itself_and_points_at_list() {
    let (code, stderr) = xtask(&["verify", "no-such-example"]);
    assert_eq!(code, 2);
    let first = stderr.lines().next().unwrap_or_default();
    assert!(
        first.contains("`no-such-example`") && first.contains("cargo xtask list"),
        "{stderr}"
    );
}

#[test]
fn unknown_flag_prints_usage() {
    let (code, stderr) = xtask(&["verify", "--frobnicate"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: verify: invalid option '--frobnicate'"),
        "{stderr}"
    );
    assert!(stderr.contains("usage: cargo xtask verify"), "{stderr}");
    assert_eq!(xtask(&["launch"]).0, 2);
}

#[test]
fn malformed_spec_is_reported_as_path_and_line() {
    let spec = "section: 1\nabout: x\n--- stdout\n@any-order\nline\n";
    let f = Fixture::new("cli-malformed", &[("a", "fn main() {}\n", spec)]);
    let err = xtask::catalog::load(&f.root).unwrap_err();
    assert_eq!(
        err,
        "examples-fixture/expected/a.txt:4: `@any-order` has no matching `@end`"
    );
}

#[test]
fn binary_without_spec_is_an_error() {
    let f = Fixture::new("cli-nospec", &[]);
    let bin = f.root.join("examples-fixture/src/bin/lonely.rs");
    fs::write(bin, "fn main() {}\n").unwrap();
    let err = xtask::catalog::load(&f.root).unwrap_err();
    assert!(err.contains("binary `lonely` has no spec"), "{err}");
}

#[test]
fn a_named_example_with_a_broken_spec_gets_the_spec_error_first() {
    let spec = "section: 1\nabout: x\nstatus: x\n--- stdout\n";
    let f = Fixture::new("cli-named", &[("sync", "fn main() {}\n", spec)]);
    let select = |name: &str| xtask::catalog::select_sound(&f.root, &[name.to_string()]);
    let by_bin = select("sync").unwrap_err();
    assert!(
        by_bin.starts_with("examples-fixture/expected/sync.txt:3: "),
        "{by_bin}"
    );
    assert_eq!(by_bin, select("examples-fixture").unwrap_err());
    let unknown = select("nope").unwrap_err();
    assert!(
        unknown.contains("no example or package named `nope`"),
        "{unknown}"
    );
}

#[test]
fn a_non_utf8_argument_is_one_error_line() {
    use std::os::unix::ffi::OsStrExt;
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("verify")
        .arg(std::ffi::OsStr::from_bytes(b"\xff"))
        .output()
        .expect("xtask runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.starts_with("error: verify: `\u{fffd}` is not a valid name (not UTF-8)"),
        "{stderr}"
    );
}

#[test]
fn every_command_prints_its_own_help() {
    let mut texts = Vec::new();
    for command in ["verify", "list", "bench", "copies"] {
        let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args([command, "--help"])
            .output()
            .expect("xtask runs");
        assert_eq!(out.status.code(), Some(0), "{command} --help");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            text.starts_with(&format!("usage: cargo xtask {command}")),
            "{text}"
        );
        texts.push(text);
    }
    texts.dedup();
    assert_eq!(texts.len(), 4);
}

#[test]
fn every_malformed_spec_is_one_path_line_error_and_exit_2() {
    let head = "section: 1\nabout: x\n";
    let cases = [
        ("timeout: 1e20s\n--- stdout\n", 3),
        ("timeout: 10000000000000000000s\n--- stdout\n", 3),
        ("status: 300\n--- stdout\n", 3),
        ("mode: fast\n--- stdout\n", 3),
        ("colour: red\n--- stdout\n", 3),
        ("wall: {x}\n--- stdout\n", 3),
        ("--- stdout\n@\n", 4),
        ("--- stdout\n@ foo\n", 4),
        ("--- stdout\n@optional\n", 4),
        ("--- stdout\n@not\n", 4),
        ("--- stdout\n@any-order\na\n", 4),
        ("--- stdout\nSpeedup {1.5.. | fast}x\n", 4),
        ("--- stdout\nn {2..1}\n", 4),
        ("--- stderr\n--- stdout\n--- stdout\n", 5),
    ];
    for (body, line) in cases {
        let spec = format!("{head}{body}");
        let f = Fixture::new("cli-malformed-all", &[("a", "fn main() {}\n", &spec)]);
        let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["verify", "a"])
            .current_dir(&f.root)
            .env_remove("CARGO_MANIFEST_DIR")
            .output()
            .expect("xtask runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{body:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{body:?}: {stderr}");
        let prefix = format!("error: examples-fixture/expected/a.txt:{line}: ");
        assert!(stderr.starts_with(&prefix), "{body:?}: {stderr}");
    }
}
