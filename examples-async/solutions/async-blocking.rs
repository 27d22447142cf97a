//! Guide tip 6, exercise `async-blocking`: a reference solution.
//!
//! The computation runs on tokio's blocking pool (`spawn_blocking`), and
//! client 1 awaits it, so the runtime's one thread stays free for the other
//! clients and the lag meter. (`yield_now().await` every millisecond of
//! computing works too: see the `blocking-pitfall` example.)
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
            // Another thread computes; this task awaits its end.
            let work = tokio::task::spawn_blocking(|| compute_for(STEP));
            work.await.expect("the computation panicked");
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
