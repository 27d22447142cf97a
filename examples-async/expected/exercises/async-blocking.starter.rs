//! Guide tip 6 ("avoid blocking in async"), exercise `async-blocking`: one
//! client computes without `.await` and freezes every task on the thread.
//!
//! Goal: the lag meter's worst lag stays at 100 ms or less while client 1
//! still does its three 0.5 s computations, and the total is 1.5 s, not 3.
//! Run: `cargo run -p examples-async --example async-blocking`.
//! Check: `cargo xtask exercise async-blocking` (`--watch` checks again on every
//! save, `--hint` gives a first hint, `--reset` starts again).
//! What Rust changes: nothing stops you: a CPU loop compiles in an
//! `async fn` as it runs in a coroutine. The fixes are Python's:
//! `spawn_blocking` (`asyncio.to_thread`) moves the work to another thread;
//! `yield_now().await` (`asyncio.sleep(0)`) every millisecond lets others run.
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! tokio = { version = "1.48", features = ["rt", "macros", "time"] }
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const STEP: Duration = Duration::from_millis(500);
const TICK: Duration = Duration::from_millis(10);

/// Keeps a core busy for `duration`.
fn compute_for(duration: Duration) {
    let start = Instant::now();
    let mut x = 0u64;
    while start.elapsed() < duration {
        x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
    }
}

async fn handle_client(client_id: u32) {
    for _ in 0..3 {
        if client_id == 1 {
            // TODO: 0.5 s without an `.await`: nothing else on this thread
            // runs meanwhile, not even the lag meter's timer.
            compute_for(STEP);
        } else {
            tokio::time::sleep(STEP).await;
        }
    }
}

/// Sleeps `TICK` again and again; records the worst overshoot (µs).
async fn lag_meter(worst: Arc<AtomicU64>) {
    loop {
        let asked = Instant::now();
        tokio::time::sleep(TICK).await;
        let late = asked.elapsed().saturating_sub(TICK);
        worst.fetch_max(late.as_micros() as u64, Ordering::Relaxed);
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let worst = Arc::new(AtomicU64::new(0));
    let meter = tokio::spawn(lag_meter(worst.clone()));
    // Let the meter start its first sleep before any client can block.
    tokio::task::yield_now().await;
    let start = Instant::now();
    tokio::join!(handle_client(0), handle_client(1), handle_client(2));
    let total = start.elapsed();
    meter.abort();
    let lag = worst.load(Ordering::Relaxed) / 1000;
    println!(
        "Total time: {:.2} seconds, worst lag {lag} ms",
        total.as_secs_f64()
    );
}
