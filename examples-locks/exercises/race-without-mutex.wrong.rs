//! Guide §6, exercise `race-without-mutex`: a plausible WRONG solution.
//!
//! The strongest ordering, `SeqCst`, on the load and the store. An ordering
//! says what other memory a thread sees, not that two operations happen as
//! one: updates are still lost whenever both threads run at the same time.
//!
//! Copy: std only, no dependencies.

use std::hint::black_box;
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
        // Wrong: still a separate load and store.
        let temp = SHARED_COUNTER.load(Ordering::SeqCst);
        SHARED_COUNTER.store(black_box(temp) + 1, Ordering::SeqCst);
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
