//! Guide §3 with `std::thread::scope`: a thread that borrows, joined for you.
//!
//! Look for the lines of `thread` (the first two in either order), then a
//! last line computed from a counter the thread borrowed mutably.
//!
//! Run: `cargo run -p examples-threads --bin thread-scope`
//!
//! What Rust changes: `thread::spawn` needs a `'static` closure because the
//! thread might outlive `main`'s locals; a scope joins every thread before it
//! returns, so the borrow checker can let them borrow `label` and `printed`.
//!
//! Try: read `printed` inside the scope: the compiler refuses (still borrowed).
//!
//! Copy: std only, no dependencies.

use std::process::ExitCode;
use std::thread;
use std::time::Duration;

/// Borrows the label to print and a counter it updates.
fn print_numbers(label: &str, printed: &mut u32) {
    for i in 0..5 {
        println!("{label}: {i}");
        *printed += 1;
        thread::sleep(Duration::from_secs(1));
    }
}

fn main() -> ExitCode {
    let label = String::from("Number");
    let mut printed = 0;
    let spawned = thread::scope(|s| {
        // Both borrows end when the scope joins this thread.
        let spawned =
            thread::Builder::new().spawn_scoped(s, || print_numbers(&label, &mut printed));
        if spawned.is_ok() {
            println!("Main program running");
        }
        spawned.map(|_| ())
    }); // <- every thread of the scope is joined here; a panic in one resurfaces here
    if let Err(e) = spawned {
        eprintln!("error: thread::Builder::spawn_scoped failed: {e}");
        return ExitCode::FAILURE;
    }
    println!("Thread finished");
    println!("The thread printed {printed} numbers");
    ExitCode::SUCCESS
}
