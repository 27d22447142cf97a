//! Guide, extra answer 2: what an idle thread really costs in memory.
//!
//! The guide says each thread uses about 8 MB for its stack. This program
//! starts N threads, parks every one of them on a `Barrier`, and asks the
//! kernel how much the process grew: its address space (`VmSize`, what was
//! reserved) and its anonymous resident memory (`RssAnon`, what was really
//! touched), both from `/proc/self/status`, divided by N.
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-threads --bin thread-memory -- 10000
//!     cargo run -p examples-threads --bin thread-memory -- 10000 8192
//!
//! The first argument is the number of threads (default 1000), the optional
//! second one a stack size in KiB. Look at the two per-thread lines: about
//! 2 MiB of address space is reserved per thread (Rust's default stack; the
//! second command asks for 8 MiB, the size glibc and so CPython use when
//! `ulimit -s` is 8192), but only a few KiB of it become resident, because
//! the kernel hands out a page only when a thread first touches it. The
//! "8 MB" is a reservation of address space, not memory in use. The
//! reserved figure also holds each thread's guard page and signal stack and
//! a share of glibc's malloc arenas (64 MiB of address space each, up to 8
//! per core), which is why it is larger for a few hundred threads. The kernel
//! line is each thread's kernel stack, outside the process's own memory; it
//! is read from the machine-wide `/proc/meminfo`, so other programs starting
//! or ending threads at the same time blur it.
//!
//! What Rust changes: a spawned thread gets a 2 MiB stack unless you ask for
//! another size with `thread::Builder::stack_size` (or set `RUST_MIN_STACK`),
//! and `Builder::spawn` returns an error instead of panicking when the OS
//! refuses another thread, so this program can say how far it got.
//! Try 20000 threads: the program stops near 16,000 with an error, though
//! memory is plentiful. Every thread costs four memory mappings (its stack
//! and guard page, and the alternate signal stack Rust installs to report a
//! stack overflow, with its own guard), and `vm.max_map_count` allows 65,530
//! by default. Right at that edge std itself can panic inside the new
//! thread ("failed to set up alternative stack guard page"), before the
//! closure runs: the one panic message here that is not this program's.

use std::fs;
use std::process::ExitCode;
use std::sync::{Arc, Barrier};
use std::thread;

use examples_threads::{count_arg, exit_code};

const DEFAULT_THREADS: usize = 1000;

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
    let n = count_arg(1, "the number of threads")?.unwrap_or(DEFAULT_THREADS);
    let stack_kib: Option<usize> = count_arg(2, "the stack size in KiB")?;

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
            Err(e) => return Err(format!("could not start thread {} of {n}: {e}", i + 1)),
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
