//! Guide §11, the event loop: three chat clients share one thread.
//!
//! Each `handle_client` connects, sends three messages one second apart and
//! disconnects. The one-second waits overlap, so three clients take 3 s, not
//! 9 s: while one client waits, the runtime runs whichever is ready.
//!
//! You can test this out by running:
//!
//!     cargo run -p examples-async --bin event-loop
//!
//! Look at the last round. The guide prints all three `sent message 3` lines
//! and then all three `disconnected` lines, but a client has nothing to wait
//! for between its third message and its goodbye, so it prints both in the
//! same turn: `Client 0 sent message 3` is followed at once by `Client 0
//! disconnected`. CPython 3.11 prints exactly that too. Within one round the
//! clients' order is not fixed: `join!` rotates which future it polls first
//! each time it is woken. Rounds never mix: a second separates them.
//!
//! What Rust changes: the event loop is not part of the language. tokio's
//! `current_thread` runtime is one (a queue of tasks, a timer, an I/O
//! poller), and `mini-executor` builds a toy one from std alone. Two futures
//! never run at the same instant here, so they could even share a `Cell`;
//! the multi-threaded runtime would make the compiler demand `Send`.
//!
//! Try: add `tokio::task::yield_now().await;` between the third message and
//! `disconnected`, and the guide's order appears (with the clients still in
//! a free order), because now each client pauses once more.

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
