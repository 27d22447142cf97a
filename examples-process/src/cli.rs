//! Plumbing for the measuring binaries: read a count from the command line,
//! turn `run()`'s result into one `error:` line and an exit status.
//! Each example crate keeps its own copy, so that it stands alone.

use std::ffi::OsString;
use std::process::ExitCode;

/// The command-line argument at `position` (1 is the first) as a positive
/// whole number: `Ok(None)` when it is absent, and when it is not a positive
/// number (or not UTF-8) one error line that names `what`. The measuring
/// binaries read their counts with it:
/// `count_arg(1, "the number of children")?.unwrap_or(100)`.
pub fn count_arg<T>(position: usize, what: &str) -> Result<Option<T>, String>
where
    T: std::str::FromStr + PartialOrd + Default,
{
    // `args_os`: `std::env::args` panics on an argument that is not UTF-8.
    let Some(arg) = std::env::args_os().nth(position) else {
        return Ok(None);
    };
    match arg.to_str().map(str::parse::<T>) {
        Some(Ok(n)) if n > T::default() => Ok(Some(n)),
        _ => Err(format!(
            "{what} must be a positive whole number, got {arg:?}"
        )),
    }
}

/// The argument at `position`, if any, without assuming it is UTF-8.
pub fn arg_os(position: usize) -> Option<OsString> {
    std::env::args_os().nth(position)
}

/// What `main` returns for `run()`'s result: success, or the error printed
/// as one `error: ...` line on stderr and a failure exit status (no panic,
/// no backtrace).
pub fn exit_code(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
