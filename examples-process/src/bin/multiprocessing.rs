//! Guide §9, multiprocessing: fib(35) and fib(36) in two processes at once,
//! each adding its result to one value that both processes share.
//!
//! The shared value is the analog of Python's `Value('i', 0)`: eight bytes of
//! memory mapped *shared* before the fork, so parent and children all see the
//! same bytes, updated with an atomic add. After the guide's program, the
//! lesson in numbers: the same work, fib(36) once per core, first one after
//! another in one process, then in parallel processes, and the speedup.
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-process --bin multiprocessing
//!
//! Look for `Total result: 24157817` and the time: 0.03-0.05 s here with
//! `--release` (0.06 s without: debug builds check every `+` for overflow),
//! against 1.8-1.9 s for the guide's Python program on the same machine (the
//! guide's 0.15 s is out of CPython's reach). Then the speedup: close to
//! 2.00x on two idle cores. The two `Calculating` lines come in either order: the two
//! children race to their first print.
//!
//! What Rust changes: there is no GIL to escape, so threads would give the
//! same speedup (see examples-gil-analog); processes earn their place when a
//! crash must not take the parent down, or memory must stay apart. The shared
//! value needs `unsafe` to map and an atomic to update: a `std::sync::Mutex`
//! cannot do the job (see `SharedCounter`). Try numbers `[30, 40]`: the time
//! becomes that of the slower child, whatever the other one does.

use std::error::Error;
use std::hint::black_box;
use std::num::NonZeroUsize;
use std::process::ExitCode;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use nix::sys::mman::{self, MapFlags, ProtFlags};

use examples_process::{Child, child_println, fork_child};

/// The recursive definition, as in the guide (which also passes the shared
/// value along, unused; we leave it out).
fn fibonacci(n: u32) -> u64 {
    if n <= 1 {
        return n as u64;
    }
    fibonacci(n - 1) + fibonacci(n - 2)
}

/// Runs in a child process: compute, add to the shared total, report.
fn compute_fib(n: u32, result: &AtomicU64) {
    child_println(format_args!("Calculating fib({n})"));
    let fib_value = fibonacci(black_box(n));
    // The guide takes `result.get_lock()` around `result.value += ...`.
    // One atomic read-modify-write does the same for a single number: no
    // other process can slip in between the read and the write.
    result.fetch_add(fib_value, Ordering::SeqCst);
    child_println(format_args!("fib({n}) = {fib_value}"));
}

/// A `u64` in memory shared by every process forked after it was made.
///
/// Why not a `Mutex<u64>`? After `fork`, ordinary memory is *copied*: each
/// child would lock and change its own copy, and the parent would read 0.
/// Putting a `std::sync::Mutex` into shared memory does not fix it either:
/// std promises nothing about such a mutex across processes (on Linux it
/// waits with a process-private futex, so a waiter in one process is never
/// woken by an unlock in another). Cross-process locks must be built for it
/// (`pthread_mutexattr_setpshared`; Python's `get_lock()` is built on a
/// POSIX semaphore). An atomic needs no lock at all: its
/// operations are single CPU instructions on the shared physical memory.
struct SharedCounter {
    ptr: NonNull<AtomicU64>,
}

const COUNTER_SIZE: NonZeroUsize = NonZeroUsize::new(size_of::<AtomicU64>()).unwrap();

impl SharedCounter {
    fn new() -> nix::Result<Self> {
        // SAFETY: a new anonymous mapping at an address the kernel picks
        // cannot overlap any memory Rust already uses.
        let ptr = unsafe {
            mman::mmap_anonymous(
                None,
                COUNTER_SIZE,
                ProtFlags::PROT_READ | ProtFlags::PROT_WRITE,
                // MAP_SHARED is the whole point: a MAP_PRIVATE mapping would
                // be copied on fork like the rest of memory.
                MapFlags::MAP_SHARED,
            )?
        };
        // The kernel zero-fills the page, and all-zero bytes are a valid
        // `AtomicU64` holding 0: this is `Value('i', 0)`.
        Ok(SharedCounter { ptr: ptr.cast() })
    }

