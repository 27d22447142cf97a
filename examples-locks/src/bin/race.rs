//! Guide §6, synchronization: two threads increment one counter through a
//! lock, and no update is lost.
//!
//! `increment_counter` adds 1 a hundred thousand times, reading the counter
//! into `temp`, incrementing `temp` and writing it back, all while holding
//! the lock. Two threads run it at once, and `main` prints the total.
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-locks
//!
//! Look for `Final counter: 200000`, every run: the read and the write of
//! each increment happen under the lock, so no other thread can slip in
//! between them.
//!
//! What Rust changes: the lock owns the data. `Mutex<u64>` is the counter;
//! the only way to reach the number is `lock()`, which returns a guard, and
//! the lock is released when the guard goes out of scope. Forgetting the lock
//! is not a bug you can write: a plain shared counter does not compile (see
//! `compile-fail/` in this crate). What still compiles is a logical race,
//! shown by `race-unlocked`; the cheaper fix for a counter is `race-atomic`.
//! Try locking twice per increment: `let mut temp =
//! *SHARED_COUNTER.lock().unwrap();`, then `temp += 1;`, then
//! `*SHARED_COUNTER.lock().unwrap() = temp;`. Every access is locked, yet
//! updates are lost: the lock must cover the whole read-modify-write.

use std::sync::Mutex;
use std::thread;

/// The guide's global counter and its lock, as one value. `Mutex::new` is
/// `const`, so the mutex can be a `static` with no lazy initialization.
static SHARED_COUNTER: Mutex<u64> = Mutex::new(0);

const INCREMENTS: u64 = 100_000;

fn increment_counter() {
    for _ in 0..INCREMENTS {
        // The guard is the `with lock:` block: it unlocks when it is dropped
        // at the end of this loop body. `unwrap` only fails if another
        // thread panicked while holding the lock, a bug worth crashing on.
        let mut counter = SHARED_COUNTER.lock().unwrap();
        let mut temp = *counter;
        temp += 1;
        *counter = temp;
    }
}

fn main() {
    *SHARED_COUNTER.lock().unwrap() = 0;
    let thread1 = thread::spawn(increment_counter);
    let thread2 = thread::spawn(increment_counter);
    // `join` returns `Err` only if the thread panicked.
    thread1.join().unwrap();
    thread2.join().unwrap();
    println!("Final counter: {}", *SHARED_COUNTER.lock().unwrap());
}
