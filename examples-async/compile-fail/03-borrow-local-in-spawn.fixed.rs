//! The fix: `async move`, the task owns the data (clone it first, or share
//! an `Arc`, if `main` still needs it).
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let accounts = vec![100, 250, 75];
    let task = tokio::spawn(async move {
        let total: i32 = accounts.iter().sum();
        println!("total: {total}");
    });
    task.await.unwrap();
}
