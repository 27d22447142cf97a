//! Guide §8, processes: `calculate_squares` runs in a child made with `fork`.
//! Look for `Main program running`, then `Total: 333332833333500000` (sent
//! by the child through a pipe) and a time of a few milliseconds.
//! Run: `cargo run -p examples-process`
//! What Rust changes: `fork` is an `unsafe` call (sound while the program has
//! one thread), the child leaves with `_exit`, and `waitpid` is the `join`,
//! which also reaps the child and says how it ended. `process-spawn` does the
//! same the "spawn" way. Try: remove `drop(writer)`: the parent then waits
//! forever for an end of file its own copy of the write end prevents.
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! nix = { version = "0.30", features = ["process"] }
//! ```

use std::{fs::File, hint::black_box, io, io::Write, os::fd::AsFd, time::Instant};

use nix::sys::wait::{WaitStatus, waitpid};
use nix::{
    errno::Errno, unistd::ForkResult, unistd::Pid, unistd::fork, unistd::pipe, unistd::write,
};

/// Runs in the child; its `print` goes into the pipe to the parent.
fn calculate_squares(out: impl AsFd) {
    let mut total: u64 = 0;
    for i in 0..1_000_000u64 {
        // `black_box` keeps the optimizer from using the closed formula.
        total += black_box(i) * i;
    }
    // Rust: the child formats on the stack and makes one `write(2)` call: no
    // lock and no allocation, what a forked child may safely do.
    let mut line = io::Cursor::new([0u8; 64]);
    let _ = writeln!(line, "Total: {total}");
    let _ = write(out, &line.get_ref()[..line.position() as usize]);
}

fn main() {
    let start_time = Instant::now();
    let (reader, writer) = or_exit(pipe(), "pipe");
    // Rust: flush before `fork`, or buffered output is printed twice.
    or_exit(io::stdout().flush(), "flush");
    // Rust: `fork` returns twice: in the parent with the child's pid, and in
    // the child (the `else` branch), which runs the target and never returns.
    // SAFETY: no thread but `main` exists, so the child starts with no lock
    // held by a thread that `fork` did not copy.
    let ForkResult::Parent { child: process } = or_exit(unsafe { fork() }, "fork") else {
        calculate_squares(writer);
        // SAFETY: `_exit` ends the child at once, without running the
        // parent's exit handlers or flushing its buffers a second time.
        unsafe { nix::libc::_exit(0) }
    };
    // Rust: a pipe reads end-of-file only once every write end is closed.
    drop(writer);
    println!("Main program running");
    let from_child = or_exit(io::read_to_string(File::from(reader)), "read");
    join(process);
    print!("{from_child}");
    let time_taken = start_time.elapsed().as_secs_f64();
    println!("Time taken: {time_taken:.2} seconds");
}

/// The guide's `process.join()`: `waitpid` until the child has ended, which
/// also reaps it (a finished child stays a zombie until then).
fn join(process: Pid) {
    loop {
        match waitpid(process, None) {
            Ok(WaitStatus::Exited(_, 0)) => return,
            Ok(WaitStatus::Exited(_, code)) => fail(format!("child exited with {code}")),
            Ok(WaitStatus::Signaled(_, sig, _)) => fail(format!("child killed by {sig:?}")),
            // Rust: Stopped, Continued, ptrace and StillAlive come only with
            // flags not passed here; EINTR means "call again".
            Ok(_) | Err(Errno::EINTR) => {}
            Err(e) => or_exit(Err(e), "waitpid"),
        }
    }
}

/// Rust: a failed call ends the program with one line (`error: fork failed:
/// Resource temporarily unavailable (os error 11)`), not a panic.
fn or_exit<T, E: Into<io::Error>>(result: Result<T, E>, call: &str) -> T {
    result.unwrap_or_else(|e| fail(format!("{call} failed: {}", e.into())))
}

fn fail(message: String) -> ! {
    eprintln!("error: {message}");
    // Like Python at exit, wait for any child already started: no orphan.
    while let Ok(_) | Err(Errno::EINTR) = waitpid(None, None) {}
    std::process::exit(1)
}
