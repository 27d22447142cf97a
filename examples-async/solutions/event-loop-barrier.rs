//! Guide §11, exercise `event-loop-barrier`: a reference solution.
//!
//! One barrier for the three clients: each waits at it after its third
//! message, and the last one to arrive releases all three.
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! tokio = { version = "1.48", features = ["rt", "macros", "time", "sync"] }
//! ```

use std::time::{Duration, Instant};

use tokio::sync::Barrier;

async fn handle_client(client_id: u32, all_sent: &Barrier) {
    println!("Client {client_id} connected");
    for i in 0..3 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        println!("Client {client_id} sent message {}", i + 1);
    }
    // Wait until every client has sent its third message.
    all_sent.wait().await;
    println!("Client {client_id} disconnected");
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let start_time = Instant::now();
    let all_sent = Barrier::new(3);
    tokio::join!(
        handle_client(0, &all_sent),
        handle_client(1, &all_sent),
        handle_client(2, &all_sent)
    );
    println!(
        "Total time: {:.2} seconds",
        start_time.elapsed().as_secs_f64()
    );
}
