//! Guide §8/§9 and the summary table ("slower startup"): how long it takes to start a process,
//! fork + `waitpid` against spawn (fork + exec, this same program again) + wait.
//!
//! Run: `cargo run -p examples-process --bin process-startup -- 1000`
//!
//! Look for: the microseconds per process (default 200 each way): spawn adds loading a program
//! from scratch, several times slower. Compare `thread-startup` and `task-startup`.
//!
//! What Rust changes: `Command` is std's spawn and is safe; `fork` is `unsafe`, and its child
//! may run ordinary Rust only when the parent has one thread, as here.
//!
//! New here: timing many short-lived children with one `Instant`.
//!
//! Try: spawning `/bin/true` instead of this program.
//!
//! Copy: uses this crate's library (`examples_process::{arg_os, count_arg, exit_code}`), not
//! standalone.

use std::env;
use std::process::{Command, ExitCode};
use std::time::Instant;

use examples_process::{arg_os, count_arg, exit_code};
use nix::errno::Errno;
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, fork};

const DEFAULT_PROCESSES: u32 = 200;
/// The argument with which this program is its own spawned child.
const CHILD_ARG: &str = "--exit-at-once";

/// Forks one child that exits at once, and waits for it.
fn fork_and_wait() -> Result<(), String> {
    // SAFETY: this program never starts a thread, so the child starts with
    // no lock held by a thread `fork` did not copy; it calls only `_exit`.
    match unsafe { fork() }.map_err(|e| format!("fork failed: {}", std::io::Error::from(e)))? {
        ForkResult::Child => {
            // SAFETY: `_exit` ends the process at once; always sound.
            unsafe { nix::libc::_exit(0) }
        }
        ForkResult::Parent { child } => loop {
            match waitpid(child, None) {
                Ok(WaitStatus::Exited(_, 0)) => return Ok(()),
                Ok(WaitStatus::Exited(_, code)) => return Err(format!("child exited with {code}")),
                Ok(WaitStatus::Signaled(_, sig, _)) => {
                    return Err(format!("child killed by {sig}"));
                }
                // Stopped, continued and the rest are not reported without
                // the flags that ask for them: keep waiting, as on EINTR.
                Ok(_) | Err(Errno::EINTR) => {}
                Err(e) => return Err(format!("waitpid failed: {}", std::io::Error::from(e))),
            }
        },
    }
}

/// Starts this program again from its file, and waits for it.
fn spawn_and_wait(program: &std::path::Path) -> Result<(), String> {
    let status = Command::new(program)
        .arg(CHILD_ARG)
        .status()
        .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("child ended with {status}"))
    }
}

fn run() -> Result<(), String> {
    let n = count_arg(1, "the number of processes")?.unwrap_or(DEFAULT_PROCESSES);
    let program =
        env::current_exe().map_err(|e| format!("cannot find this program's file: {e}"))?;

    let start = Instant::now();
    for _ in 0..n {
        fork_and_wait()?;
    }
    let fork_time = start.elapsed();

    let start = Instant::now();
    for _ in 0..n {
        spawn_and_wait(&program)?;
    }
    let spawn_time = start.elapsed();

    let micros = |d: std::time::Duration| d.as_secs_f64() * 1e6 / f64::from(n);
    println!("Processes: {n} each way");
    println!(
        "Fork and wait: {:.1} microseconds per process",
        micros(fork_time)
    );
    println!(
        "Spawn and wait: {:.1} microseconds per process",
        micros(spawn_time)
    );
    Ok(())
}

fn main() -> ExitCode {
    // As its own spawned child this program does nothing at all.
    if arg_os(1).is_some_and(|arg| arg == CHILD_ARG) {
        return ExitCode::SUCCESS;
    }
    exit_code(run())
}
