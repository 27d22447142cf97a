//! Guide §6, synchronization: two threads increment one counter through a
//! lock, and no update is lost.
//!
//! Look for `Final counter: 200000`, every run: each read-increment-write
//! happens under the lock, so no other thread can slip in between.
//! Run: `cargo run -p examples-locks`
//! What Rust changes: the lock owns the data. `Mutex<u64>` is the counter,
//! `lock()` the only way to reach it, and the guard unlocks when dropped. A
//! plain shared counter does not compile (`compile-fail/`); a logical race
//! still does (`race-unlocked`); the cheaper fix is `race-atomic`.
//! Try: lock twice per increment, once to read `temp` and once to write it
//! back: every access is locked, yet updates are lost.
//!
//! Copy: std only, no dependencies.

use std::process;
use std::sync::Mutex;
use std::thread::{self, JoinHandle};

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
    let thread1 = spawn(increment_counter);
    let thread2 = spawn(increment_counter);
    // `join` returns `Err` only if the thread panicked.
    thread1.join().unwrap();
    thread2.join().unwrap();
    println!("Final counter: {}", *SHARED_COUNTER.lock().unwrap());
}

/// `thread::spawn` panics when the OS refuses a thread (a process limit);
/// `Builder::spawn` returns the error, printed here as one line.
fn spawn(task: fn()) -> JoinHandle<()> {
    thread::Builder::new().spawn(task).unwrap_or_else(|e| {
        eprintln!("error: spawning a thread failed: {e}");
        process::exit(1)
    })
}
