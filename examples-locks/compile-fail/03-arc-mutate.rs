// expect: E0594
// `Arc` shares a value between threads, read-only: all owners see the same
// value, so none of them may change it without a lock.
use std::sync::Arc;
use std::thread;

fn main() {
    let counter = Arc::new(0u64);
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..100_000 {
                    *counter += 1;
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    println!("Final counter: {counter}");
}
