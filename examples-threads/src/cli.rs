//! Command-line plumbing for this crate's measuring binaries: read a count
//! argument, refuse one that cannot fit, and turn `run()`'s error into one
//! `error:` line on stderr and a failure exit status. Each example crate
//! keeps its own copy, so that it stands alone.

use std::process::ExitCode;

/// The most threads Linux can ever run at once: every thread needs a task
/// id, and ids stop at `PID_MAX_LIMIT` (4,194,304 on 64-bit kernels).
pub const MAX_THREADS: u64 = 4 * 1024 * 1024;

/// The argument at `position` (1 is the first) as a whole number from 1 to
/// `max`: `Ok(None)` when it is absent, one error line naming `what` when it
/// is not UTF-8, not a positive number, or larger than `max` (checked before
/// the caller allocates anything for it).
pub fn count_arg<T: TryFrom<u64>>(
    position: usize,
    what: &str,
    max: u64,
) -> Result<Option<T>, String> {
    let Some(arg) = std::env::args_os().nth(position) else {
        return Ok(None);
    };
    let text = arg.to_str().ok_or_else(|| {
        format!("{what} must be a positive whole number, got {arg:?} (not UTF-8)")
    })?;
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    let too_large = || format!("{what} must be at most {max}, got {text}");
    match text.parse::<u64>() {
        Ok(n) if (1..=max).contains(&n) => T::try_from(n).map(Some).map_err(|_| too_large()),
        // All digits but unparsable: more than u64::MAX.
        _ if digits && !text.trim_start_matches('0').is_empty() => Err(too_large()),
        _ => Err(format!(
            "{what} must be a positive whole number, got {text:?}"
        )),
    }
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
