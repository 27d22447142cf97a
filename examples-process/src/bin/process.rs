//! Guide §8, processes: `calculate_squares` runs in a child process made with `fork`.
//!
//! Run: `cargo run -p examples-process`
//!
//! Look for: `Main program running` and the child's `Total: 333332833333500000` (either first).
//!
//! What Rust changes: `fork` is `unsafe`, the child leaves with `_exit`, and `waitpid` is `join`.
//!
//! New here: `match` on the two returns of `fork()`, `unsafe` with its `// SAFETY:` reason.
//!
//! Try: add `print!("Start ")` before the flush and delete the flush: `Start` prints twice.
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! nix = { version = "0.30", features = ["process"] }
//! ```

use std::{hint::black_box, io::Write, time::Instant};

use nix::{sys::wait::waitpid, unistd::ForkResult, unistd::fork};

fn calculate_squares() {
    let mut total: u64 = 0;
    for i in 0..1_000_000u64 {
        // `black_box` keeps the optimizer from using the closed formula.
        total += black_box(i) * i;
    }
    println!("Total: {total}");
}

fn main() {
    let start_time = Instant::now();
    // Flush first, or text still buffered would be copied into the child and printed twice.
    std::io::stdout().flush().expect("flush failed");
    // `fork` returns twice, in the parent and in the child, which starts running here, not at
    // `main`. And no Rust code runs on import (`use` runs nothing; `main` is the only entry),
    // so tip 11's `if __name__ == "__main__"` guard has nothing to guard against.
    // SAFETY: this program has one thread, so the child may run ordinary Rust (`println!`
    // included). After a fork from a multi-threaded parent it could only make async-signal-safe
    // calls (`write`, `_exit`): a lock held by another thread would stay locked in the child.
    match unsafe { fork() } {
        Ok(ForkResult::Parent { child, .. }) => {
            println!("Main program running");
            waitpid(child, None).expect("waitpid failed");
            let time_taken = start_time.elapsed().as_secs_f64();
            println!("Time taken: {time_taken:.2} seconds");
        }
        Ok(ForkResult::Child) => {
            calculate_squares();
            // `_exit`, not `process::exit`, which would run the atexit handlers and flush the
            // stdout buffer that the child inherited from the parent.
            // SAFETY: `_exit` only ends this process; no Rust code runs after it.
            unsafe { nix::libc::_exit(0) }
        }
        Err(e) => panic!("fork failed: {e}"),
    }
}
