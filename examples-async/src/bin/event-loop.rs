//! Guide §11, the event loop: three chat clients share one thread.
//!
//! Run: `cargo run -p examples-async --bin event-loop`
//!
//! Look for: rounds a second apart, clients in any order within one, and each
//! `sent message 3` followed at once by that client's `disconnected`.
//!
//! What Rust changes: the event loop is a library: tokio's `current_thread` runtime.
//!
//! New here: `.await` inside a `for` loop, three futures in one `join!`.
//!
//! Try: `tokio::task::yield_now().await;` before `disconnected`: the guide's order.
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! tokio = { version = "1.48", features = ["rt", "macros", "time"] }
//! ```

use std::time::{Duration, Instant};

async fn handle_client(client_id: u32) {
    println!("Client {client_id} connected");
    for i in 0..3 {
        // Stands in for waiting on the network for this client's next line.
        tokio::time::sleep(Duration::from_secs(1)).await;
        println!("Client {client_id} sent message {}", i + 1);
    }
    // No `.await` since the last message: this runs in the same turn.
    println!("Client {client_id} disconnected");
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let start_time = Instant::now();
    // The guide gathers a generator of three coroutines; with three clients
    // fixed, `join!` over three futures needs no allocation. (For a number
    // known only at run time, spawn tasks and await their `JoinHandle`s.)
    tokio::join!(handle_client(0), handle_client(1), handle_client(2));
    println!(
        "Total time: {:.2} seconds",
        start_time.elapsed().as_secs_f64()
    );
}
