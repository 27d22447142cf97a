//! The fix: end the guard's scope before the `.await` (the lock is held for
//! the update only). When the lock must be held across an `.await`, use
//! `tokio::sync::Mutex`, whose guard is `Send` and whose `lock()` awaits.
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let balance = Arc::new(Mutex::new(100));
    let task_balance = balance.clone();
    let task = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(10)).await;
        {
            let mut guard = task_balance.lock().unwrap();
            *guard += 1;
        } // the guard is dropped here, before any other `.await`
    });
    task.await.unwrap();
    println!("balance: {}", balance.lock().unwrap());
}
