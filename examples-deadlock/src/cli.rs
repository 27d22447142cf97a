//! Plumbing for the binaries: a call that failed becomes one line on stderr,
//! `error: spawning thread Task 1 failed: Resource temporarily unavailable
//! (os error 11)`, and a failure exit status; never a panic or a Debug dump.

use std::fmt;
use std::io;
use std::process::ExitCode;

/// What failed (the call, in words) and why (the OS error, in Display form).
#[derive(Debug)]
pub struct Failed {
    what: String,
    why: io::Error,
}

impl Failed {
    pub fn new(what: impl Into<String>, why: io::Error) -> Self {
        Failed {
            what: what.into(),
            why,
        }
    }
}

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: {}", self.what, self.why)
    }
}

impl std::error::Error for Failed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.why)
    }
}

/// For `.map_err(...)` on `thread::Builder::spawn` (or `spawn_scoped`):
/// names the thread that could not be started.
pub fn spawn_failed(thread: &str) -> impl FnOnce(io::Error) -> Failed + '_ {
    move |why| Failed::new(format!("spawning thread {thread}"), why)
}

/// What `main` returns for `run()`'s result: success, or the error as one
/// `error: ...` line and exit status 1.
pub fn exit_code(result: Result<(), Failed>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_spawn_reads_as_one_line() {
        let why = io::Error::from_raw_os_error(11);
        let line = spawn_failed("Task 1")(why).to_string();
        assert_eq!(
            line,
            "spawning thread Task 1 failed: Resource temporarily unavailable (os error 11)"
        );
    }
}