    fn get(&self) -> &AtomicU64 {
        // SAFETY: the mapping is page-aligned, initialized (zeroes) and lives
        // as long as `self`; every process touches it only through atomic
        // operations, so shared `&` access is sound.
        unsafe { self.ptr.as_ref() }
    }
}

impl Drop for SharedCounter {
    fn drop(&mut self) {
        // SAFETY: the pointer came from `mmap_anonymous` with this size and
        // no reference from `get` can outlive `self`.
        let _ = unsafe { mman::munmap(self.ptr.cast(), COUNTER_SIZE.get()) };
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("multiprocessing: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn Error>> {
    let start_time = Instant::now();
    let result = SharedCounter::new()?;
    let mut processes: Vec<Child> = Vec::new();
    let numbers = [35, 36];
    for n in numbers {
        // SAFETY: no thread has been started in this program, so each child
        // begins with one thread and no lock held (also checked at run time).
        let process = unsafe {
            fork_child(|| {
                compute_fib(n, result.get());
                0
            })
        }?;
        processes.push(process);
    }
    // The guide's `join` loop. On an early `?`, `Child`'s `Drop` kills and
    // reaps the children not waited for yet.
    for process in &mut processes {
        join(process)?;
    }
    println!("Total result: {}", result.get().load(Ordering::SeqCst));
    println!(
        "Time taken: {:.2} seconds",
        start_time.elapsed().as_secs_f64()
    );

    equal_work_speedup()
}

/// Waits for a child; any ending but "exited normally" becomes the error.
fn join(process: &mut Child) -> Result<(), Box<dyn Error>> {
    let ended = process.wait()?;
    if !ended.success() {
        return Err(format!("child {} {ended}", process.pid()).into());
    }
    Ok(())
}

/// The same total work twice: one process computing fib(36) once per core,
/// then one process per core computing it once, all at the same time.
/// (fib(35) and fib(36) are unequal halves: fib(36) alone is 62% of the
/// work, so those two could never run more than 1.62 times faster.)
fn equal_work_speedup() -> Result<(), Box<dyn Error>> {
    const N: u32 = 36;
    // Physical cores: two hyperthreads of one core do not double the speed
    // of a loop like this one. At least two, so there is a comparison.
    let workers = num_cpus::get_physical().max(2);
    println!("Equal work: fib({N}) {workers} times");

    let start = Instant::now();
    let mut expected = 0;
    for _ in 0..workers {
        expected += fibonacci(black_box(N));
    }
    let sequential = start.elapsed();
    println!(
        "Sequential, one process: {:.2} seconds",
        sequential.as_secs_f64()
    );

    let total = SharedCounter::new()?;
    let start = Instant::now();
    let mut processes = Vec::with_capacity(workers);
    for _ in 0..workers {
        // SAFETY: still no thread in this program, as above.
        let process = unsafe {
            fork_child(|| {
                total
                    .get()
                    .fetch_add(fibonacci(black_box(N)), Ordering::SeqCst);
                0
            })
        }?;
        processes.push(process);
    }
    for process in &mut processes {
        join(process)?;
    }
    let parallel = start.elapsed();
    // The children's work must really have been done, and added up.
    let got = total.get().load(Ordering::SeqCst);
    if got != expected {
        return Err(format!("the children added up to {got}, not {expected}").into());
    }
    println!(
        "Parallel, {workers} processes: {:.2} seconds",
        parallel.as_secs_f64()
    );
    println!("Speedup: {:.2}x", ratio(sequential, parallel));
    Ok(())
}

fn ratio(slow: Duration, fast: Duration) -> f64 {
    slow.as_secs_f64() / fast.as_secs_f64().max(1e-9)
}
