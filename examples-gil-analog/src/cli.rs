//! Plumbing shared by the crate's measuring binaries: reading the command
//! line, and turning an error into one `error: ...` line and an exit status.
//! (Each example crate keeps its own small copy, so that it stands alone.)

use std::ffi::OsString;
use std::process::ExitCode;

/// The command-line arguments after the program name, at most `names.len()`
/// of them (`names` says what each one is, for the error line).
pub fn args(names: &[&str]) -> Result<Vec<OsString>, String> {
    // `args_os`: `std::env::args` panics on an argument that is not UTF-8.
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    if args.len() > names.len() {
        return Err(match names {
            [] => format!("expected no arguments, got {:?}", args[0]),
            _ => format!(
                "too many arguments: expected at most {}, got {:?}",
                names.join(" "),
                args[names.len()]
            ),
        });
    }
    Ok(args)
}

/// `arg`, if present, as a whole number from 1 to `max`. `what` names it in
/// the error line, which also says why `max` is the limit.
pub fn count(arg: Option<&OsString>, what: &str, max: u64) -> Result<Option<u64>, String> {
    let Some(arg) = arg else {
        return Ok(None);
    };
    match arg.to_str().map(str::parse::<u64>) {
        Some(Ok(n)) if (1..=max).contains(&n) => Ok(Some(n)),
        _ => Err(format!(
            "{what} must be a whole number from 1 to {max}, got {arg:?}"
        )),
    }
}

/// The error line for a thread the OS would not start.
pub fn spawn_failed(e: std::io::Error) -> String {
    format!("thread spawn failed: {e}")
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
