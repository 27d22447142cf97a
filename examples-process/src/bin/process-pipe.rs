//! Guide §8, processes, extra: the child sends its total back through a pipe, so the parent has
//! the number (the guide's child only prints it).
//!
//! Run: `cargo run -p examples-process --bin process-pipe`
//!
//! Look for: `Main program running`, then `Total: 333332833333500000`, printed by the parent.
//!
//! What Rust changes: each end of the pipe is an `OwnedFd`, closed when dropped; the reader sees
//! end-of-file only once every copy of the write end is closed, the parent's included.
//!
//! New here: `nix::unistd::pipe`, `OwnedFd`, `File::from`, `io::read_to_string`, `fork_child`.
//!
//! Try: remove `drop(writer)`: the parent waits forever for an end-of-file that its own copy of
//! the write end prevents.
//!
//! Copy: uses this crate's library (`examples_process::{fork_child, write_all}`), not standalone.

use std::fs::File;
use std::hint::black_box;
use std::io;
use std::process::ExitCode;
use std::time::Instant;

use examples_process::{exit_code, fork_child, write_all};

fn calculate_squares() -> u64 {
    let mut total: u64 = 0;
    for i in 0..1_000_000u64 {
        // `black_box` keeps the optimizer from using the closed formula.
        total += black_box(i) * i;
    }
    total
}

fn main() -> ExitCode {
    exit_code(run())
}

fn run() -> Result<(), String> {
    let start_time = Instant::now();
    let (reader, writer) = nix::unistd::pipe().map_err(|e| format!("pipe failed: {e}"))?;
    // SAFETY: no thread but `main` exists, so the child may run ordinary Rust
    // (`format!` included); `fork_child` checks that too, on Linux.
    let child = unsafe {
        fork_child(|| {
            let line = format!("Total: {}\n", calculate_squares());
            write_all(&writer, line.as_bytes());
            0
        })
    };
    let mut child = child.map_err(|e| e.to_string())?;
    // The parent's copy of the write end: without this `drop`, the read below never ends.
    drop(writer);
    println!("Main program running");
    let from_child =
        io::read_to_string(File::from(reader)).map_err(|e| format!("read failed: {e}"))?;
    let ended = child.wait().map_err(|e| format!("waitpid failed: {e}"))?;
    if !ended.success() || !from_child.starts_with("Total: ") {
        return Err(format!(
            "child {} {ended} without sending its total",
            child.pid()
        ));
    }
    print!("{from_child}");
    let time_taken = start_time.elapsed().as_secs_f64();
    println!("Time taken: {time_taken:.2} seconds");
    Ok(())
}
