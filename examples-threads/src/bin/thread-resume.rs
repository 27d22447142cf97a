//! Guide extra answer 1, when a waiting thread resumes: once its event has
//! happened *and* the OS has put it back on a core. Fires each event (a
//! sleep's deadline, a channel `send`, `notify_one`, `unpark`) ten times while
//! another thread waits, and prints the median and worst wake-up latency.
//!
//! Run: `cargo run -p examples-threads --bin thread-resume`
//!
//! Look for: the medians: microseconds on an idle machine, milliseconds when
//! runnable threads queue for the cores.
//!
//! What Rust changes: no GIL to take back after waking. A `Condvar` or `park`
//! may wake spuriously, so both waits re-check their condition in a loop.
//!
//! New here: `Condvar`, `thread::park` and `Thread::unpark`, `mpsc::channel`.
//!
//! Try: a `thread::sleep(1 ms)` polling loop instead of `park` (~1 ms).
//!
//! Copy: std only, no dependencies.

use std::process::ExitCode;
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How many times each event is measured.
const ROUNDS: usize = 10;
/// How long the event's thread waits before firing, so that the waiter is
/// already blocked (otherwise we would time a thread that never slept).
const SETTLE: Duration = Duration::from_millis(20);
const NAP: Duration = Duration::from_millis(50);

/// `thread::spawn`, but the OS's refusal is an error line, not a panic.
fn spawn(what: &str, f: impl FnOnce() + Send + 'static) -> Result<JoinHandle<()>, String> {
    thread::Builder::new()
        .spawn(f)
        .map_err(|e| format!("thread::Builder::spawn failed for the {what} waiter: {e}"))
}

/// Prints the median and the worst latency, in milliseconds.
fn report(what: &str, after: &str, mut latencies: Vec<Duration>) {
    latencies.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = latencies[latencies.len() / 2];
    let worst = latencies[latencies.len() - 1];
    println!(
        "{what}: resumed {:.3} ms after {after} (median of {ROUNDS}; worst {:.3} ms)",
        ms(median),
        ms(worst)
    );
}

/// Sleep: the event is the deadline. A sleep never ends early; the
/// latency is how late it ends.
fn sleep_latency() -> Vec<Duration> {
    (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            thread::sleep(NAP);
            start.elapsed().saturating_sub(NAP)
        })
        .collect()
}

/// Channel: the event is a `send`; the message carries the moment it was
/// sent, the waiter sends back how long it took to get it.
fn channel_latency() -> Result<Vec<Duration>, String> {
    let (event_tx, event_rx) = mpsc::channel::<Instant>();
    let (report_tx, report_rx) = mpsc::channel();
    let waiter = spawn("channel", move || {
        for sent_at in event_rx {
            let _ = report_tx.send(sent_at.elapsed());
        }
    })?;
    let mut latencies = Vec::new();
    for _ in 0..ROUNDS {
        thread::sleep(SETTLE);
        let _ = event_tx.send(Instant::now());
        // One event at a time: wait for this round's report.
        latencies.extend(report_rx.recv());
    }
    // Ends the waiter's loop, then `join` it; a panic there is a bug.
    drop(event_tx);
    waiter.join().unwrap();
    Ok(latencies)
}

/// Condvar: the event is `notify_one` after a state change under the mutex.
fn condvar_latency() -> Result<Vec<Duration>, String> {
    let shared = Arc::new((Mutex::new(None::<Instant>), Condvar::new()));
    let (report_tx, report_rx) = mpsc::channel();
    let waiter_shared = Arc::clone(&shared);
    let waiter = spawn("Condvar", move || {
        let (state, changed) = &*waiter_shared;
        for _ in 0..ROUNDS {
            // `wait_while` releases the lock while blocked and re-checks the
            // condition after every wake-up, spurious ones included.
            // `unwrap`: a poisoned lock means the other thread panicked.
            let mut stamp = changed
                .wait_while(state.lock().unwrap(), |stamp| stamp.is_none())
                .unwrap();
            let latency = stamp.take().map(|notified_at| notified_at.elapsed());
            drop(stamp);
            let _ = report_tx.send(latency);
        }
    })?;
    let (state, changed) = &*shared;
    let mut latencies = Vec::new();
    for _ in 0..ROUNDS {
        thread::sleep(SETTLE);
        *state.lock().unwrap() = Some(Instant::now());
        changed.notify_one();
        latencies.extend(report_rx.recv().ok().flatten());
    }
    waiter.join().unwrap();
    Ok(latencies)
}

/// Park: the event is `unpark` on the waiting thread's handle.
fn park_latency() -> Result<Vec<Duration>, String> {
    let stamp = Arc::new(Mutex::new(None::<Instant>));
    let (report_tx, report_rx) = mpsc::channel();
    let waiter_stamp = Arc::clone(&stamp);
    let waiter = spawn("park", move || {
        for _ in 0..ROUNDS {
            // `park` may return without an `unpark`: loop until the stamp is
            // really there. The guard is a temporary, dropped before `park`.
            let unparked_at = loop {
                if let Some(at) = waiter_stamp.lock().unwrap().take() {
                    break at;
                }
                thread::park();
            };
            let _ = report_tx.send(unparked_at.elapsed());
        }
    })?;
    let mut latencies = Vec::new();
    for _ in 0..ROUNDS {
        thread::sleep(SETTLE);
        *stamp.lock().unwrap() = Some(Instant::now());
        waiter.thread().unpark();
        latencies.extend(report_rx.recv());
    }
    waiter.join().unwrap();
    Ok(latencies)
}

fn run() -> Result<(), String> {
    println!("Wake-up latency: from the event to the waiting thread running again");
    report("thread::sleep(50 ms)", "its deadline", sleep_latency());
    report("channel recv", "the send", channel_latency()?);
    report("Condvar::wait_while", "notify_one", condvar_latency()?);
    report("thread::park", "unpark", park_latency()?);

    // An `unpark` that comes first is not lost: it leaves a token, and the
    // next `park` consumes it and returns at once.
    thread::current().unpark();
    let start = Instant::now();
    thread::park();
    println!(
        "unpark before park: park returned after {:.3} ms (the wake-up was kept)",
        start.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
