//! Guide §8, processes: `calculate_squares` runs in a child process made with
//! `fork`, while the parent prints its own line and then waits.
//!
//! The child computes the sum of `i * i` for `i` below one million and sends
//! its `Total:` line back through a pipe; the parent prints
//! `Main program running`, reads the pipe, waits for the child (the guide's
//! `join`) and prints `Time taken`.
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-process
//!
//! Look for `Total: 333332833333500000` and a time of a few milliseconds
//! (the guide shows 0.23 s; CPython 3.11 takes 0.05 s on this project's
//! machine, most of it the interpreter's own arithmetic).
//!
//! What Rust changes: Python's `Process` picks fork or spawn for you and
//! hides both. Here `fork` is an `unsafe` call with a promise attached (no
//! other thread exists), the child ends with `_exit` so it never runs the
//! parent's code after the fork, and its result travels through a pipe the
//! parent reads — in the guide the child prints straight to the terminal and
//! the parent never learns the total. `process-spawn` is the same program
//! the way spawn works (a fresh copy of the binary).
//! Try removing `drop(writer)`: the parent then waits forever for an end of
//! file that its own copy of the pipe's write end prevents.

use std::error::Error;
use std::fs::File;
use std::hint::black_box;
use std::io::Read;
use std::process::ExitCode;
use std::time::Instant;

use examples_process::{fork_child, write_all};

fn calculate_squares() -> u64 {
    let mut total: u64 = 0;
    for i in 0..1_000_000u64 {
        // `black_box` keeps the optimizer from replacing the loop with the
        // closed formula n(n-1)(2n-1)/6: we want the work done, as in Python.
        total += black_box(i) * i;
    }
    total
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("process: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn Error>> {
    let start_time = Instant::now();
    // A pipe is a one-way byte channel with a read end and a write end. Both
    // ends are inherited by the child; each process closes the one it does
    // not use.
    let (reader, writer) = nix::unistd::pipe()?;
    // SAFETY: `main` has started no thread (and `fork_child` checks it), so
    // the child can run ordinary code. It still keeps to formatting on the
    // stack and `write(2)`, the habit that stays correct in threaded
    // programs too.
    let mut process = unsafe {
        fork_child(|| {
            let total = calculate_squares();
            let mut line = [0u8; 64];
            let len = {
                let mut rest = &mut line[..];
                // 64 bytes hold any u64 total, so this cannot fail.
                let _ = std::io::Write::write_fmt(&mut rest, format_args!("Total: {total}\n"));
                64 - rest.len()
            };
            write_all(&writer, &line[..len]);
            0
        })
    }?;
    // The parent's copy of the write end must go, or `read_to_string` below
    // never sees end-of-file: a pipe is at EOF only when every write end,
    // in every process, is closed.
    drop(writer);
    println!("Main program running");

    let mut from_child = String::new();
    File::from(reader).read_to_string(&mut from_child)?;
    // The guide's `process.join()`. `wait` also reaps the child: without it
    // the finished child stays in the process table as a zombie.
    let ended = process.wait()?;
    if !ended.success() || !from_child.starts_with("Total: ") {
        return Err(format!("child {} {ended} without sending its total", process.pid()).into());
    }
    print!("{from_child}");
    println!(
        "Time taken: {:.2} seconds",
        start_time.elapsed().as_secs_f64()
    );
    Ok(())
}
