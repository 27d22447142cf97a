//! Guide §6, the race condition: the same counter without the lock loses
//! updates.
//!
//! The guide only mentions what happens if you remove the lock. In safe Rust
//! you cannot share a plain `u64` between threads without one, but you can
//! share an atomic and still make the guide's mistake: `load` the value, add
//! 1, `store` it back. Each step is atomic; the three together are not.
//! Another thread can store in between, and one of the two increments is
//! lost.
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-locks --bin race-unlocked
//!
//! Look at `Lost updates:`. It changes from run to run: an update is lost
//! when one thread stores between the other's `load` and `store`, which
//! depends on how the OS schedules them. On two free cores it is usually
//! millions. On one core, or with the cores busy, the threads mostly
//! take turns and it can be zero, which is what makes races hard to find in
//! testing. The count can never exceed the number of increments.
//!
//! What Rust changes: this is a race condition (a logic error), not a data
//! race (two unsynchronized accesses to one memory location, at least one a
//! write, which is undefined behaviour). Safe Rust rejects data races at
//! compile time; race conditions it cannot see. `race` fixes this with a
//! `Mutex`, `race-atomic` with one `fetch_add`. Try `INCREMENTS = 100_000`,
//! the guide's number, and run it a few times: often nothing is lost.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::thread;

static SHARED_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Per thread: a hundred times the guide's 100,000. A loop that short
/// takes about a millisecond here, and on a busy machine one thread often
/// finishes before the other gets a core, losing nothing. Ten million keep
/// both threads counting for tens of milliseconds, long enough to overlap.
const INCREMENTS: u64 = 10_000_000;

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
