//! Guide extra answer 3, database queries: 20 concurrent requests share a
//! pool of 5 connections, built here from a semaphore, an idle list and a
//! drop guard (what `sqlx::Pool` hides); its real twin is `db-queries` in
//! examples-industry (sqlx on SQLite).
//!
//! Run: `cargo run -p examples-async --bin db-pool`
//!
//! Look for: at most 5 connections in use at once (measured), the total near
//! ceil(20/5) x 100 ms = 0.40 s, and request 21, which waits at most 150 ms
//! for a connection, giving up with one line while the others finish.
//!
//! What Rust changes: the pool is a `Semaphore` (one permit per connection)
//! beside the idle connections; a checked-out connection is a guard that
//! goes back to the pool when dropped, on every path, so none leaks. A real
//! project uses `sqlx::Pool` or `deadpool`, built the same way.
//!
//! New here: `Semaphore`, `OwnedSemaphorePermit`, `JoinSet`, `timeout`, `Drop`.
//!
//! Try: set `POOL_SIZE` to 20 (no waiting), or `IMPATIENT` to 1 s.
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! tokio = { version = "1.48", features = ["rt", "macros", "time", "sync"] }
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tokio::time::{sleep, timeout};

const POOL_SIZE: usize = 5;
const REQUESTS: usize = 20;
const QUERY_TIME: Duration = Duration::from_millis(100);
const PATIENCE: Duration = Duration::from_secs(2);
const IMPATIENT: Duration = Duration::from_millis(150);

/// A database connection (here only a number, shown by `{:?}`).
#[derive(Debug)]
struct Connection {
    _id: usize,
}

struct Pool {
    permits: Arc<Semaphore>,
    idle: Mutex<Vec<Connection>>,
    in_use: AtomicUsize,
    max_in_use: AtomicUsize,
}

/// A checked-out connection: dropping it puts the connection back.
struct Checkout<'a> {
    pool: &'a Pool,
    conn: Option<Connection>,
    _permit: OwnedSemaphorePermit,
}

impl Pool {
    fn new(size: usize) -> Pool {
        Pool {
            permits: Arc::new(Semaphore::new(size)),
            idle: Mutex::new((1..=size).map(|id| Connection { _id: id }).collect()),
            in_use: AtomicUsize::new(0),
            max_in_use: AtomicUsize::new(0),
        }
    }

    /// Waits for a free connection; the semaphore is fair, first come first served.
    async fn get(&self) -> Checkout<'_> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .expect("never closed");
        // A permit means an idle connection is there; the lock is held for a pop only.
        let conn = self
            .idle
            .lock()
            .unwrap()
            .pop()
            .expect("one idle connection per permit");
        let n = self.in_use.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_use.fetch_max(n, Ordering::SeqCst);
        Checkout {
            pool: self,
            conn: Some(conn),
            _permit: permit,
        }
    }
}

impl Drop for Checkout<'_> {
    fn drop(&mut self) {
        // Back to idle before the permit (a field) is released right after.
        self.pool.in_use.fetch_sub(1, Ordering::SeqCst);
        if let Some(conn) = self.conn.take() {
            self.pool.idle.lock().unwrap().push(conn);
        }
    }
}

/// The simulated query: it needs a connection, and it awaits, so the thread
/// serves the other requests meanwhile.
async fn fetch_balance(_conn: &Connection, user: usize) -> u64 {
    sleep(QUERY_TIME).await;
    user as u64 * 100
}

/// One request: wait for a connection at most `patience`, then query.
/// Ok: (time waited for a connection, the balance); Err: time waited before giving up.
async fn handle_request(
    pool: Arc<Pool>,
    user: usize,
    patience: Duration,
) -> Result<(Duration, u64), Duration> {
    let start = Instant::now();
    let checkout = timeout(patience, pool.get())
        .await
        .map_err(|_| start.elapsed())?;
    let waited = start.elapsed();
    let conn = checkout.conn.as_ref().expect("set until dropped");
    Ok((waited, fetch_balance(conn, user).await))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let ms = QUERY_TIME.as_millis();
    println!("Pool of {POOL_SIZE} connections, {REQUESTS} requests at once, each query {ms} ms");
    let pool = Arc::new(Pool::new(POOL_SIZE));
    let start = Instant::now();
    let mut requests = JoinSet::new();
    for user in 1..=REQUESTS {
        requests.spawn(handle_request(pool.clone(), user, PATIENCE));
    }
    // Request 21 joins the queue last and will not wait as long as the rest.
    let impatient = tokio::spawn(handle_request(pool.clone(), REQUESTS + 1, IMPATIENT));
    match impatient.await.expect("request task panicked") {
        Ok((waited, _)) => println!(
            "request {} got a connection after {} ms",
            REQUESTS + 1,
            waited.as_millis()
        ),
        Err(waited) => println!(
            "request {} gave up after {} ms: no connection free within {} ms (timeout on acquire)",
            REQUESTS + 1,
            waited.as_millis(),
            IMPATIENT.as_millis()
        ),
    }
    let (mut answered, mut sum, mut longest_wait) = (0, 0, Duration::ZERO);
    while let Some(result) = requests.join_next().await {
        match result.expect("request task panicked") {
            Ok((waited, balance)) => {
                answered += 1;
                sum += balance;
                longest_wait = longest_wait.max(waited);
            }
            Err(waited) => println!("a request gave up after {} ms", waited.as_millis()),
        }
    }
    let total = start.elapsed().as_secs_f64();
    let ideal = QUERY_TIME.as_secs_f64() * REQUESTS.div_ceil(POOL_SIZE) as f64;
    println!("answered: {answered} of {REQUESTS} (sum of their balances: {sum})");
    println!(
        "connections in use at once: at most {} of {POOL_SIZE} (measured)",
        pool.max_in_use.load(Ordering::SeqCst)
    );
    println!(
        "longest wait for a connection: {:.2} s",
        longest_wait.as_secs_f64()
    );
    println!(
        "total time: {total:.2} s (ideal: ceil({REQUESTS}/{POOL_SIZE}) x {ms} ms = {ideal:.2} s)"
    );
    println!(
        "idle connections at the end: {} of {POOL_SIZE}",
        pool.idle.lock().unwrap().len()
    );
}
