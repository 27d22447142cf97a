//! Guide §8, exercise `process-result`: a forked child computes the total,
//! and the parent never sees it.
//!
//! Goal: the parent prints `Total: 333332833333500000`, the sum the child
//! computed, after `Main program running`.
//! Run: `cargo run -p examples-process --example process-result`.
//! Check: `cargo xtask exercise process-result` (`--watch` checks again on every
//! save, `--hint` gives a first hint, `--reset` starts again).
//! What Rust changes: nothing about memory: after `fork` the child has its
//! own copy of every variable, as in Python. A result has to be sent, for
//! example through a pipe made before the fork (`nix::unistd::pipe`, then
//! `write` in the child and read the other end as a `File` in the parent).
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! nix = { version = "0.30", features = ["process"] }
//! ```

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use nix::sys::wait::waitpid;
use nix::unistd::{ForkResult, fork};

fn calculate_squares() -> u64 {
    (0..1_000_000u64).map(|i| black_box(i) * i).sum()
}

// Each process has its own copy of every variable, statics included.
static TOTAL: AtomicU64 = AtomicU64::new(0);

fn main() {
    let start_time = Instant::now();
    // SAFETY: no thread but `main` exists, so the child starts with no lock
    // held by a thread that `fork` did not copy.
    match unsafe { fork() }.expect("fork failed") {
        ForkResult::Child => {
            // TODO: this sets the child's own copy of `TOTAL`; the parent's
            // stays 0. Send the total to the parent instead.
            TOTAL.store(calculate_squares(), Ordering::Relaxed);
            // SAFETY: `_exit` ends the child at once, without the parent's
            // exit handlers.
            unsafe { nix::libc::_exit(0) }
        }
        ForkResult::Parent { child } => {
            println!("Main program running");
            waitpid(child, None).expect("waitpid failed");
        }
    }
    println!("Total: {}", TOTAL.load(Ordering::Relaxed));
    let time_taken = start_time.elapsed().as_secs_f64();
    println!("Time taken: {time_taken:.2} seconds");
}
