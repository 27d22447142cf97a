// expect: E0373, "may outlive the current function"
//! A spawned task borrows a local of `main`. `tokio::spawn` requires a
//! `'static` future: the task may outlive the function that spawned it
//! (nothing forces anyone to await its handle), and then the borrow would
//! point at a dead stack frame.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let accounts = vec![100, 250, 75];
    let task = tokio::spawn(async {
        let total: i32 = accounts.iter().sum();
        println!("total: {total}");
    });
    task.await.unwrap();
}
