//! Guide §6, the cheaper fix for a counter: one atomic read-modify-write.
//!
//! The same two threads and hundred thousand increments as `race`, but the
//! counter is an `AtomicU64` and each increment is one `fetch_add(1)`: the
//! read, the add and the write happen as a single indivisible step, so no
//! other thread can store in between and no update is lost.
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-locks --bin race-atomic
//!
//! Look for `Final counter: 200000`, every run.
//!
//! What Rust changes: Python has no atomic integers to offer; Rust's are in
//! `std`. Why it is cheaper than the `Mutex` of `race`: `fetch_add` is one
//! CPU instruction (`lock xadd` on x86). A mutex needs at least two atomic
//! operations per increment (lock and unlock), and when the other thread
//! holds it, a system call to sleep and another to wake up. An atomic fits
//! when the shared state is one number; when several values must change
//! together, take a `Mutex`. Compare with `race-unlocked`, where the same
//! atomic used as `load` then `store` loses updates.

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
