//! Guide §4, the GIL: `sum_squares` over two ranges on two threads, timed.
//!
//! Look for the exact sums (the guide's second one is wrong), in either
//! order since each thread prints its own, and `Time taken: 0.00 seconds`:
//! Rust does the guide's work in a few milliseconds, too fast to time.
//!
//! Run: `cargo run -p examples-gil-analog`
//!
//! What Rust changes: there is no GIL, so the two threads really run at once
//! on two cores; `cargo run -p examples-gil-analog --bin gil-analog` times
//! that against a GIL analog. Try: widen a range tenfold and watch `u64`
//! overflow past about 3.8 million (a panic in the `dev` profile).
//!
//! Copy: std only, no dependencies.

use std::process::ExitCode;
use std::thread;
use std::time::Instant;

fn sum_squares(start: u64, end: u64) {
    let mut total: u64 = 0;
    for i in start..end {
        total += i * i;
    }
    println!("Sum from {start} to {end}: {total}");
}

fn main() -> ExitCode {
    let start_time = Instant::now();
    // Creating a Rust thread starts it. `Builder::spawn` returns the OS's
    // refusal as an error, where `thread::spawn` would panic.
    let thread1 = thread::Builder::new().spawn(|| sum_squares(1, 1000000));
    let thread2 = thread::Builder::new().spawn(|| sum_squares(1000001, 2000000));
    let (thread1, thread2) = match (thread1, thread2) {
        (Ok(thread1), Ok(thread2)) => (thread1, thread2),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: thread spawn failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    // `join` fails only if the thread panicked, a bug worth crashing on.
    thread1.join().unwrap();
    thread2.join().unwrap();
    println!(
        "Time taken: {:.2} seconds",
        start_time.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}
