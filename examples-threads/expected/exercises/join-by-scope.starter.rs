//! Guide §3, exercise `join-by-scope`: a thread that `main` never waits for.
//!
//! Goal: `Number: 0` to `Number: 4` all print and `Thread finished` comes
//! after the thread has ended, without calling `join`: put the spawn inside
//! `thread::scope`, which waits for every thread spawned in it. The grader
//! times the run, so a `sleep` that only makes the output look ordered fails.
//! Run: `cargo run -p examples-threads --example join-by-scope`.
//! Check: `cargo xtask exercise join-by-scope` (`--watch` checks again on every
//! save, `--hint` gives a first hint, `--reset` starts again).
//! What Rust changes: a scoped thread may borrow `main`'s locals, because
//! the scope cannot end before the thread does.
//!
//! Copy: std only, no dependencies.

use std::thread;
use std::time::Duration;

fn print_numbers() {
    for i in 0..5 {
        println!("Number: {i}");
        thread::sleep(Duration::from_secs(1));
    }
}

fn main() {
    // TODO: nothing waits for this thread: `main` returns at once and the
    // process ends, taking the counting thread with it.
    thread::spawn(print_numbers);
    println!("Main program running");
    println!("Thread finished");
}
