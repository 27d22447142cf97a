//! Guide §8, processes, the "spawn" way: the child is a fresh run of this same binary, started
//! with `--child calculate_squares`, whose stdout is a pipe to the parent.
//!
//! Run: `cargo run -p examples-process --bin process-spawn`
//!
//! Look for: the same three lines as `process`; starting a program costs an `exec` and its
//! loading, about a millisecond more.
//!
//! What Rust changes: no `unsafe`: `std::process::Command` is safe from any thread. The child
//! runs `main` again and learns its role from its arguments.
//!
//! New here: `Command`, `Stdio::piped`, `wait_with_output`, `current_exe`, `args_os`.
//!
//! Try: run the child role by hand, `cargo run -p examples-process --bin process-spawn --
//! --child calculate_squares`.
//!
//! Copy: std only, no dependencies.

use std::error::Error;
use std::hint::black_box;
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

/// The argument that turns this binary into the child.
const CHILD_ROLE: [&str; 2] = ["--child", "calculate_squares"];

fn calculate_squares() -> u64 {
    let mut total: u64 = 0;
    for i in 0..1_000_000u64 {
        // `black_box` keeps the optimizer from replacing the loop with the
        // closed formula: we want the work done, as in Python.
        total += black_box(i) * i;
    }
    total
}

fn main() -> ExitCode {
    // `args_os`: `std::env::args` would panic on an argument that is not UTF-8.
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    if args == CHILD_ROLE {
        // The child: do the work, print the result on stdout, exit 0.
        println!("Total: {}", calculate_squares());
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn Error>> {
    let start_time = Instant::now();
    // `current_exe` is this binary's path; running it again with the child
    // role is Python's spawn in two lines. Its stdout becomes a pipe to us;
    // its stderr stays ours, so a child's error message still reaches you.
    let program = std::env::current_exe().map_err(|e| format!("current_exe failed: {e}"))?;
    let process = Command::new(program)
        .args(CHILD_ROLE)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawn failed: {e}"))?;
    println!("Main program running");
    // `wait_with_output` reads the pipe to its end and then waits for the
    // child (the guide's `join`), which also reaps it.
    let pid = process.id();
    let output = process.wait_with_output()?;
    let from_child = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || !from_child.starts_with("Total: ") {
        let ended = output.status; // Display: `exit status: 3`, `signal: 9 (SIGKILL)`
        return Err(format!("child {pid} ended ({ended}) without sending its total").into());
    }
    print!("{from_child}");
    println!(
        "Time taken: {:.2} seconds",
        start_time.elapsed().as_secs_f64()
    );
    Ok(())
}
