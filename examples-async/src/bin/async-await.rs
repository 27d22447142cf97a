//! Guide §10, async/await: two tasks wait at the same time on one thread.
//!
//! `task1` waits 2 s and `task2` waits 1 s. `tokio::join!` (Rust's answer to
//! `asyncio.gather`) drives both on the same thread: while one is waiting, the
//! other runs. The program takes 2 s, the longest wait, not 1 + 2 = 3 s.
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-async
//!
//! Look for both `starting` lines at once, `Task 2 finished` one second later,
//! `Task 1 finished` one second after that, and `Total time: 2.00 seconds`.
//!
//! What Rust changes: futures are lazy. Calling `task1()` runs none of its
//! body; it only builds a value describing the work. Nothing happens until
//! something polls it: an `.await`, `join!`, or `tokio::spawn`. (A Python
//! coroutine object is inert too, but `asyncio.gather` wraps it in a Task that
//! the loop schedules at once; `join!` instead polls both futures itself, on
//! the current task.) There is no built-in event loop either: the runtime is
//! a library, tokio, and `flavor = "current_thread"` asks for exactly the
//! asyncio model, one thread running every task.
//!
//! Try: replace `tokio::join!(task1(), task2())` with `task1().await;
//! task2().await;` and the total becomes 3 s: awaiting one future at a time
//! is sequential code. Then try `std::thread::sleep` in place of
//! `tokio::time::sleep` (see the `blocking-pitfall` binary for why that
//! freezes everything).

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
    // Two futures, polled in turn by `join!` until both are done. Here is
    // where the concurrency comes from; the calls alone did nothing yet.
    tokio::join!(task1(), task2());
    println!(
        "Total time: {:.2} seconds",
        start_time.elapsed().as_secs_f64()
    );
}
