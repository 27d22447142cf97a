//! The fork helpers the measuring and extra binaries share: fork a child that
//! runs one function, wait for it, and say in one line how it ended.
//!
//! Python's `multiprocessing.Process` hides all of this. Here it is in the
//! open, and small: [`fork_child`] (start), [`Child::wait`] (the `join`),
//! [`Ended`] (what `exitcode` tells you in Python, with the signal named) and
//! a `Drop` that never leaves a child behind when the parent bails out early.
//! The guide programs (`process`, `multiprocessing`) do not use it: they call
//! `fork` and `waitpid` themselves, so that they copy alone.

use std::fmt;
use std::io::{self, Write};
use std::panic::{self, AssertUnwindSafe};

use nix::errno::Errno;
use nix::sys::signal::{self, Signal};
use nix::sys::wait::{self, WaitStatus};
use nix::unistd::{self, ForkResult, Pid};

/// The exit status of a Rust program whose `main` thread panicked.
pub const PANIC_EXIT_STATUS: i32 = 101;

/// How a child process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// It called `exit`/`_exit` (or returned from `main`) with this status.
    Exited(i32),
    /// A signal ended it: `SIGKILL` from the OOM killer or `kill -9`,
    /// `SIGSEGV` from a bad pointer, `SIGABRT` from `abort()`. The raw
    /// number, because not every signal has a name in `nix::Signal`.
    Signaled(i32),
}

impl Ended {
    /// Exit status 0: the only ending that counts as success.
    pub fn success(self) -> bool {
        self == Ended::Exited(0)
    }
}

impl fmt::Display for Ended {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Ended::Exited(0) => write!(f, "exited normally"),
            Ended::Exited(PANIC_EXIT_STATUS) => {
                write!(f, "panicked (exit status {PANIC_EXIT_STATUS})")
            }
            Ended::Exited(code) => write!(f, "exited with status {code}"),
            Ended::Signaled(n) => match Signal::try_from(n) {
                Ok(sig) => write!(f, "killed by signal {}", sig.as_str()),
                Err(_) => write!(f, "killed by signal {n}"),
            },
        }
    }
}

/// The same description for a child started with `std::process::Command`.
impl From<std::process::ExitStatus> for Ended {
    fn from(status: std::process::ExitStatus) -> Self {
        use std::os::unix::process::ExitStatusExt;
        match (status.code(), status.signal()) {
            (Some(code), _) => Ended::Exited(code),
            (None, Some(n)) => Ended::Signaled(n),
            // Neither is only possible for a stopped child, which
            // `Command::wait` never reports; call it a failure all the same.
            (None, None) => Ended::Exited(-1),
        }
    }
}

/// A forked child that has not been waited for yet.
///
/// Until [`Child::wait`] succeeds, dropping it kills the child and reaps it,
/// so an early `?` in the parent leaves neither an orphan (still running,
/// adopted by init) nor a zombie (finished, never reaped) behind.
#[derive(Debug)]
pub struct Child {
    pid: Pid,
    reaped: bool,
}

impl Child {
    pub fn pid(&self) -> Pid {
        self.pid
    }

    /// Blocks until the child ends, like Python's `process.join()`, and
    /// reaps it: after this, the kernel has forgotten the process.
    pub fn wait(&mut self) -> nix::Result<Ended> {
        let ended = wait_for(self.pid)?;
        self.reaped = true;
        Ok(ended)
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        if !self.reaped {
            // Errors are ignored on purpose: the child may already be gone,
            // and a destructor has nobody to report to.
            let _ = signal::kill(self.pid, Signal::SIGKILL);
            let _ = wait_for(self.pid);
        }
    }
}

