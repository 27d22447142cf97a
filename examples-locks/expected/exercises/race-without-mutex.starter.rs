//! Guide §6, exercise `race-without-mutex`: two threads add to one counter
//! with a read, an add and a separate write, and updates are lost.
//!
//! Goal: `Final counter: 20000000` and `Lost updates: 0` on every run,
//! without a `Mutex`: make each increment one indivisible step.
//! Run: `cargo run -p examples-locks --example race-without-mutex`.
//! Check: `cargo xtask exercise race-without-mutex` (`--watch` checks again on every
//! save, `--hint` gives a first hint, `--reset` starts again).
//! What Rust changes: a plain shared `u64` would not compile; an atomic does,
//! and each of its operations is atomic, but a `load` and a `store` are two
//! operations, whatever their `Ordering`. Updates are lost only while both
//! threads run at the same moment, so a run on a busy machine may lose none:
//! that is not a fix.
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
        // TODO: the other thread can write between this load and this
        // store; its increment is then overwritten.
        let temp = SHARED_COUNTER.load(Ordering::Relaxed);
        SHARED_COUNTER.store(black_box(temp) + 1, Ordering::Relaxed);
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
