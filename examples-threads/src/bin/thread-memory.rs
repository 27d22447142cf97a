//! Guide extra answer 2, memory per thread: what an idle thread really costs,
//! against the guide's "~8 MB per thread". Starts N threads, parks them all on
//! a `Barrier`, and divides the growth of the address space (`VmSize`:
//! reserved) and of anonymous resident memory (`RssAnon`: touched) by N.
//!
//! Run: `cargo run -p examples-threads --bin thread-memory -- 10000 [STACK_KIB]`
//!
//! Look for: the two per-thread lines: about 2 MiB reserved (the whole stack),
//! a few KiB resident.
//!
//! What Rust changes: a 2 MiB default stack (`Builder::stack_size`,
//! `RUST_MIN_STACK`), and `Builder::spawn` says when the OS refuses a thread.
//!
//! New here: `thread::Builder`, `Barrier`, reading `/proc/self/status`.
//!
//! Try: 20000 threads, and read the error (the crate README says why).
//!
//! Copy: needs this crate's `cli` module (argument plumbing).

use std::fs;
use std::process::ExitCode;
use std::sync::{Arc, Barrier};
use std::thread;

use examples_threads::cli::{MAX_THREADS, count_arg, exit_code};

const DEFAULT_THREADS: usize = 1000;
/// A stack must fit in a process's address space: 128 TiB on x86-64 Linux.
const MAX_STACK_KIB: u64 = 128 << 30;

/// One `Name:   1234 kB` line of a `/proc` status file, in KiB.
fn proc_kib(path: &str, field: &str) -> Result<u64, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    text.lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("no {field} line in {path}"))
}

/// What the process and the machine use right now, in KiB.
struct Usage {
    virtual_kib: u64,
    resident_kib: u64,
    kernel_stack_kib: u64,
}

fn usage() -> Result<Usage, String> {
    Ok(Usage {
        virtual_kib: proc_kib("/proc/self/status", "VmSize")?,
        // Anonymous pages only: stacks and heap, not the program's own code,
        // which pages in from the file as it first runs.
        resident_kib: proc_kib("/proc/self/status", "RssAnon")?,
        kernel_stack_kib: proc_kib("/proc/meminfo", "KernelStack")?,
    })
}

fn run() -> Result<(), String> {
    // Both refused before anything is allocated if they cannot fit.
    let n = count_arg(1, "the number of threads", MAX_THREADS)?.unwrap_or(DEFAULT_THREADS);
    let stack_kib: Option<usize> = count_arg(2, "the stack size in KiB", MAX_STACK_KIB)?;

    let before = usage()?;
    // N threads plus `main` meet at the barrier twice: once when all have
    // started, once more to let them finish after the measurement.
    let barrier = Arc::new(Barrier::new(n + 1));
    let mut handles = Vec::with_capacity(n);
    for i in 0..n {
        let mut builder = thread::Builder::new();
        if let Some(kib) = stack_kib {
            builder = builder.stack_size(kib * 1024);
        }
        let barrier = Arc::clone(&barrier);
        let spawned = builder.spawn(move || {
            barrier.wait();
            barrier.wait();
        });
        match spawned {
            Ok(handle) => handles.push(handle),
            // Returning here ends the process, and with it the parked threads.
            Err(e) => {
                let which = i + 1;
                return Err(format!(
                    "thread::Builder::spawn failed for thread {which} of {n}: {e}"
                ));
            }
        }
    }
    barrier.wait();
    // Every thread has run and is now blocked, so its pages are touched.
    let after = usage()?;
    barrier.wait();
    for handle in handles {
        // A panic in a thread is a bug in this program: let it surface.
        handle.join().unwrap();
    }

    let per_thread = |before: u64, after: u64| after.saturating_sub(before) as f64 / n as f64;
    println!("Threads: {n}");
    match stack_kib {
        Some(kib) => println!("Stack size asked for: {kib} KiB"),
        None => println!("Stack size asked for: default"),
    }
    println!(
        "Reserved per thread: {:.1} KiB (address space)",
        per_thread(before.virtual_kib, after.virtual_kib)
    );
    println!(
        "Resident per thread: {:.1} KiB",
        per_thread(before.resident_kib, after.resident_kib)
    );
    println!(
        "Kernel stack per thread: {:.1} KiB (machine-wide, approximate)",
        per_thread(before.kernel_stack_kib, after.kernel_stack_kib)
    );
    Ok(())
}

fn main() -> ExitCode {
    exit_code(run())
}
