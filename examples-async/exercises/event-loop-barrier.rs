//! Guide §11, exercise `event-loop-barrier`: three clients on one thread,
//! each disconnecting as soon as it sent its own third message.
//!
//! Goal: the guide's printed order: all three `sent message 3` lines, then
//! the three `disconnected` lines (each group in any order), still 3 s in
//! all. No sleep: a client waits until all three have sent message 3,
//! with `tokio::sync::Barrier` (the `sync` feature is already listed).
//! Run: `cargo run -p examples-async --example event-loop-barrier`.
//! Check: `cargo xtask exercise event-loop-barrier` (`--watch` checks again on every
//! save, `--hint` gives a first hint, `--reset` starts again).
//! What Rust changes: `join!` polls the three futures on the current task,
//! so they may borrow one barrier from `main`: no `Arc` needed.
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! tokio = { version = "1.48", features = ["rt", "macros", "time", "sync"] }
//! ```

use std::time::{Duration, Instant};

async fn handle_client(client_id: u32) {
    println!("Client {client_id} connected");
    for i in 0..3 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        println!("Client {client_id} sent message {}", i + 1);
    }
    // TODO: no `.await` since the last message, so this prints in the same
    // turn, before the other clients have sent their third message.
    println!("Client {client_id} disconnected");
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let start_time = Instant::now();
    tokio::join!(handle_client(0), handle_client(1), handle_client(2));
    println!(
        "Total time: {:.2} seconds",
        start_time.elapsed().as_secs_f64()
    );
}
