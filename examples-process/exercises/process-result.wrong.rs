//! Guide §8, exercise `process-result`: a plausible WRONG solution.
//!
//! The child hands the total back as its exit status, and the parent reads
//! it from `waitpid`. An exit status is one byte: only the lowest 8 bits of
//! the total arrive.
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! nix = { version = "0.30", features = ["process"] }
//! ```

use std::hint::black_box;
use std::time::Instant;

use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, fork};

fn calculate_squares() -> u64 {
    (0..1_000_000u64).map(|i| black_box(i) * i).sum()
}

fn main() {
    let start_time = Instant::now();
    let mut total = 0;
    // SAFETY: no thread but `main` exists, so the child starts with no lock
    // held by a thread that `fork` did not copy.
    match unsafe { fork() }.expect("fork failed") {
        ForkResult::Child => {
            // Wrong: `_exit` keeps only the lowest 8 bits of its argument.
            let code = calculate_squares() as i32;
            // SAFETY: `_exit` ends the child at once, without the parent's
            // exit handlers.
            unsafe { nix::libc::_exit(code) }
        }
        ForkResult::Parent { child } => {
            println!("Main program running");
            if let Ok(WaitStatus::Exited(_, code)) = waitpid(child, None) {
                total = code as u64;
            }
        }
    }
    println!("Total: {total}");
    let time_taken = start_time.elapsed().as_secs_f64();
    println!("Time taken: {time_taken:.2} seconds");
}
