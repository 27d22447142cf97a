//! Guide §10, exercise `async-join`: two tasks awaited one after the other.
//!
//! Goal: both tasks start at once and the program takes 2 s, the longest
//! wait, not 2 + 1 = 3 s; `Task 2 finished` comes a second before `Task 1
//! finished`. The grader times the run itself.
//! Run: `cargo run -p examples-async --example async-join`.
//! Check: `cargo xtask exercise async-join` (`--watch` checks again on every
//! save, `--hint` gives a first hint, `--reset` starts again).
//! What Rust changes: futures are lazy: `task1()` only builds a value, and
//! awaiting it runs it to the end before the next line. `tokio::join!`
//! (Rust's `asyncio.gather`) polls several futures in turn on one thread.
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! tokio = { version = "1.48", features = ["rt", "macros", "time"] }
//! ```

use std::time::{Duration, Instant};

async fn task1() {
    println!("Task 1 starting");
    tokio::time::sleep(Duration::from_secs(2)).await;
    println!("Task 1 finished");
}

async fn task2() {
    println!("Task 2 starting");
    tokio::time::sleep(Duration::from_secs(1)).await;
    println!("Task 2 finished");
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let start_time = Instant::now();
    // TODO: task2 does not start until task1 has finished.
    task1().await;
    task2().await;
    println!(
        "Total time: {:.2} seconds",
        start_time.elapsed().as_secs_f64()
    );
}
