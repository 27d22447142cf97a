//! Guide §6, synchronization: the cheaper fix for one counter, an atomic add.
//!
//! Run: `cargo run -p examples-locks --bin race-atomic`
//!
//! Look for: `Final counter: 200000`, every run: `fetch_add(1)` reads, adds
//! and writes as one indivisible step, so no update is lost, with no lock.
//!
//! What Rust changes: atomic integers are in `std`. `fetch_add` is one locked
//! instruction on x86; a mutex needs a lock and an unlock, and a sleep and a
//! wake-up when contended. One number: an atomic; several values that change
//! together: a `Mutex`.
//!
//! New here: `AtomicU64`, `fetch_add`, `Ordering::Relaxed`, a `static` shared
//! without `mut`.
//!
//! Try: replace `fetch_add` with a `load` and a `store`, as `race-unlocked`.
//!
//! Copy: std only, no dependencies.

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

/// Atomics need no lock and no `mut`: `fetch_add` takes `&self`, so a plain
/// `static` can be shared by every thread.
static SHARED_COUNTER: AtomicU64 = AtomicU64::new(0);

const INCREMENTS: u64 = 100_000;

fn increment_counter() {
    for _ in 0..INCREMENTS {
        // `Relaxed` is enough: the increments must not be lost, but no other
        // memory is published through this counter. `join` below makes the
        // final value visible to `main`.
        SHARED_COUNTER.fetch_add(1, Ordering::Relaxed);
    }
}

fn main() {
    SHARED_COUNTER.store(0, Ordering::Relaxed);
    let thread1 = thread::spawn(increment_counter);
    let thread2 = thread::spawn(increment_counter);
    // `join` returns `Err` only if the thread panicked.
    thread1.join().unwrap();
    thread2.join().unwrap();
    println!("Final counter: {}", SHARED_COUNTER.load(Ordering::Relaxed));
}
