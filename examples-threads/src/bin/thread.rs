//! Guide §3, threads: one spawned thread counts while `main` carries on.
//!
//! Look at the first two lines: nothing orders two threads' first prints, so
//! `Main program running` and `Number: 0` come in either order (run it a few
//! times). After them the sleeps and `join` order everything.
//!
//! Run: `cargo run -p examples-threads`
//!
//! What Rust changes: no GIL, so both threads may run at the same instant;
//! `join()` hands back the thread's panic as an `Err`; `Builder::spawn`
//! returns the OS's refusal as an error where `thread::spawn` would panic.
//!
//! Try: delete the `join` line: `main` returning ends the counting thread.
//!
//! Copy: std only, no dependencies.

use std::process::ExitCode;
use std::thread;
use std::time::Duration;

fn print_numbers() {
    for i in 0..5 {
        println!("Number: {i}");
        thread::sleep(Duration::from_secs(1));
    }
}

fn main() -> ExitCode {
    // A plain function is a closure too: `spawn` needs something it can call
    // once on the new thread, with no borrowed data (`'static`).
    let thread = match thread::Builder::new().spawn(print_numbers) {
        Ok(thread) => thread,
        Err(e) => {
            eprintln!("error: thread::Builder::spawn failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("Main program running");
    // `join` waits for `print_numbers` to return. `unwrap`: its only error
    // is a panic inside the thread, a bug to surface.
    thread.join().unwrap();
    println!("Thread finished");
    ExitCode::SUCCESS
}
