//! Guide §9, exercise `shared-value`: a plausible WRONG solution.
//!
//! A `static` atomic instead of the mapping: every thread of a process
//! shares it, but `fork` gives each child its own copy, so the parent
//! still reads 0.
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

static RESULT: AtomicU64 = AtomicU64::new(0);

fn fibonacci(n: u32) -> u64 {
    if n <= 1 {
        return n as u64;
    }
    fibonacci(n - 1) + fibonacci(n - 2)
}

fn compute_fib(n: u32, result: &AtomicU64) {
    println!("Calculating fib({n})");
    let fib_value = fibonacci(black_box(n));
    result.fetch_add(fib_value, Ordering::SeqCst);
    println!("fib({n}) = {fib_value}");
}

fn main() {
    let start_time = Instant::now();
    // Wrong: a `static` is shared by threads, but `fork` copies it too.
    let result = &RESULT;
    let mut processes = Vec::new();
    for n in [35, 36] {
        // SAFETY: no thread but `main` exists, so each child starts with no
        // lock held by a thread that `fork` did not copy.
        match unsafe { fork() }.expect("fork failed") {
            ForkResult::Child => {
                compute_fib(n, result);
                // SAFETY: `_exit` ends the child without the parent's
                // exit handlers.
                unsafe { nix::libc::_exit(0) }
            }
            ForkResult::Parent { child } => processes.push(child),
        }
    }
    for process in processes {
        waitpid(process, None).expect("waitpid failed");
    }
    println!("Total result: {}", result.load(Ordering::SeqCst));
    let time_taken = start_time.elapsed().as_secs_f64();
    println!("Time taken: {time_taken:.2} seconds");
}
