//! Bad input to `cargo xtask` is one clear line and exit status 2, never a
//! panic.

use std::fs;
use std::process::Command;

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
    let root = std::env::temp_dir().join(format!("xtask-cli-{}", std::process::id()));
    let pkg = root.join("examples-broken");
    fs::create_dir_all(pkg.join("src/bin")).unwrap();
    fs::create_dir_all(pkg.join("expected")).unwrap();
    fs::write(
        pkg.join("Cargo.toml"),
        "[package]\nname = \"examples-broken\"\n",
    )
    .unwrap();
    fs::write(pkg.join("src/bin/a.rs"), "fn main() {}\n").unwrap();
    fs::write(
        pkg.join("expected/a.txt"),
        "section: 1\nabout: x\n--- stdout\n@any-order\nline\n",
    )
    .unwrap();
    let err = xtask::catalog::load(&root).unwrap_err();
    fs::remove_dir_all(&root).unwrap();
    assert_eq!(
        err,
        "examples-broken/expected/a.txt:4: `@any-order` has no matching `@end`"
    );
}

#[test]
fn binary_without_spec_is_an_error() {
    let root = std::env::temp_dir().join(format!("xtask-cli-nospec-{}", std::process::id()));
    let pkg = root.join("examples-x");
    fs::create_dir_all(pkg.join("src/bin")).unwrap();
    fs::write(pkg.join("Cargo.toml"), "[package]\nname = \"examples-x\"\n").unwrap();
    fs::write(pkg.join("src/bin/lonely.rs"), "fn main() {}\n").unwrap();
    let err = xtask::catalog::load(&root).unwrap_err();
    fs::remove_dir_all(&root).unwrap();
    assert!(err.contains("binary `lonely` has no spec"), "{err}");
}

#[test]
fn a_named_example_with_a_broken_spec_gets_the_spec_error_first() {
    let root = std::env::temp_dir().join(format!("xtask-cli-named-{}", std::process::id()));
    let pkg = root.join("examples-broken");
    fs::create_dir_all(pkg.join("src/bin")).unwrap();
    fs::create_dir_all(pkg.join("expected")).unwrap();
    fs::write(
        pkg.join("Cargo.toml"),
        "[package]\nname = \"examples-broken\"\n",
    )
    .unwrap();
    fs::write(pkg.join("src/bin/sync.rs"), "fn main() {}\n").unwrap();
    fs::write(
        pkg.join("expected/sync.txt"),
        "section: 1\nabout: x\nstatus: x\n--- stdout\n",
    )
    .unwrap();
    let by_bin = xtask::catalog::select_sound(&root, &["sync".to_string()]).unwrap_err();
    let by_package =
        xtask::catalog::select_sound(&root, &["examples-broken".to_string()]).unwrap_err();
    let unknown = xtask::catalog::select_sound(&root, &["nope".to_string()]).unwrap_err();
    fs::remove_dir_all(&root).unwrap();
    assert!(
        by_bin.starts_with("examples-broken/expected/sync.txt:3: "),
        "{by_bin}"
    );
    assert_eq!(by_bin, by_package);
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
