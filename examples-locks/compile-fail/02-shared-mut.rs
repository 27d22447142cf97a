// expect: E0499
// Two threads each take `&mut counter`. Rust allows one mutable borrow at a
// time, and two threads writing one `u64` at once would be a data race.
use std::thread;

fn main() {
    let mut counter = 0u64;
    thread::scope(|s| {
        s.spawn(|| {
            for _ in 0..100_000 {
                counter += 1;
            }
        });
        s.spawn(|| {
            for _ in 0..100_000 {
                counter += 1;
            }
        });
    });
    println!("Final counter: {counter}");
}
