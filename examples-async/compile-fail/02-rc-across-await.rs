// expect: (no code), "future cannot be sent between threads safely", "Rc<"
//! An `Rc` held across an `.await` in a spawned task. `Rc`'s count is not
//! atomic, so `Rc` is not `Send`, and a future that keeps one alive across
//! an `.await` cannot move between threads either.
use std::rc::Rc;
use std::time::Duration;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let task = tokio::spawn(async {
        let names = Rc::new(vec!["alice", "bob"]);
        tokio::time::sleep(Duration::from_millis(10)).await; // `names` lives on
        println!("{} names", names.len());
    });
    task.await.unwrap();
}
