//! `block-in-place` under a low thread limit: tokio would panic ("OS can't
//! spawn worker thread"), so the binary asks for its threads through
//! `thread::Builder` first and fails with one line. Needs root and
//! `setpriv` (it runs the binary as `nobody` with `prlimit --nproc`);
//! skipped with the reason printed otherwise. Its normal run (the panic on
//! purpose, exit 101) is checked by its spec.
//!
//!     cargo test -p examples-async --test it block_in_place:: -- --nocapture

use std::path::Path;
use std::process::Command;

use crate::reachable::Reachable;

#[test]
fn a_low_thread_limit_is_one_error_line() {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n");
    if !matches!(root, Ok(true)) || !Path::new("/usr/bin/setpriv").exists() {
        println!("skipped: needs root and /usr/bin/setpriv");
        return;
    }
    // `nobody` must be able to reach the binary: a world-readable copy.
    let copy = Reachable::copy(env!("CARGO_BIN_EXE_block-in-place"));
    let output = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .args(["prlimit", "--nproc=1:1"])
        .arg(copy.path())
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("run setpriv");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        "error: this program needs 3 threads beside main: thread::Builder::spawn failed: \
         Resource temporarily unavailable (os error 11)\n"
    );
}
