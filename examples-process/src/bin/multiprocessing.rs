//! Guide §9, multiprocessing: fib(35) and fib(36) in two forked processes, adding to one value.
//!
//! Run: `cargo run -p examples-process --bin multiprocessing`
//!
//! Look for: `Total result: 24157817`; the children's lines in any order, as they race.
//!
//! What Rust changes: no GIL to escape (threads run in parallel too); `Value('i', 0)` is an
//! `AtomicU64` in shared memory, and one `fetch_add` replaces `get_lock()` and `+=`.
//!
//! New here: `mmap_anonymous` with `MAP_SHARED`, `AtomicU64::fetch_add`, a raw pointer `as_ref`.
//!
//! Try: `let numbers = [30, 40];`: the time becomes that of the slower child.
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! nix = { version = "0.30", features = ["process", "mman"] }
//! ```

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::{hint::black_box, io::Write, num::NonZeroUsize, time::Instant};

use nix::{sys::mman, sys::wait::waitpid, unistd::ForkResult, unistd::fork};

// The guide passes `result` down every call, unused; it is left out here.
fn fibonacci(n: u32) -> u64 {
    if n <= 1 {
        return n as u64;
    }
    fibonacci(n - 1) + fibonacci(n - 2)
}

fn compute_fib(n: u32, result: &AtomicU64) {
    println!("Calculating fib({n})");
    let fib_value = fibonacci(black_box(n));
    // `with result.get_lock(): result.value += fib_value` as one atomic add: no other process
    // can come between its read and its write. `Relaxed` is enough: an atomic add loses no
    // update at any ordering, the value publishes no other data, and the parent reads it only
    // after `waitpid` has seen both children end (the analog of `join`).
    result.fetch_add(fib_value, Relaxed);
    println!("fib({n}) = {fib_value}");
}

fn main() {
    let start_time = Instant::now();
    // `Value('i', 0)`: a page mapped MAP_SHARED before the forks, so parent and children see
    // one copy (other memory is copied at `fork`). Rust's memory model speaks of threads, so
    // atomics shared between processes lie outside what it formally covers; in practice std's
    // atomics are lock-free (no hidden lock) and work across processes on one machine.
    let size = NonZeroUsize::new(size_of::<AtomicU64>()).unwrap();
    let flags = mman::ProtFlags::PROT_READ | mman::ProtFlags::PROT_WRITE;
    // SAFETY: a new mapping at an address the kernel picks overlaps no memory Rust uses.
    let shared = unsafe { mman::mmap_anonymous(None, size, flags, mman::MapFlags::MAP_SHARED) };
    // SAFETY: page-aligned, zero-filled by the kernel (an `AtomicU64` of 0), never unmapped,
    // and every process touches it only through atomic operations.
    let result: &AtomicU64 = unsafe { shared.expect("mmap failed").cast().as_ref() };
    let mut processes = Vec::new();
    let numbers = [35, 36];
    // Flush first, or text still buffered would be copied into each child and printed again.
    std::io::stdout().flush().expect("flush failed");
    for n in numbers {
        // SAFETY: this program has one thread, so each child may run ordinary Rust; after a
        // fork from a multi-threaded parent it could only make async-signal-safe calls.
        match unsafe { fork() } {
            Ok(ForkResult::Parent { child, .. }) => processes.push(child),
            Ok(ForkResult::Child) => {
                compute_fib(n, result);
                // SAFETY: `_exit` only ends this child, running no atexit handler or flush.
                unsafe { nix::libc::_exit(0) }
            }
            Err(e) => panic!("fork failed: {e}"),
        }
    }
    for process in processes {
        waitpid(process, None).expect("waitpid failed");
    }
    println!("Total result: {}", result.load(Relaxed));
    let time_taken = start_time.elapsed().as_secs_f64();
    println!("Time taken: {time_taken:.2} seconds");
}
