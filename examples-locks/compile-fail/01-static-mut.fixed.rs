// Fix: a global that threads can share safely: an atomic (or a
// `Mutex<u64>`). No `mut`, no `unsafe`.
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

static SHARED_COUNTER: AtomicU64 = AtomicU64::new(0);

fn increment_counter() {
    for _ in 0..100_000 {
        SHARED_COUNTER.fetch_add(1, Ordering::Relaxed);
    }
}

fn main() {
    let thread1 = thread::spawn(increment_counter);
    let thread2 = thread::spawn(increment_counter);
    thread1.join().unwrap();
    thread2.join().unwrap();
    println!("Final counter: {}", SHARED_COUNTER.load(Ordering::Relaxed));
}
