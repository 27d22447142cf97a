//! Guide §9, multiprocessing: fib(35) and fib(36) in two forked processes,
//! both adding to one value in memory they share (Python's `Value('i', 0)`).
//! Look for `Total result: 24157817`; the `Calculating` and `fib(..) =` lines
//! come in any order, since the two children race.
//! Run: `cargo run -p examples-process --bin multiprocessing`
//! What Rust changes: no GIL to escape (threads would run in parallel too);
//! the shared value is an `AtomicU64` in a `MAP_SHARED` mapping made before
//! `fork`, and one atomic `fetch_add` replaces `get_lock()`. The speedup on
//! equal work is `multiprocessing-speedup`. Try: `[30, 40]`: the time becomes
//! that of the slower child.
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! nix = { version = "0.30", features = ["process", "mman"] }
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::{fmt::Arguments, hint::black_box, io, io::Write, num::NonZeroUsize, time::Instant};

use nix::sys::mman::{MapFlags, ProtFlags, mmap_anonymous};
use nix::sys::wait::{WaitStatus, waitpid};
use nix::{errno::Errno, unistd::ForkResult, unistd::Pid, unistd::fork, unistd::write};

// The guide passes `result` down every call, unused; it is left out here.
fn fibonacci(n: u32) -> u64 {
    if n <= 1 {
        return n as u64;
    }
    fibonacci(n - 1) + fibonacci(n - 2)
}

fn compute_fib(n: u32, result: &AtomicU64) {
    print_from_child(format_args!("Calculating fib({n})"));
    let fib_value = fibonacci(black_box(n));
    // `with result.get_lock(): result.value += ...` in one atomic step: no
    // other process can come between the read and the write.
    result.fetch_add(fib_value, Ordering::SeqCst);
    print_from_child(format_args!("fib({n}) = {fib_value}"));
}

fn main() {
    let start_time = Instant::now();
    // Rust: `Value('i', 0)` is a page mapped MAP_SHARED (MAP_PRIVATE memory
    // is copied at `fork`); the kernel fills it with zeroes, an AtomicU64 of 0.
    let size = const { NonZeroUsize::new(size_of::<AtomicU64>()).unwrap() };
    let flags = ProtFlags::PROT_READ | ProtFlags::PROT_WRITE;
    // SAFETY: a new mapping at an address the kernel picks overlaps nothing.
    let shared = unsafe { mmap_anonymous(None, size, flags, MapFlags::MAP_SHARED) };
    // SAFETY: page-aligned, zero-filled, never unmapped, and every process
    // touches it only through atomic operations.
    let result: &AtomicU64 = unsafe { or_exit(shared, "mmap").cast().as_ref() };
    let mut processes = Vec::new();
    let numbers = [35, 36];
    // Rust: flush before `fork`, or buffered output is printed twice.
    or_exit(io::stdout().flush(), "flush");
    for n in numbers {
        // Rust: `fork` returns twice: in the parent with the child's pid, and
        // in the child (the `else` branch), which never returns.
        // SAFETY: no thread but `main` exists, so each child starts with no
        // lock held by a thread that `fork` did not copy.
        let ForkResult::Parent { child: process } = or_exit(unsafe { fork() }, "fork") else {
            compute_fib(n, result);
            // SAFETY: `_exit` ends the child at once, without running the
            // parent's exit handlers or flushing its buffers again.
            unsafe { nix::libc::_exit(0) }
        };
        processes.push(process);
    }
    for process in processes {
        join(process);
    }
    println!("Total result: {}", result.load(Ordering::SeqCst));
    let time_taken = start_time.elapsed().as_secs_f64();
    println!("Time taken: {time_taken:.2} seconds");
}

/// Rust: a forked child prints with one `write(2)` from a stack buffer: no
/// lock, no allocation (async-signal-safe), and one whole line per call.
fn print_from_child(line: Arguments) {
    let mut buf = io::Cursor::new([0u8; 64]);
    let _ = writeln!(buf, "{line}");
    let _ = write(io::stdout(), &buf.get_ref()[..buf.position() as usize]);
}

/// The guide's `process.join()`: `waitpid` until the child has ended, which
/// also reaps it (a finished child stays a zombie until then).
fn join(process: Pid) {
    loop {
        match waitpid(process, None) {
            Ok(WaitStatus::Exited(_, 0)) => return,
            Ok(WaitStatus::Exited(_, code)) => fail(format!("child exited with {code}")),
            Ok(WaitStatus::Signaled(_, sig, _)) => fail(format!("child killed by {sig:?}")),
            // Rust: Stopped, Continued, ptrace and StillAlive come only with
            // flags not passed here; EINTR means "call again".
            Ok(_) | Err(Errno::EINTR) => {}
            Err(e) => or_exit(Err(e), "waitpid"),
        }
    }
}

/// Rust: a failed call ends the program with one line (`error: fork failed:
/// Resource temporarily unavailable (os error 11)`), not a panic.
fn or_exit<T, E: Into<io::Error>>(result: Result<T, E>, call: &str) -> T {
    result.unwrap_or_else(|e| fail(format!("{call} failed: {}", e.into())))
}

fn fail(message: String) -> ! {
    eprintln!("error: {message}");
    // Like Python at exit, wait for any child already started: no orphan.
    while let Ok(_) | Err(Errno::EINTR) = waitpid(None, None) {}
    std::process::exit(1)
}
