//! Guide §4, the GIL: `sum_squares` over two ranges on two threads, timed.
//!
//! Run: `cargo run -p examples-gil-analog`
//!
//! Look for: the exact sums (the guide's second one is wrong) in either order,
//! and `Time taken: 0.00 seconds`: too little work for Rust to time.
//!
//! What Rust changes: no GIL: the two threads can run at once on two cores (`gil-analog` times it).
//!
//! New here: closures (`|| ...`), `u64` arithmetic, which panics on overflow in `dev`.
//!
//! Try: widen a range tenfold and watch `u64` overflow past about 3.8 million.
//!
//! Copy: std only, no dependencies.

use std::thread;
use std::time::Instant;

fn sum_squares(start: u64, end: u64) {
    let mut total: u64 = 0;
    for i in start..end {
        total += i * i;
    }
    println!("Sum from {start} to {end}: {total}");
}

fn main() {
    let start_time = Instant::now();
    // `spawn` is Python's `Thread(...)` and `start()` in one call; the
    // closure calls `sum_squares` with this thread's range.
    let thread1 = thread::spawn(|| sum_squares(1, 1000000));
    let thread2 = thread::spawn(|| sum_squares(1000001, 2000000));
    thread1.join().unwrap();
    thread2.join().unwrap();
    println!(
        "Time taken: {:.2} seconds",
        start_time.elapsed().as_secs_f64()
    );
}
