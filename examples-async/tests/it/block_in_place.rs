//! `block-in-place` under a low thread limit: tokio would panic ("OS can't
//! spawn worker thread"), so the binary asks for its threads through
//! `thread::Builder` first and fails with one line. Needs root,
//! `setpriv` and `prlimit` (it runs the binary as `nobody` with `prlimit --nproc`);
//! skipped with the reason printed otherwise. Its normal run (the panic on
//! purpose, exit 101) is checked by its spec.
//!
//!     cargo test -p examples-async --test it block_in_place:: -- --nocapture

use crate::spawn_limit::run_limited;

#[test]
fn a_low_thread_limit_is_one_error_line() {
    let Some(output) = run_limited(env!("CARGO_BIN_EXE_block-in-place"), 1, &[]) else {
        return;
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        "error: this program needs 3 threads beside main: thread::Builder::spawn failed: \
         Resource temporarily unavailable (os error 11)\n"
    );
}
