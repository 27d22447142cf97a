//! Guide §10, exercise `async-join`: a plausible WRONG solution.
//!
//! `tokio::spawn(task1())` starts task1 on the runtime, but nothing waits
//! for it: `main` ends after task2's second, and the runtime drops task1
//! in the middle of its sleep. Fast, and wrong.
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
    // Wrong: the handle is dropped, so nothing awaits task1.
    tokio::spawn(task1());
    task2().await;
    println!(
        "Total time: {:.2} seconds",
        start_time.elapsed().as_secs_f64()
    );
}
