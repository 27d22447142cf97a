//! Guide §10, async/await: two tasks wait at the same time on one thread.
//!
//! Run: `cargo run -p examples-async`
//!
//! Look for: both `starting` lines at once, `Task 2 finished` a second later,
//! `Task 1 finished` a second after that: `Total time: 2.00 seconds`, not 3.
//!
//! What Rust changes: futures are lazy: calling `task1()` runs none of it.
//!
//! New here: `async fn`, `.await`, `#[tokio::main]`, `tokio::join!`, a crate.
//!
//! Try: `task1().await; task2().await;` instead of `join!`: 3 s.
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
    // `.await` hands the thread back to the runtime until the timer fires.
    tokio::time::sleep(Duration::from_secs(2)).await;
    println!("Task 1 finished");
}

async fn task2() {
    println!("Task 2 starting");
    tokio::time::sleep(Duration::from_secs(1)).await;
    println!("Task 2 finished");
}

// The attribute turns `async fn main` into a plain `fn main` that builds a
// runtime and blocks on this future, like `asyncio.run(main())`.
// `current_thread` keeps everything on this one thread (the default,
// multi-threaded flavor would also need tokio's `rt-multi-thread` feature).
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let start_time = Instant::now();
    // The calls made two futures and ran nothing. `join!` polls both in turn,
    // inside this one task, until both are done: the concurrency is here.
    // (`asyncio.gather` instead wraps each coroutine in a Task of the loop.)
    tokio::join!(task1(), task2());
    println!(
        "Total time: {:.2} seconds",
        start_time.elapsed().as_secs_f64()
    );
}
