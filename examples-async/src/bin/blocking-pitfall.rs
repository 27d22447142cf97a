//! Guide tip 6, avoid blocking in async: one blocking call freezes every task
//! on the thread, measured by a lag meter, then fixed three ways.
//!
//! Run: `cargo run -p examples-async --bin blocking-pitfall`
//!
//! Look for: the two blocked runs: worst lag about 600 ms (client 1's three
//! blocking steps back to back) and the total doubled from 0.6 s to 1.2 s;
//! each fix brings the lag back to milliseconds and the total to 0.6 s.
//!
//! What Rust changes: nothing stops you: `std::thread::sleep` compiles in an
//! `async fn`. The fixes are Python's: the async call, a thread for a call
//! that must block (`spawn_blocking`), yield points (`yield_now`).
//!
//! New here: `spawn_blocking`, `yield_now`, `tokio::spawn` for the lag meter.
//!
//! Try: make `STEP` longer: the blocked lags grow, the fixed ones stay.
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! tokio = { version = "1.48", features = ["rt", "macros", "time"] }
//! ```

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long each client waits (or blocks, or computes) per message.
const STEP: Duration = Duration::from_millis(200);
/// The lag meter's heartbeat.
const TICK: Duration = Duration::from_millis(10);

/// What client 1 does between its messages (the others always await).
#[derive(Clone, Copy)]
enum Step {
    ThreadSleep,   // the pitfall: blocks the runtime's only thread
    TokioSleep,    // fix 1: the async sleep gives the thread back
    SpawnBlocking, // fix 2: the blocking call moves to tokio's thread pool
    CpuLoop,       // the pitfall again: computing without any `.await`
    CpuYielding,   // fix 3: the same computation, yielding every millisecond
}

/// Spins the CPU for `duration` (time-bound, so runs are comparable on a
/// busy machine); `black_box` keeps the compiler from deleting the work.
fn compute_for(duration: Duration) {
    let start = Instant::now();
    let mut x = 0u64;
    while start.elapsed() < duration {
        x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
    }
}

async fn handle_client(client_id: u32, step: Step) {
    for _ in 0..3 {
        match (client_id, step) {
            (1, Step::ThreadSleep) => std::thread::sleep(STEP),
            (1, Step::SpawnBlocking) => {
                // The closure runs on another thread; this task awaits it.
                // `expect`: the only error is a panic inside the closure.
                let sleeper = tokio::task::spawn_blocking(|| std::thread::sleep(STEP));
                sleeper.await.expect("the blocking sleep panicked");
            }
            (1, Step::CpuLoop) => compute_for(STEP),
            (1, Step::CpuYielding) => {
                let start = Instant::now();
                while start.elapsed() < STEP {
                    compute_for(Duration::from_millis(1));
                    // Back to the runtime, which runs whatever else is ready
                    // (and checks its timers) before resuming this task.
                    tokio::task::yield_now().await;
                }
            }
            _ => tokio::time::sleep(STEP).await,
        }
    }
}

/// Sleeps `TICK` forever and records the worst overshoot, in microseconds.
async fn lag_meter(worst: Arc<AtomicU64>) {
    loop {
        let asked = Instant::now();
        tokio::time::sleep(TICK).await;
        let late = asked.elapsed().saturating_sub(TICK);
        worst.fetch_max(late.as_micros() as u64, Ordering::Relaxed);
    }
}

/// Runs the three clients beside the lag meter; returns (total, worst lag).
async fn run(step: Step) -> (Duration, Duration) {
    let worst = Arc::new(AtomicU64::new(0));
    // A separate task, not a `join!` branch: even an independent task
    // freezes, because there is only one thread to run it on.
    let meter = tokio::spawn(lag_meter(worst.clone()));
    // Let the meter start its first sleep before any client can block.
    tokio::task::yield_now().await;
    let start = Instant::now();
    tokio::join!(
        handle_client(0, step),
        handle_client(1, step),
        handle_client(2, step)
    );
    let total = start.elapsed();
    meter.abort();
    (total, Duration::from_micros(worst.load(Ordering::Relaxed)))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    // `spawn_blocking` panics when the OS refuses its thread: ask the OS
    // first, under the same limits, so that a refusal is one line instead.
    let probe = std::thread::Builder::new().spawn(|| ());
    if let Err(e) = probe.map(|thread| thread.join()) {
        eprintln!("error: spawn_blocking will need a thread: thread::Builder::spawn failed: {e}");
        return ExitCode::FAILURE;
    }
    let runs = [
        (Step::ThreadSleep, "client 1 calls std::thread::sleep"),
        (Step::TokioSleep, "fix: tokio::time::sleep(..).await"),
        (Step::SpawnBlocking, "fix: spawn_blocking(thread::sleep)"),
        (Step::CpuLoop, "client 1 computes without .await"),
        (Step::CpuYielding, "fix: yield_now() every millisecond"),
    ];
    for (step, what) in runs {
        let (total, lag) = run(step).await;
        println!(
            "{what:<36} total {:.2} s, worst lag {} ms",
            total.as_secs_f64(),
            lag.as_millis()
        );
    }
    ExitCode::SUCCESS
}
