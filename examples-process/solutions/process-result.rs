//! Guide §8, exercise `process-result`: a reference solution.
//!
//! A pipe made before the fork: the child writes the total's eight bytes
//! into it, the parent reads them. The parent drops its own write end
//! first, or its read would wait for an end of file that never comes.
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! nix = { version = "0.30", features = ["process"] }
//! ```

use std::fs::File;
use std::hint::black_box;
use std::io::Read;
use std::time::Instant;

use nix::sys::wait::waitpid;
use nix::unistd::{ForkResult, fork, pipe, write};

fn calculate_squares() -> u64 {
    (0..1_000_000u64).map(|i| black_box(i) * i).sum()
}

fn main() {
    let start_time = Instant::now();
    let (reader, writer) = pipe().expect("pipe failed");
    // SAFETY: no thread but `main` exists, so the child starts with no lock
    // held by a thread that `fork` did not copy.
    match unsafe { fork() }.expect("fork failed") {
        ForkResult::Child => {
            let total = calculate_squares();
            // Eight bytes fit in one `write` to a pipe.
            let _ = write(&writer, &total.to_le_bytes());
            // SAFETY: `_exit` ends the child at once, without the parent's
            // exit handlers.
            unsafe { nix::libc::_exit(0) }
        }
        ForkResult::Parent { child } => {
            drop(writer);
            println!("Main program running");
            let mut bytes = [0; 8];
            File::from(reader)
                .read_exact(&mut bytes)
                .expect("read failed");
            waitpid(child, None).expect("waitpid failed");
            println!("Total: {}", u64::from_le_bytes(bytes));
        }
    }
    let time_taken = start_time.elapsed().as_secs_f64();
    println!("Time taken: {time_taken:.2} seconds");
}