/// `waitpid` until the child has really ended.
fn wait_for(pid: Pid) -> nix::Result<Ended> {
    loop {
        match wait::waitpid(pid, None) {
            Ok(WaitStatus::Exited(_, code)) => return Ok(Ended::Exited(code)),
            Ok(WaitStatus::Signaled(_, sig, _core_dumped)) => {
                return Ok(Ended::Signaled(sig as i32));
            }
            // Stopped/continued children are reported only with WUNTRACED /
            // WCONTINUED, and ptrace events only to a tracer; StillAlive only
            // with WNOHANG. None of those flags is set, but the enum has the
            // variants, and "keep waiting" is the right answer to each.
            Ok(WaitStatus::Stopped(..) | WaitStatus::Continued(_) | WaitStatus::StillAlive) => {}
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Ok(WaitStatus::PtraceEvent(..) | WaitStatus::PtraceSyscall(_)) => {}
            // A signal handler ran while we were blocked: just wait again.
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
}

/// Forks, runs `child_main` in the child and ends the child with the status
/// it returns; returns the child's handle in the parent.
///
/// A panic in `child_main` ends the child with status 101, like a panic in
/// `main` would, instead of unwinding into the parent's code (which the
/// child shares a copy of, and must never run).
///
/// # Safety
///
/// The process must have exactly one thread when this is called. `fork`
/// copies only the calling thread: a lock some other thread held at that
/// instant (the allocator's, stdout's) stays locked forever in the child, so
/// the child could deadlock in the first `println!` or `Vec::push`. With a
/// single thread nobody else can hold a lock, and the child may run ordinary
/// Rust code. On Linux this is also checked at run time (an error, not UB).
pub unsafe fn fork_child<F>(child_main: F) -> io::Result<Child>
where
    F: FnOnce() -> i32,
{
    check_single_threaded()?;
    // Anything still in stdout's buffer would be copied into the child and
    // written twice, once by each process. (`println!` flushes at each
    // newline, but a `print!` without one would not be.)
    io::stdout()
        .flush()
        .map_err(|e| io::Error::new(e.kind(), format!("flushing stdout before fork: {e}")))?;
    // SAFETY: the caller promises a single thread (and we checked where we
    // can), so the child starts with no lock held by a vanished thread.
    let forked = unsafe { unistd::fork() };
    // The error names the call: `fork failed: Resource temporarily unavailable
    // (os error 11)` when a process limit is reached.
    match forked.map_err(|e| io::Error::other(format!("fork failed: {}", io::Error::from(e))))? {
        ForkResult::Parent { child } => Ok(Child {
            pid: child,
            reaped: false,
        }),
        ForkResult::Child => {
            // The default hook prints `thread 'main' panicked at ...`, which
            // reads as if the parent crashed, and a backtrace when
            // RUST_BACKTRACE is set. A child's panic gets one line instead.
            // (`child_panic_hook` is a zero-sized fn item: no allocation.)
            panic::set_hook(Box::new(child_panic_hook));
            let status =
                panic::catch_unwind(AssertUnwindSafe(child_main)).unwrap_or(PANIC_EXIT_STATUS);
            // `_exit`, not `std::process::exit`: the latter runs the parent's
            // exit handlers and flushes stdio buffers a second time in the
            // child. `_exit` just ends the process.
            // SAFETY: `_exit` is always safe to call; it never returns.
            unsafe { nix::libc::_exit(status) }
        }
    }
}

/// A forked child's panic report: one line naming the child, whatever
/// `RUST_BACKTRACE` says, e.g. `child 1234 panicked at src/bin/x.rs:9:5: ...`.
fn child_panic_hook(info: &panic::PanicHookInfo<'_>) {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(a non-string panic payload)");
    let pid = unistd::getpid();
    match info.location() {
        Some(at) => child_eprintln(format_args!("child {pid} panicked at {at}: {message}")),
        None => child_eprintln(format_args!("child {pid} panicked: {message}")),
    }
}

/// Refuses to fork a process with more than one thread (Linux only: other
/// systems have no `/proc/self/status`, and rely on the caller alone).
fn check_single_threaded() -> io::Result<()> {
    #[cfg(target_os = "linux")]
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        let threads = status
            .lines()
            .find_map(|line| line.strip_prefix("Threads:"))
            .and_then(|n| n.trim().parse::<usize>().ok());
        if let Some(n) = threads.filter(|&n| n > 1) {
            return Err(io::Error::other(format!(
                "refusing to fork: {n} threads are running, the child would get only one"
            )));
        }
    }
    Ok(())
}

/// Writes one line to stderr with a single `write(2)`, formatted on the
/// stack: no allocation and no lock in the write itself (the child's panic
/// hook uses it).
///
/// One `write` of at most `PIPE_BUF` (4096 on Linux) bytes to a pipe is
/// atomic, so lines from several processes never mix within a line.
pub fn child_eprintln(args: fmt::Arguments<'_>) {
    write_line(io::stderr(), args);
}

fn write_line<Fd: std::os::fd::AsFd>(fd: Fd, args: fmt::Arguments<'_>) {
    let mut buf = [0u8; 256];
    let len = {
        let mut rest = &mut buf[..];
        // A line longer than the buffer is cut, not an error worth dying for.
        let _ = rest.write_fmt(args);
        let _ = rest.write_all(b"\n");
        256 - rest.len()
    };
    write_all(fd, &buf[..len]);
}

/// `write(2)` until every byte is out; gives up silently on a real error
/// (for example stdout closed), as `println!` would not.
pub fn write_all<Fd: std::os::fd::AsFd>(fd: Fd, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        match unistd::write(&fd, bytes) {
            Ok(n) => bytes = &bytes[n..],
            Err(Errno::EINTR) => {}
            Err(_) => return,
        }
    }
}
