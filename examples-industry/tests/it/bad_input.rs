//! Bad input and exhausted limits: each case ends with one `error:` line on
//! stderr and a non-zero exit, never a panic, and before any long work.
//! The binaries run as processes (`CARGO_BIN_EXE_<name>`).

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::process::Command;

use crate::error_line::{one_error_line, run};
use crate::spawn_limit::run_limited;

const PHOTO: &str = env!("CARGO_BIN_EXE_photo-resize");
const ARGON2: &str = env!("CARGO_BIN_EXE_argon2-hashing");
const TRAINING: &str = env!("CARGO_BIN_EXE_model-training");

/// A directory of this test's own under the system's temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("industry-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

#[test]
fn photo_resize_refuses_a_missing_photo() {
    let dir = scratch("missing");
    let output = run(PHOTO, &[dir.join("no-such-photo.png").as_os_str()]);
    let _ = std::fs::remove_dir_all(&dir);
    let line = one_error_line("photo-resize", &output, "no-such-photo.png");
    assert!(line.starts_with("error: reading "), "{line}");
    assert!(output.stdout.is_empty(), "no work before the refusal");
}

#[test]
fn photo_resize_refuses_a_file_that_is_no_picture() {
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let output = run(PHOTO, &[OsStr::new(manifest)]);
    let line = one_error_line("photo-resize", &output, "Cargo.toml");
    assert!(line.starts_with("error: decoding "), "{line}");
}

#[test]
fn photo_resize_refuses_a_picture_too_small_to_halve() {
    let dir = scratch("tiny");
    let path = dir.join("tiny.png");
    image::RgbImage::new(1, 5).save(&path).expect("a 1x5 PNG");
    let output = run(PHOTO, &[path.as_os_str()]);
    let _ = std::fs::remove_dir_all(&dir);
    one_error_line("photo-resize", &output, "is 1x5: too small to halve");
}

#[test]
fn photo_resize_takes_one_path_at_most() {
    for args in [&["a.png", "b.png"][..], &["--help"]] {
        let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        let output = run(PHOTO, &args);
        one_error_line("photo-resize", &output, "usage: photo-resize [PHOTO.png]");
    }
}

#[test]
fn photo_resize_refuses_an_unwritable_target_dir_before_any_work() {
    // `/dev/null` is a file: nothing can be created under it.
    let output = Command::new(PHOTO)
        .env("CARGO_TARGET_DIR", "/dev/null/target")
        .output()
        .expect("start photo-resize");
    one_error_line(
        "photo-resize",
        &output,
        "creating /dev/null/target/photo-resize: ",
    );
    assert!(output.stdout.is_empty(), "no work before the refusal");
}

#[test]
fn the_measuring_binaries_take_no_arguments() {
    for (name, bin) in [("argon2-hashing", ARGON2), ("model-training", TRAINING)] {
        let output = run(bin, &[OsStr::from_bytes(b"\xff")]);
        one_error_line(name, &output, "takes no arguments, got \"\\xFF\"");
        assert!(
            output.stdout.is_empty(),
            "{name}: no work before the refusal"
        );
    }
}

/// Run as an unprivileged user allowed one task (the process itself), the
/// global pool cannot start a thread; allowed three, the global pool gets
/// its two (on two cores) and the one-thread pool none. Both are one line.
#[test]
fn a_pool_that_cannot_start_is_one_line() {
    for (name, bin) in [
        ("photo-resize", PHOTO),
        ("argon2-hashing", ARGON2),
        ("model-training", TRAINING),
    ] {
        let Some(output) = run_limited(bin, 1, &[]) else {
            return;
        };
        one_error_line(name, &output, "starting rayon's thread pool failed: ");
        if std::thread::available_parallelism().map_or(0, |n| n.get()) == 2 {
            let Some(output) = run_limited(bin, 3, &[]) else {
                return;
            };
            one_error_line(name, &output, "starting a one-thread pool failed: ");
        }
    }
}
