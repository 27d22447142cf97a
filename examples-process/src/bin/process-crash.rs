//! Guide §8 and §9, extra: how a parent learns that a child failed. Four children: one returns,
//! one panics, one exits 3, one is killed by `SIGKILL`.
//!
//! Run: `cargo run -p examples-process --bin process-crash`
//!
//! Look for: on stderr, the panicking child's one line, then one line per failed child, e.g.
//! `child 1234 killed by signal SIGKILL`; exit status 1, and no child left behind.
//!
//! What Rust changes: Python's `join()` never raises (you must read `exitcode`); here `wait`
//! returns an `Ended` to match, and a panic in a forked child never unwinds into the parent's
//! code (status 101 instead).
//!
//! New here: `Ended` (exited with a status, or killed by a signal), a panic hook per child.
//!
//! Try: `kill -STOP` a child: `waitpid` without `WUNTRACED` keeps waiting.
//!
//! Copy: uses this crate's library (`examples_process::{Child, fork_child}`), not standalone.

use std::error::Error;
use std::process::ExitCode;

use nix::errno::Errno;
use nix::sys::signal::{self, Signal};
use nix::sys::wait::{self, WaitPidFlag};

use examples_process::{Child, fork_child};

/// What a child runs; it returns the child's exit status.
type ChildMain = fn() -> i32;

fn returns_normally() -> i32 {
    0
}

fn panics() -> i32 {
    let jobs: Vec<u32> = Vec::new();
    // Indexing an empty Vec: the kind of bug that panics in real code.
    jobs[0] as i32
}

fn exits_with_error() -> i32 {
    3
}

fn killed_by_signal() -> i32 {
    // Only a signal handler could stop SIGKILL, and none can be installed
    // for it: the process ends right here, without running any more code.
    let _ = signal::raise(Signal::SIGKILL);
    0
}

fn main() -> ExitCode {
    match run() {
        Ok(0) => ExitCode::SUCCESS,
        Ok(failed) => {
            eprintln!("process-crash: {failed} of 4 children failed");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<usize, Box<dyn Error>> {
    let jobs: [(&str, ChildMain); 4] = [
        ("returns_normally", returns_normally),
        ("panics", panics),
        ("exits_with_error", exits_with_error),
        ("killed_by_signal", killed_by_signal),
    ];
    let mut children: Vec<(&str, Child)> = Vec::new();
    for (name, job) in jobs {
        // SAFETY: this program starts no thread, so the children begin with
        // one thread and no lock held (checked at run time as well).
        let child = unsafe { fork_child(job) }?;
        println!("Started child {}: {name}", child.pid());
        children.push((name, child));
    }

    let mut failed = 0;
    for (name, child) in &mut children {
        let ended = child.wait()?;
        if ended.success() {
            println!("child {} {ended}: {name}", child.pid());
        } else {
            failed += 1;
            eprintln!("child {} {ended}", child.pid());
        }
    }

    // Proof that nothing is left: with every child reaped, "wait for any
    // child, don't block" has nobody to wait for.
    match wait::waitpid(None, Some(WaitPidFlag::WNOHANG)) {
        Err(Errno::ECHILD) => println!("No child left to reap"),
        other => return Err(format!("a child is still there: {other:?}").into()),
    }
    Ok(failed)
}
