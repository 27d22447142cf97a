//! Guide §3 with `std::thread::scope`: threads that borrow, joined for you.
//!
//! `thread::spawn` demands a `'static` closure because the new thread might
//! outlive the function that started it. A scope removes that doubt: every
//! thread spawned inside `thread::scope` is joined before the scope returns,
//! so the threads may borrow `main`'s locals, even mutably.
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-threads --bin thread-scope
//!
//! Look for the same lines as `thread` (the first two in either order), then
//! a last line computed from a variable the thread borrowed mutably.
//!
//! What Rust changes: the borrow checker proves that `label` outlives the
//! thread and that nobody else touches `printed` while it runs. Try using
//! `printed` in `main` inside the scope: the compiler refuses, because the
//! thread still holds the mutable borrow.

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
    }); // <- every thread of the scope is joined here; a panic in one resurfaces here
    println!("Thread finished");
    println!("The thread printed {printed} numbers");
}
