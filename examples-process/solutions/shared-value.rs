//! Guide §9, exercise `shared-value`: a reference solution.
//!
//! The mapping is MAP_SHARED: after `fork` the children and the parent map
//! the same page, so each child's `fetch_add` reaches the parent (the
//! `multiprocessing` example of this crate).
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! nix = { version = "0.30", features = ["process", "mman"] }
//! ```

use std::hint::black_box;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use nix::sys::mman::{MapFlags, ProtFlags, mmap_anonymous};
use nix::sys::wait::waitpid;
use nix::unistd::{ForkResult, fork};

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
    let size = NonZeroUsize::new(size_of::<AtomicU64>()).unwrap();
    let prot = ProtFlags::PROT_READ | ProtFlags::PROT_WRITE;
    // MAP_SHARED: the children's writes land in the parent's memory too.
    // SAFETY: a new mapping at an address the kernel picks overlaps nothing.
    let memory = unsafe { mmap_anonymous(None, size, prot, MapFlags::MAP_SHARED) };
    // SAFETY: page-aligned, zero-filled (an AtomicU64 of 0), never unmapped,
    // and touched only through atomic operations.
    let result: &AtomicU64 = unsafe { memory.expect("mmap failed").cast().as_ref() };
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
