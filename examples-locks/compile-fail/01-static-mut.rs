// expect: E0133
// The guide's `global shared_counter`, written as a mutable global. Any
// thread could write it at any time, so touching it is `unsafe`: the compiler
// cannot prove the accesses don't race.
use std::thread;

static mut SHARED_COUNTER: u64 = 0;

fn increment_counter() {
    for _ in 0..100_000 {
        SHARED_COUNTER += 1;
    }
}

fn main() {
    let thread1 = thread::spawn(increment_counter);
    let thread2 = thread::spawn(increment_counter);
    thread1.join().unwrap();
    thread2.join().unwrap();
}
