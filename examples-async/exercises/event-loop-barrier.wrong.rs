//! Guide §11, exercise `event-loop-barrier`: a plausible WRONG solution.
//!
//! Each client makes its own `Barrier::new(3)`: three barriers with one
//! client each, so every client waits forever and the program hangs.
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! tokio = { version = "1.48", features = ["rt", "macros", "time", "sync"] }
//! ```

use std::time::{Duration, Instant};

use tokio::sync::Barrier;

async fn handle_client(client_id: u32) {
    // Wrong: a barrier of its own per client, so nobody else ever arrives.
    let all_sent = Barrier::new(3);
    println!("Client {client_id} connected");
    for i in 0..3 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        println!("Client {client_id} sent message {}", i + 1);
    }
    all_sent.wait().await;
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
