//! Guide §7, deadlocks: two tasks take two locks in opposite orders and wait
//! for each other forever.
//!
//! Look for the guide's four lines, then on stderr what each task holds and
//! waits for, as the tasks recorded it; `Done` never prints, the status is 3.
//! Run: `cargo run -p examples-deadlock; echo $?`
//! What Rust changes: the compiler rules out data races, not deadlocks. A
//! blocked `lock()` cannot be interrupted nor a thread killed, so `main`
//! waits with a deadline, then ends the process. A barrier replaces the
//! guide's `sleep(1)`, so the deadlock is certain, not likely.
//! Try: replace both `BOTH_HOLD_ONE.wait()` with the guide's sleep and sleep
//! 2 s before spawning `thread2`: no deadlock, and `Done` prints.
//!
//! Copy: std only, no dependencies.

use std::process;
use std::sync::{Barrier, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

// Python's `threading.Lock()`: a `Mutex` that guards no data, `()`.
static LOCK1: Mutex<()> = Mutex::new(());
static LOCK2: Mutex<()> = Mutex::new(());

// Neither task asks for its second lock until both hold their first.
static BOTH_HOLD_ONE: Barrier = Barrier::new(2);

// Which lock each task holds and which it waits for, while it waits: Rust
// cannot ask a blocked thread, so the tasks write it down for `main`.
static WAITING: [Mutex<Option<(&str, &str)>>; 2] = [Mutex::new(None), Mutex::new(None)];

const DEADLINE: Duration = Duration::from_secs(2);

fn task1() {
    println!("Task 1: Acquiring lock1");
    // The guard is `with lock1:`, held to the end of the function. `unwrap`
    // fails only if a thread panicked while holding the lock, a bug.
    let _lock1 = LOCK1.lock().unwrap();
    BOTH_HOLD_ONE.wait();
    println!("Task 1: Waiting for lock2");
    *WAITING[0].lock().unwrap() = Some(("lock1", "lock2"));
    let _lock2 = LOCK2.lock().unwrap();
    *WAITING[0].lock().unwrap() = None;
    println!("Task 1: Acquired both locks");
}

fn task2() {
    println!("Task 2: Acquiring lock2");
    let _lock2 = LOCK2.lock().unwrap();
    BOTH_HOLD_ONE.wait();
    println!("Task 2: Waiting for lock1");
    *WAITING[1].lock().unwrap() = Some(("lock2", "lock1"));
    let _lock1 = LOCK1.lock().unwrap();
    *WAITING[1].lock().unwrap() = None;
    println!("Task 2: Acquired both locks");
}

fn main() {
    let thread1 = spawn(task1);
    let thread2 = spawn(task2);
    // `join` has no timeout in Rust: poll until both tasks finish or the
    // deadline passes.
    let deadline = Instant::now() + DEADLINE;
    while !(thread1.is_finished() && thread2.is_finished()) {
        if Instant::now() > deadline {
            report_deadlock();
        }
        thread::sleep(Duration::from_millis(10));
    }
    // `join` returns `Err` only if the task panicked, a bug: `unwrap` shows it.
    thread1.join().unwrap();
    thread2.join().unwrap();
    println!("Done");
}

/// Says where the tasks are stuck, from what they recorded, then ends the
/// process: the only way to end a thread blocked in `lock()`. Status 3 is
/// ours: 1 is an ordinary error, 101 a panic.
fn report_deadlock() -> ! {
    let mut stuck = Vec::new();
    for (task, waiting) in ["Task 1", "Task 2"].into_iter().zip(&WAITING) {
        if let Some((holds, waits_for)) = *waiting.lock().unwrap() {
            stuck.push(format!("{task} holds {holds} and waits for {waits_for}"));
        }
    }
    let stuck = stuck.join("; ");
    eprintln!("Deadlock: still blocked after {DEADLINE:?}: {stuck}");
    process::exit(3);
}

/// `thread::spawn` panics when the OS refuses a thread (a process limit);
/// `Builder::spawn` returns the error, printed here as one line.
fn spawn(task: fn()) -> JoinHandle<()> {
    thread::Builder::new().spawn(task).unwrap_or_else(|e| {
        eprintln!("error: spawning a thread failed: {e}");
        process::exit(1)
    })
}
