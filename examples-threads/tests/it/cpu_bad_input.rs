//! Bad input for `image-resize` and `pool-guard-pitfall`: neither takes
//! arguments, so a non-UTF-8 one is ignored (no panic); an unwritable place
//! for the pictures is one `error:` line and exit status 1, before any work.
#![cfg(unix)]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::process::{Command, Output};

fn assert_no_panic(name: &str, output: &Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    for sign in ["thread '", "panicked", "backtrace"] {
        assert!(
            !stderr.contains(sign),
            "{name}: stderr has {sign:?}:\n{stderr}"
        );
    }
}

#[test]
fn image_resize_refuses_an_unwritable_target_dir_in_one_line() {
    // `/dev/null` is a file: nothing can be created under it.
    let output = Command::new(env!("CARGO_BIN_EXE_image-resize"))
        .arg(OsStr::from_bytes(b"\xff"))
        .env("CARGO_TARGET_DIR", "/dev/null/target")
        .output()
        .expect("start image-resize");
    assert_no_panic("image-resize", &output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(output.status.code(), Some(1), "{lines:?}");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("error: creating /dev/null/target/image-resize: "),
        "{lines:?}"
    );
    assert!(output.stdout.is_empty(), "no work before the refusal");
}

#[test]
fn pool_guard_pitfall_ignores_a_non_utf8_argument() {
    let output = Command::new(env!("CARGO_BIN_EXE_pool-guard-pitfall"))
        .arg(OsStr::from_bytes(b"\xff"))
        .output()
        .expect("start pool-guard-pitfall");
    assert_no_panic("pool-guard-pitfall", &output);
    assert!(output.status.success(), "{output:?}");
}
