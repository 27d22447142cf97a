//! Guide tip 12, `concurrent.futures` on the downloads of §5: a fixed pool of
//! worker threads (the pool is `src/pool.rs` in this crate), the mechanism a
//! crate hides: a channel of jobs, shutdown by dropping the sender. For
//! CPU-bound work the real twin is rayon's pool (examples-industry).
//!
//! Run: `cargo run -p examples-threads --bin thread-pool`
//!
//! Look for: in the first block, two workers for three 2 s downloads, so
//! `file3.txt` starts only after a `Finished` line and the total is 4 s; with
//! three workers it is 2 s. `as_completed` prints fastest first. The stderr
//! line is the panic hook, on the worker, before the pool catches the panic.
//!
//! What Rust changes: the pool is a channel of boxed closures and a `for`
//! loop per worker, no lock around the queue; shutdown is dropping the
//! sender, and the pool joins every worker. For real work use `rayon`.
//!
//! New here: a library module of the crate, `Box<dyn FnOnce>`, `panic::set_hook`.
//!
//! Try: a pool of 1 (`ThreadPool::new(1)`): the first block then takes 6 s.
//!
//! Copy: needs this crate's library (`src/pool.rs`) and crossbeam-channel.

use std::error::Error;
use std::panic;
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use examples_threads::{ThreadPool, as_completed};

/// The §5 download: two seconds of waiting, a line before and after.
fn download_file(file_name: &str) -> String {
    println!("Starting download: {file_name}");
    thread::sleep(Duration::from_secs(2));
    println!("Finished downloading: {file_name}");
    file_name.to_string()
}

/// A quiet download of a given length, so that jobs finish in a known order.
fn download_sized(file_name: &str, seconds: f64) -> String {
    thread::sleep(Duration::from_secs_f64(seconds));
    file_name.to_string()
}

/// A download that fails with a panic: a bug, not an expected error. (An
/// expected failure would be a job returning `Result`, passed through as is.)
fn download_broken(file_name: &str) -> String {
    panic!("connection reset while downloading {file_name}");
}

fn run() -> Result<(), Box<dyn Error>> {
    // The default hook prints the message, its source location and a
    // backtrace hint (or a whole backtrace under `RUST_BACKTRACE=1`). For an
    // expected demo panic one line on stderr is enough.
    panic::set_hook(Box::new(|info| {
        // `panic!` with arguments carries a `String`, without them a `&str`.
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("(no message)");
        let thread = thread::current();
        let name = thread.name().unwrap_or("unnamed");
        eprintln!("thread '{name}' panicked: {message}");
    }));
    let files = ["file1.txt", "file2.txt", "file3.txt"];

    println!("== submit: 3 downloads on a pool of 2 workers ==");
    let start_time = Instant::now();
    let pool = ThreadPool::new(2)?;
    // The file names are `&'static str`, so the closures own all they use.
    let handles: Vec<_> = files
        .iter()
        .map(|&file| pool.submit(move || download_file(file)))
        .collect();
    // `result()` blocks until that job is done; `?` passes a panic on as an
    // error. Collecting first keeps these lines after the workers' lines.
    let results = handles
        .into_iter()
        .map(|handle| handle.result())
        .collect::<Result<Vec<_>, _>>()?;
    println!("Results: {}", results.join(", "));
    println!(
        "Total time: {:.2} seconds",
        start_time.elapsed().as_secs_f64()
    );
    // Joins both workers; they are idle, so this returns at once.
    pool.shutdown();

    println!("== map: 3 downloads on a pool of 3 workers ==");
    let start_time = Instant::now();
    let pool = ThreadPool::new(3)?;
    // `map` queues all three jobs, then yields their results in input order.
    let results = pool
        .map(|file: &str| download_file(file), files)
        .collect::<Result<Vec<_>, _>>()?;
    println!("Results in input order: {}", results.join(", "));
    println!(
        "Total time: {:.2} seconds",
        start_time.elapsed().as_secs_f64()
    );

    println!("== as_completed: downloads of 1.5 s, 0.5 s and 1.0 s, 3 workers ==");
    let start_time = Instant::now();
    let sized = [("file1.txt", 1.5), ("file2.txt", 0.5), ("file3.txt", 1.0)];
    let handles = sized
        .iter()
        .map(|&(file, seconds)| pool.submit(move || download_sized(file, seconds)))
        .collect();
    for (index, result) in as_completed(handles) {
        println!(
            "Completed: {} (submitted #{}) after {:.2} seconds",
            result?,
            index + 1,
            start_time.elapsed().as_secs_f64()
        );
    }

    println!("== a panicking job ==");
    let broken = pool.submit(|| download_broken("file4.txt"));
    // The panic is now a value: print it and carry on.
    match broken.result() {
        Ok(file) => println!("file4.txt: unexpectedly downloaded {file}"),
        Err(error) => println!("file4.txt: {error}"),
    }
    let after = pool.submit(|| download_sized("file5.txt", 0.0)).result()?;
    println!("The pool still works: {after} downloaded after the panic");
    // Every worker exited normally: the panic did not take one down with it.
    let size = pool.size();
    let joined = pool.shutdown();
    println!("Pool shut down: {joined} of {size} workers exited normally and were joined");
    // `ThreadPool::with_default_size()` would start this many workers.
    println!(
        "Default pool size on this machine: {} (num_cpus::get())",
        ThreadPool::default_size()
    );
    Ok(())
}

fn main() -> ExitCode {
    // The error's Display form, one line (`main` returning `Result` would
    // print its Debug form, `Os { code: 11, kind: WouldBlock, .. }`).
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
