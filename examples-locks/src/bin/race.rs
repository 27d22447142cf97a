//! Guide §6, synchronization: two threads increment one counter through a lock.
//!
//! Run: `cargo run -p examples-locks`
//!
//! Look for: `Final counter: 200000`, every run: each read-increment-write
//! happens under the lock, so no other thread can slip in between.
//!
//! What Rust changes: the lock owns the data; a shared counter with no lock needs `unsafe`.
//!
//! New here: `Mutex`, `lock().unwrap()`, a guard that unlocks when dropped, `static`.
//!
//! Try: lock once to read `temp` and again to write it back: updates are lost.
//!
//! Copy: std only, no dependencies.

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
