// expect: (no code), "future cannot be sent between threads safely", "MutexGuard"
//! A `std::sync::MutexGuard` held across an `.await` inside `tokio::spawn`.
//! The guard is not `Send` (a std lock must be unlocked by the thread that
//! locked it), and a spawned task may move to another thread at any
//! `.await`, so the whole future is not `Send`. The same code compiles under
//! `join!` or `block_on`, which never move it: there it is still wrong, a
//! lock held while the task sleeps blocks every other task that wants it.
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let balance = Arc::new(Mutex::new(100));
    let task_balance = balance.clone();
    let task = tokio::spawn(async move {
        let mut guard = task_balance.lock().unwrap();
        tokio::time::sleep(Duration::from_millis(10)).await; // held across this
        *guard += 1;
    });
    task.await.unwrap();
    println!("balance: {}", balance.lock().unwrap());
}
