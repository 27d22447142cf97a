//! Guide tip 6, "avoid blocking in async": one blocking call freezes every
//! task on the thread, measured, then fixed three ways.
//!
//! Three §11 clients send three messages each, half a second apart (half
//! the guide's second, so that five runs take ten seconds). In two of the
//! runs client 1 misbehaves: it calls `std::thread::sleep`, or it computes
//! for half a second without an `.await`. Beside the clients, a lag meter
//! task asks for a 10 ms sleep again and again and records how late each one
//! wakes: on a healthy loop a millisecond or two, on a frozen loop as long
//! as the freeze.
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-async --bin blocking-pitfall
//!
//! Look at the two blocked runs: the worst lag is about 1500 ms, client 1's
//! three blocking steps back to back (it never yields in between), and the
//! total grows from 1.5 s to 3 s: `join!` polls the clients one after the
//! other, so client 2 does not even start until client 1 is done, and only
//! then begins its own three waits. Each fix brings the lag back to a few
//! milliseconds (tens on a busy machine) and the total back to 1.5 s.
//!
//! What Rust changes: nothing stops you. `std::thread::sleep` compiles in an
//! `async fn` just as `time.sleep` runs in a coroutine; Clippy does not flag
//! it either. The fixes are the same three as in Python: the async version of
//! the call (`tokio::time::sleep`, like `asyncio.sleep`), a thread for a call
//! that must block (`spawn_blocking`, like `asyncio.to_thread`), and explicit
//! yield points in long computations (`yield_now`, like `asyncio.sleep(0)`).
//!
//! Try: make `STEP` longer and watch the blocked lags grow with it while the
//! fixed ones stay put; or move the CPU loop into `spawn_blocking` too.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long each client waits (or blocks, or computes) per message.
const STEP: Duration = Duration::from_millis(500);
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
async fn main() {
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
}
