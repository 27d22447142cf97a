//! Guide §3, threads, with `std::thread::scope`: a thread that borrows, joined for you.
//!
//! Run: `cargo run -p examples-threads --bin thread-scope`
//!
//! Look for: the lines of `thread` (the first two in either order), then a
//! last line computed from a counter the thread borrowed mutably.
//!
//! What Rust changes: `thread::spawn` needs a `'static` closure because the
//! thread might outlive `main`'s locals; a scope joins every thread before it
//! returns, so the borrow checker can let them borrow `label` and `printed`.
//!
//! New here: `thread::scope`, `Scope::spawn`, `&mut` borrowed by another thread.
//!
//! Try: read `printed` inside the scope: the compiler refuses (still borrowed).
//!
//! Copy: std only, no dependencies.

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

fn main() {
    let label = String::from("Number");
    let mut printed = 0;
    thread::scope(|s| {
        // Both borrows end when the scope joins this thread.
        s.spawn(|| print_numbers(&label, &mut printed));
        println!("Main program running");
    }); // <- the scope joins its threads here, and panics if one of them panicked
    println!("Thread finished");
    println!("The thread printed {printed} numbers");
}
