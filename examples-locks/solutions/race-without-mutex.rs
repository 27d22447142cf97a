//! Guide §6, exercise `race-without-mutex`: a reference solution.
//!
//! `fetch_add` reads, adds and writes in one atomic step: no other thread
//! can come between, so no update is lost (the `race-atomic` example).
//!
//! Copy: std only, no dependencies.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::thread;

static SHARED_COUNTER: AtomicU64 = AtomicU64::new(0);
const INCREMENTS: u64 = 10_000_000;

/// A start line, so that both threads count at the same moment.
static READY: AtomicUsize = AtomicUsize::new(0);

fn increment_counter() {
    READY.fetch_add(1, Ordering::SeqCst);
    while READY.load(Ordering::SeqCst) < 2 {
        std::hint::spin_loop();
    }
    for _ in 0..INCREMENTS {
        // One read-modify-write: nothing can slip in between.
        SHARED_COUNTER.fetch_add(1, Ordering::Relaxed);
    }
}

fn main() {
    let thread1 = thread::spawn(increment_counter);
    let thread2 = thread::spawn(increment_counter);
    thread1.join().unwrap();
    thread2.join().unwrap();
    let total = 2 * INCREMENTS;
    let counter = SHARED_COUNTER.load(Ordering::Relaxed);
    println!("Final counter: {counter}");
    println!("Lost updates: {} of {total}", total - counter);
}
