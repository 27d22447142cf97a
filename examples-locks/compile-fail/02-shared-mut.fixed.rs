// Fix: share the counter behind a `Mutex` (or use an `AtomicU64`). Both
// closures borrow it with a shared `&`, which any number of threads may hold;
// the lock hands out one `&mut u64` at a time.
use std::sync::Mutex;
use std::thread;

fn main() {
    let counter = Mutex::new(0u64);
    thread::scope(|s| {
        s.spawn(|| {
            for _ in 0..100_000 {
                *counter.lock().unwrap() += 1;
            }
        });
        s.spawn(|| {
            for _ in 0..100_000 {
                *counter.lock().unwrap() += 1;
            }
        });
    });
    println!("Final counter: {}", counter.into_inner().unwrap());
}
