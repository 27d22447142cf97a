//! Command-line plumbing for this crate's binaries: read a count argument,
//! refuse one that cannot fit before anything is allocated, and turn
//! `run()`'s error into one `error:` line on stderr and a failure exit
//! status. Each example crate keeps its own copy, so that it stands alone.

use std::process::ExitCode;

/// The argument at `position` (1 is the first) as a whole number from 1 to
/// `max`: `Ok(None)` when it is absent, one error line naming `what` when it
/// is not UTF-8, not a positive number, or larger than `max`.
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

/// Refuses `n` items of at least `bytes_each` bytes when they need more
/// memory than the machine has available now (`MemAvailable`), so that an
/// impossible count is one error line instead of an allocation failure
/// that aborts the process halfway.
pub fn fits_in_memory(n: usize, bytes_each: usize, what: &str) -> Result<(), String> {
    let path = "/proc/meminfo";
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(()); // not Linux: let the allocator decide
    };
    let available_kib: u64 = text
        .lines()
        .find_map(|line| line.strip_prefix("MemAvailable:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("no MemAvailable line in {path}"))?;
    let needed = (n as u128) * (bytes_each as u128);
    let available = u128::from(available_kib) * 1024;
    if needed > available {
        return Err(format!(
            "{n} {what} need at least {} MiB ({bytes_each} bytes each), more than the {} MiB available (MemAvailable)",
            needed >> 20,
            available >> 20
        ));
    }
    Ok(())
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
