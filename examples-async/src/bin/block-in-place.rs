//! Guide extra answer 3, a server that must call blocking code: tokio's
//! `block_in_place` works on a multi-thread runtime and panics on `current_thread`.
//!
//! Run: `cargo run -p examples-async --bin block-in-place`
//!
//! Look for: the two fixes first (each returns after the 0.20 s blocking call
//! while a timer task beside it keeps ticking), then, on purpose, the panic:
//! "can call blocking only when running on the multi-threaded runtime", and
//! exit status 101.
//!
//! What Rust changes: the check is at run time, not compile time: the same
//! call compiles on both runtimes. `block_in_place` needs tokio's
//! `rt-multi-thread` feature (and that runtime); `spawn_blocking` works on both.
//!
//! New here: `runtime::Builder` (a runtime built by hand), `block_on`.
//!
//! Try: move the pitfall first, or give the multi-thread runtime 1 worker.
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! tokio = { version = "1.48", features = ["rt", "rt-multi-thread", "time"] }
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::runtime::{Builder, Runtime};

const BLOCKING_CALL: Duration = Duration::from_millis(200);
const TICK: Duration = Duration::from_millis(10);

/// The blocking call: a stand-in for a synchronous library.
fn blocking_query() -> &'static str {
    std::thread::sleep(BLOCKING_CALL);
    "done"
}

/// Runs `call` on `runtime` beside a ticker task; prints how long the call
/// took and how often the ticker ran meanwhile.
fn with_ticker<F: Future<Output = &'static str> + Send + 'static>(
    label: &str,
    runtime: Runtime,
    call: F,
) {
    let ticks = Arc::new(AtomicUsize::new(0));
    let counter = ticks.clone();
    let start = Instant::now();
    let result = runtime.block_on(async move {
        let ticker = tokio::spawn(async move {
            loop {
                tokio::time::sleep(TICK).await;
                counter.fetch_add(1, Ordering::SeqCst);
            }
        });
        let result = tokio::spawn(call).await.expect("the call's task panicked");
        ticker.abort();
        result
    });
    let elapsed = start.elapsed().as_secs_f64();
    let ticks = ticks.load(Ordering::SeqCst);
    println!("{label:<50} {result} after {elapsed:.2} s, the ticker ran {ticks} times meanwhile");
}

/// A runtime, or one error line and exit status 1.
fn build(builder: &mut Builder) -> Runtime {
    builder.enable_all().build().unwrap_or_else(|e| {
        eprintln!("error: building the tokio runtime failed: {e}");
        std::process::exit(1);
    })
}

/// tokio panics when the OS refuses it a thread. Ask for as many as this
/// program uses at once first (2 workers and a blocking thread), through
/// `thread::Builder`, so that a low thread limit is one error line.
fn check_threads(n: usize) -> std::io::Result<()> {
    let nap = || std::thread::sleep(Duration::from_millis(20));
    let threads: Vec<_> = (0..n)
        .map(|_| std::thread::Builder::new().spawn(nap))
        .collect::<Result<_, _>>()?;
    threads
        .into_iter()
        .for_each(|t| t.join().expect("a nap cannot panic"));
    Ok(())
}

fn main() {
    if let Err(e) = check_threads(3) {
        eprintln!(
            "error: this program needs 3 threads beside main: thread::Builder::spawn failed: {e}"
        );
        std::process::exit(1);
    }
    let multi = build(Builder::new_multi_thread().worker_threads(2));
    with_ticker(
        "fix 1: block_in_place on a multi_thread runtime:",
        multi,
        async {
            // This worker hands its other tasks to another thread, then blocks.
            tokio::task::block_in_place(blocking_query)
        },
    );
    let current = build(&mut Builder::new_current_thread());
    with_ticker(
        "fix 2: spawn_blocking on a current_thread runtime:",
        current,
        async {
            // The call runs on tokio's blocking thread pool; this task awaits it.
            tokio::task::spawn_blocking(blocking_query)
                .await
                .expect("no panic")
        },
    );
    println!("the pitfall: block_in_place on a current_thread runtime (it panics):");
    let current = build(&mut Builder::new_current_thread());
    current.block_on(async { tokio::task::block_in_place(blocking_query) });
    unreachable!("block_in_place returned on a current_thread runtime");
}
