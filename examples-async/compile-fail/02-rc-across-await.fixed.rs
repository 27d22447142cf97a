//! The fix: `Arc`, whose count is atomic, so it is `Send`. (Or drop the
//! `Rc` before the `.await`; or keep `!Send` futures on one thread with
//! `tokio::task::LocalSet` and `spawn_local`.)
use std::sync::Arc;
use std::time::Duration;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let task = tokio::spawn(async {
        let names = Arc::new(vec!["alice", "bob"]);
        tokio::time::sleep(Duration::from_millis(10)).await;
        println!("{} names", names.len());
    });
    task.await.unwrap();
}
