//! Guide §6, race conditions: the same counter without the lock loses updates.
//!
//! Run: `cargo run -p examples-locks --bin race-unlocked`
//!
//! Look for: `Lost updates:`, different every run: usually millions on two
//! free cores, possibly none on a busy one, never more than the total.
//!
//! What Rust changes: a plain `u64` shared by two threads needs `unsafe` to
//! compile (a data race); this race condition compiles: `load`, add 1, `store`
//! on an atomic, each step atomic, the three together not. `race` (a `Mutex`)
//! and `race-atomic` (one `fetch_add`) fix it.
//!
//! New here: `load` and `store`, `std::hint::black_box`, a spinning start line.
//!
//! Try: `INCREMENTS = 100_000`, the guide's number, a few runs: often
//! nothing is lost, which is what makes races hard to find in testing.
//!
//! Copy: std only, no dependencies.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::thread;

static SHARED_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Per thread: two thousand times the guide's 100,000. A loop that short
/// takes about a millisecond, and on a busy machine one thread often
/// finishes before the other gets a core, losing nothing. Two hundred
/// million keep both threads counting for about half a second, long enough
/// to overlap and long enough for the verifier to see whether they had two
/// cores to themselves.
const INCREMENTS: u64 = 200_000_000;

/// How many threads have reached the start line.
static READY: AtomicUsize = AtomicUsize::new(0);

/// A start line for both threads, so that they count at the same moment
/// instead of one finishing before the other is even scheduled. A
/// `std::sync::Barrier` is not enough here: it puts the first thread to
/// sleep, and waking it can take longer than the whole loop. Spinning keeps
/// both threads on a core, ready to go within a fraction of a microsecond.
fn wait_for_both() {
    READY.fetch_add(1, Ordering::SeqCst);
    while READY.load(Ordering::SeqCst) < 2 {
        std::hint::spin_loop();
    }
}

fn increment_counter() {
    wait_for_both();
    for _ in 0..INCREMENTS {
        // Read, increment, write: the guide's `temp` steps without the lock.
        // `Relaxed` is enough to show the loss; stronger orderings would
        // still lose updates, as no ordering makes two operations one.
        let mut temp = SHARED_COUNTER.load(Ordering::Relaxed);
        // `black_box` keeps the read and the write two instructions, as in
        // the guide. Without it the optimizer fuses them into one `inc` on
        // memory, which still loses updates between cores, only far more
        // rarely: a bug that hides in release builds is still a bug.
        temp = black_box(temp) + 1;
        SHARED_COUNTER.store(temp, Ordering::Relaxed);
    }
}

fn main() {
    SHARED_COUNTER.store(0, Ordering::Relaxed);
    let thread1 = thread::spawn(increment_counter);
    let thread2 = thread::spawn(increment_counter);
    // `join` returns `Err` only if the thread panicked.
    thread1.join().unwrap();
    thread2.join().unwrap();
    let total = 2 * INCREMENTS;
    // After `join`, every store of both threads is visible here.
    let counter = SHARED_COUNTER.load(Ordering::Relaxed);
    println!("Final counter: {counter}");
    println!("Lost updates: {} of {total}", total - counter);
}
