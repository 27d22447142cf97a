//! Command-line plumbing shared by the measuring binaries of this crate
//! (`task-memory`, `task-startup`, `task-switch`, `task-sleepers`, run by
//! `cargo xtask bench`); the lesson binaries do not need it.

/// The command-line argument at `position` (1 is the first) as a positive
/// whole number: `Ok(None)` when it is absent, and when it is not a positive
/// number one error line that names `what`. The measuring binaries read
/// their counts with it: `count_arg(1, "the number of threads")?.unwrap_or(100)`.
/// Each example crate keeps its own copy, so that it stands alone.
pub fn count_arg<T>(position: usize, what: &str) -> Result<Option<T>, String>
where
    T: std::str::FromStr + PartialOrd + Default,
{
    let Some(text) = std::env::args().nth(position) else {
        return Ok(None);
    };
    match text.parse::<T>() {
        Ok(n) if n > T::default() => Ok(Some(n)),
        _ => Err(format!(
            "{what} must be a positive whole number, got {text:?}"
        )),
    }
}

/// What `main` returns for `run()`'s result: success, or the error printed
/// as one `error: ...` line on stderr and a failure exit status (no panic,
/// no backtrace).
pub fn exit_code(result: Result<(), String>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
