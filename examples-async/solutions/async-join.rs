//! Guide §10, exercise `async-join`: a reference solution.
//!
//! `tokio::join!` polls both futures on this one thread: while one waits on
//! its timer, the other runs, so the waits overlap (the `async-await` example).
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
    tokio::join!(task1(), task2());
    println!(
        "Total time: {:.2} seconds",
        start_time.elapsed().as_secs_f64()
    );
}
