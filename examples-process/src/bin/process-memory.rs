//! Guide §9 and its summary table ("high memory"): what an idle forked process really costs.
//! N children wait on a pipe while the parent reads `Rss` (every page a process can touch,
//! shared ones counted in each) and `Pss` (shared pages split between the sharers) from `/proc`.
//!
//! Run: `cargo run -p examples-process --bin process-memory -- 300`
//!
//! Look for: resident (a few hundred KiB) against proportional (tens of KiB): fork is
//! copy-on-write. A count that could never exist here (RLIMIT_NPROC, pid_max) is refused in one
//! line before anything is allocated.
//!
//! What Rust changes: `fork` is `unsafe` (its child may run ordinary Rust only when the parent
//! has one thread, as here), and every child is waited for.
//!
//! New here: reading `/proc/<pid>/smaps_rollup`, `getrlimit(RLIMIT_NPROC)`.
//!
//! Try: write to a big `Vec` in the children before they wait.
//!
//! Copy: uses this crate's library (`examples_process::{Child, count_arg, exit_code, fork_child,
//! write_all}`), not standalone.

use std::fs;
use std::os::fd::{AsFd, AsRawFd};
use std::process::ExitCode;

use examples_process::{Child, count_arg, exit_code, fork_child, write_all};
use nix::errno::Errno;
use nix::sys::resource::{self, Resource};
use nix::unistd;

const DEFAULT_CHILDREN: usize = 100;

/// The value of a `Name:   1234 kB` line of a `/proc` file, in KiB.
fn kib_field(text: &str, field: &str) -> Option<u64> {
    text.lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

fn proc_kib(path: &str, field: &str) -> Result<u64, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    kib_field(&text, field).ok_or_else(|| format!("no {field} line in {path}"))
}

/// Blocks until `fd` reaches end of file: every write end is closed.
fn wait_for_eof(fd: impl AsFd) {
    let mut byte = [0u8; 1];
    loop {
        match unistd::read(&fd, &mut byte) {
            Err(Errno::EINTR) => {}
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// The most processes this user may have: the soft `RLIMIT_NPROC` and the
/// kernel's highest process id, whichever is lower.
fn process_limit() -> Result<usize, String> {
    let (soft, _hard) =
        resource::getrlimit(Resource::RLIMIT_NPROC).map_err(|e| format!("getrlimit: {e}"))?;
    let pid_max = fs::read_to_string("/proc/sys/kernel/pid_max")
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok())
        .unwrap_or(u64::MAX);
    Ok(usize::try_from(soft.min(pid_max)).unwrap_or(usize::MAX))
}

fn run() -> Result<(), String> {
    let n = count_arg(1, "the number of children")?.unwrap_or(DEFAULT_CHILDREN);
    // Refused before anything is allocated or forked: more children than the
    // machine lets this user have could never all exist at once.
    let limit = process_limit()?;
    if n > limit {
        return Err(format!(
            "{n} children cannot exist at once here: at most {limit} processes \
             (RLIMIT_NPROC and /proc/sys/kernel/pid_max)"
        ));
    }

    // `ready`: each child writes one byte once it is parked.
    // `release`: the children read it until end of file, which comes when
    // the parent closes the write end (or dies), so no child outlives it.
    let (ready_rx, ready_tx) = unistd::pipe().map_err(|e| format!("pipe: {e}"))?;
    let (release_rx, release_tx) = unistd::pipe().map_err(|e| format!("pipe: {e}"))?;
    let release_tx_fd = release_tx.as_raw_fd();
    let kernel_stack_before = proc_kib("/proc/meminfo", "KernelStack")?;

    let mut children: Vec<Child> = Vec::new();
    children
        .try_reserve_exact(n)
        .map_err(|e| format!("room for {n} children: {e}"))?;
    for i in 0..n {
        // SAFETY: this program never starts a thread, so the child starts
        // with no lock held by a thread that `fork` did not copy.
        let child = unsafe {
            fork_child(|| {
                // The child's copy of the release write end would keep its
                // own read from ever seeing end of file: close it first (by
                // number: the `OwnedFd` itself belongs to the parent's code).
                let _ = unistd::close(release_tx_fd);
                write_all(&ready_tx, b"+");
                wait_for_eof(&release_rx);
                0
            })
        };
        match child {
            Ok(child) => children.push(child),
            // Returning drops `children`, which kills and reaps every child.
            Err(e) => return Err(format!("child {} of {n}: {e}", i + 1)),
        }
    }
    drop(ready_tx);

    // Wait until every child has written its byte: all are parked now.
    let mut parked = 0;
    let mut buf = [0u8; 64];
    while parked < n {
        match unistd::read(&ready_rx, &mut buf) {
            Ok(0) => return Err(format!("only {parked} of {n} children got ready")),
            Ok(k) => parked += k,
            Err(Errno::EINTR) => {}
            Err(e) => return Err(format!("reading from the children: {e}")),
        }
    }

    let (mut rss, mut pss, mut page_tables) = (0, 0, 0);
    for child in &children {
        let pid = child.pid();
        let rollup = format!("/proc/{pid}/smaps_rollup");
        rss += proc_kib(&rollup, "Rss")?;
        pss += proc_kib(&rollup, "Pss")?;
        page_tables += proc_kib(&format!("/proc/{pid}/status"), "VmPTE")?;
    }
    let kernel_stack_after = proc_kib("/proc/meminfo", "KernelStack")?;

    drop(release_tx);
    for child in &mut children {
        let ended = child.wait().map_err(|e| format!("waitpid: {e}"))?;
        if !ended.success() {
            return Err(format!("child {} {ended}", child.pid()));
        }
    }

    let per_child = |kib: u64| kib as f64 / n as f64;
    println!("Processes: {n}");
    println!(
        "Resident per process: {:.1} KiB (Rss: shared pages counted in every process)",
        per_child(rss)
    );
    println!(
        "Proportional per process: {:.1} KiB (Pss: shared pages split between the sharers)",
        per_child(pss)
    );
    println!(
        "Page tables per process: {:.1} KiB (kernel memory)",
        per_child(page_tables)
    );
    println!(
        "Kernel stack per process: {:.1} KiB (machine-wide, approximate)",
        per_child(kernel_stack_after.saturating_sub(kernel_stack_before))
    );
    Ok(())
}

fn main() -> ExitCode {
    exit_code(run())
}
