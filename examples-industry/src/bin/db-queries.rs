//! Guide extra answer 3, database queries: a bank's sqlx `SqlitePool` of 5
//! connections shared by 20 requests at once, then 100 payments with and
//! without a transaction.
//!
//! Run: `cargo run -p examples-industry --bin db-queries`
//!
//! Look for: at most 5 connections in use (read from the pool), request 21
//! giving up on the acquire timeout, the total of all balances unchanged by
//! the payments in `BEGIN IMMEDIATE` and money lost by the same without.
//!
//! What Rust changes: a checked-out connection goes back to the pool when it
//! is dropped, on every path, and a transaction dropped before `commit` rolls
//! back. The lost money is §6's race condition: not a data race (safe Rust
//! has none), a lost update between a read and a write, which only the
//! database can rule out.
//!
//! New here: `SqlitePoolOptions` (`max_connections`, `acquire_timeout`),
//! `pool.acquire()`, `pool.begin_with("BEGIN IMMEDIATE")`, `commit`,
//! `query_as` with `.bind()`.
//!
//! Try: `.max_connections(20)`: no request waits, the 20 take 0.10 s, and
//! request 21 gets a connection.
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! sqlx = { version = "0.8", default-features = false, features = ["runtime-tokio", "sqlite"] }
//! tokio = { version = "1.48", features = ["rt", "macros", "time"] }
//! ```

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use tokio::task::JoinSet;
use tokio::time::sleep;

const DEFAULT_DB: &str = "target/db-queries.sqlite3";
const POOL_SIZE: u32 = 5;
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);
const REQUESTS: u32 = 20;
/// A remote database's round trip, standing in: SQLite answers in
/// microseconds, so each request holds its connection this long, which
/// makes the pool's waiting visible.
const ROUND_TRIP: Duration = Duration::from_millis(100);
const CUSTOMERS: i64 = 100;
const MERCHANT: i64 = 0;
const START_CENTS: i64 = 10_00;
const PAYMENT_CENTS: i64 = 1_00;
/// Between reading the balances and writing the new ones: the application
/// computes, and a remote database would be a round trip away.
const THINK_TIME: Duration = Duration::from_millis(2);

const BALANCE: &str = "SELECT balance_cents FROM accounts WHERE id = ?";
const SET_BALANCE: &str = "UPDATE accounts SET balance_cents = ? WHERE id = ?";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let db = match parse_args(std::env::args_os().skip(1).collect()) {
        Ok(db) => db,
        Err(why) => {
            eprintln!("error: {why} (usage: db-queries [--db PATH])");
            return ExitCode::from(2);
        }
    };
    match run(&db).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("error: {why}");
            ExitCode::FAILURE
        }
    }
}

async fn run(db: &Path) -> Result<(), String> {
    let pool = open_pool(db)
        .await
        .map_err(|e| format!("database {}: {e}", db.display()))?;
    println!(
        "Pool: {POOL_SIZE} connections, acquire timeout {:.1} s, database {} (WAL)",
        ACQUIRE_TIMEOUT.as_secs_f64(),
        db.display()
    );
    fetch_users(&pool).await?;
    one_more_request(&pool).await;
    payments(&pool, true).await?;
    payments(&pool, false).await?;
    pool.close().await;
    Ok(())
}

/// A file, never `sqlite::memory:` behind a pool: each pooled connection
/// would open a database of its own, empty. WAL lets readers run beside the
/// writer; the busy timeout makes a connection wait up to 5 s for SQLite's
/// write lock instead of failing at once.
async fn open_pool(path: &Path) -> Result<SqlitePool, sqlx::Error> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(POOL_SIZE)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(options)
        .await?;
    sqlx::query("DROP TABLE IF EXISTS accounts")
        .execute(&pool)
        .await?;
    sqlx::query(
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL, balance_cents INTEGER NOT NULL)",
    )
    .execute(&pool)
    .await?;
    let mut tx = pool.begin().await?;
    for id in MERCHANT..=CUSTOMERS {
        let name = match id {
            MERCHANT => "merchant".to_string(),
            _ => format!("customer {id}"),
        };
        sqlx::query("INSERT INTO accounts (id, name, balance_cents) VALUES (?, ?, 0)")
            .bind(id)
            .bind(name)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(pool)
}

/// 20 requests at once, each fetching a user and their balance.
async fn fetch_users(pool: &SqlitePool) -> Result<(), String> {
    reset_balances(pool).await?;
    println!(
        "{REQUESTS} requests at once, each fetching a user and balance and holding its connection {} ms:",
        ROUND_TRIP.as_millis()
    );
    let started = Instant::now();
    let mut requests = JoinSet::new();
    for id in 1..=REQUESTS {
        let pool = pool.clone(); // a handle: every clone shares one pool
        requests.spawn(async move {
            let asked = Instant::now();
            let mut conn = pool.acquire().await?;
            let waited = asked.elapsed();
            // Read from the pool itself: connections open, minus idle ones.
            let in_use = pool.size().saturating_sub(pool.num_idle() as u32);
            let (name, balance): (String, i64) =
                sqlx::query_as("SELECT name, balance_cents FROM accounts WHERE id = ?")
                    .bind(i64::from(id))
                    .fetch_one(&mut *conn)
                    .await?;
            // The stand-in round trip: the connection stays checked out.
            sleep(ROUND_TRIP).await;
            Ok::<_, sqlx::Error>((name, balance, waited, in_use))
            // `conn` is dropped here and goes back to the pool.
        });
    }
    let (mut answered, mut sum, mut longest, mut most) = (0, 0, Duration::ZERO, 0);
    while let Some(joined) = requests.join_next().await {
        match joined.map_err(|e| e.to_string())? {
            Ok((_name, balance, waited, in_use)) => {
                answered += 1;
                sum += balance;
                longest = longest.max(waited);
                most = most.max(in_use);
            }
            Err(e) => println!("  a request failed: {e}"),
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let rounds = REQUESTS.div_ceil(POOL_SIZE);
    let ideal = ROUND_TRIP.as_secs_f64() * rounds as f64;
    println!(
        "  answered: {answered} of {REQUESTS} (sum of their balances: {})",
        money(sum)
    );
    println!("  connections in use at once: at most {most} of {POOL_SIZE} (read from the pool)");
    println!(
        "  longest wait for a connection: {:.2} s",
        longest.as_secs_f64()
    );
    println!(
        "  total time: {elapsed:.2} s (ideal: ceil({REQUESTS}/{POOL_SIZE}) x {} ms = {ideal:.2} s)",
        ROUND_TRIP.as_millis()
    );
    Ok(())
}

/// Every connection checked out (five long reports, say): request 21 waits
/// the pool's acquire timeout, then gets an error instead of a connection.
async fn one_more_request(pool: &SqlitePool) {
    let mut reports = Vec::new();
    for _ in 0..POOL_SIZE {
        match pool.acquire().await {
            Ok(conn) => reports.push(conn),
            Err(e) => println!("  a report got no connection: {e}"),
        }
    }
    println!(
        "{} long reports hold {} of {POOL_SIZE} connections; request 21 asks for one:",
        reports.len(),
        pool.size().saturating_sub(pool.num_idle() as u32)
    );
    let asked = Instant::now();
    match pool.acquire().await {
        Ok(_) => println!("  request 21 got a connection"),
        Err(e) => println!(
            "  request 21 gave up after {:.2} s: {e}",
            asked.elapsed().as_secs_f64()
        ),
    }
    drop(reports);
}

/// Every customer pays the merchant at once, each payment in a transaction
/// or (`in_transaction` false) without one.
async fn payments(pool: &SqlitePool, in_transaction: bool) -> Result<(), String> {
    reset_balances(pool).await?;
    let before = total(pool).await?;
    if in_transaction {
        println!(
            "{CUSTOMERS} customers pay the merchant {} at once, each payment in BEGIN IMMEDIATE ... COMMIT:",
            money(PAYMENT_CENTS)
        );
    } else {
        println!(
            "The same {CUSTOMERS} payments without a transaction (read the balances, then write the new ones):"
        );
    }
    let started = Instant::now();
    let mut payments = JoinSet::new();
    for customer in 1..=CUSTOMERS {
        let pool = pool.clone();
        payments.spawn(async move {
            if in_transaction {
                pay_in_transaction(&pool, customer, MERCHANT, PAYMENT_CENTS).await
            } else {
                pay_without_transaction(&pool, customer, MERCHANT, PAYMENT_CENTS).await
            }
        });
    }
    let mut paid = 0;
    while let Some(joined) = payments.join_next().await {
        match joined.map_err(|e| e.to_string())? {
            Ok(()) => paid += 1,
            Err(e) => println!("  a payment failed: {e}"),
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let merchant = balance(pool, MERCHANT).await?;
    let after = total(pool).await?;
    println!(
        "  payments made: {paid} of {CUSTOMERS}; the merchant's balance: {}",
        money(merchant)
    );
    println!(
        "  total of all balances: {} before, {} after: money lost {}",
        money(before),
        money(after),
        money(before - after)
    );
    // In a transaction the payments hold the write lock one at a time;
    // without one, each connection of the pool runs its own.
    let at_once = if in_transaction {
        1
    } else {
        i64::from(POOL_SIZE)
    };
    let floor = THINK_TIME.as_secs_f64() * (CUSTOMERS / at_once) as f64;
    println!(
        "  total time: {elapsed:.2} s (at least {} x {} ms = {floor:.2} s, {at_once} at a time)",
        CUSTOMERS / at_once,
        THINK_TIME.as_millis()
    );
    Ok(())
}

/// `BEGIN IMMEDIATE` takes SQLite's write lock at the start, so no other
/// payment can change these balances between the read and the write. A
/// plain `begin()` is SQLite's deferred kind: it would read without the
/// lock and, when another payment wrote meanwhile, fail its first write
/// with SQLITE_BUSY at once, busy timeout or not.
async fn pay_in_transaction(
    pool: &SqlitePool,
    from: i64,
    to: i64,
    cents: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let (from_balance,): (i64,) = sqlx::query_as(BALANCE)
        .bind(from)
        .fetch_one(&mut *tx)
        .await?;
    let (to_balance,): (i64,) = sqlx::query_as(BALANCE).bind(to).fetch_one(&mut *tx).await?;
    sleep(THINK_TIME).await;
    sqlx::query(SET_BALANCE)
        .bind(from_balance - cents)
        .bind(from)
        .execute(&mut *tx)
        .await?;
    sqlx::query(SET_BALANCE)
        .bind(to_balance + cents)
        .bind(to)
        .execute(&mut *tx)
        .await?;
    // Dropped before this line (a `?` above), `tx` rolls back.
    tx.commit().await
}

/// The same statements, each on its own: between the read and the write,
/// other payments write the merchant's balance, and this write puts back
/// the old value plus one payment, erasing theirs. (A relative
/// `SET balance_cents = balance_cents + ?` would lose nothing.)
async fn pay_without_transaction(
    pool: &SqlitePool,
    from: i64,
    to: i64,
    cents: i64,
) -> Result<(), sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let (from_balance,): (i64,) = sqlx::query_as(BALANCE)
        .bind(from)
        .fetch_one(&mut *conn)
        .await?;
    let (to_balance,): (i64,) = sqlx::query_as(BALANCE)
        .bind(to)
        .fetch_one(&mut *conn)
        .await?;
    sleep(THINK_TIME).await;
    sqlx::query(SET_BALANCE)
        .bind(from_balance - cents)
        .bind(from)
        .execute(&mut *conn)
        .await?;
    sqlx::query(SET_BALANCE)
        .bind(to_balance + cents)
        .bind(to)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Every customer back to the starting balance, the merchant to zero.
async fn reset_balances(pool: &SqlitePool) -> Result<(), String> {
    sqlx::query("UPDATE accounts SET balance_cents = CASE WHEN id = ? THEN 0 ELSE ? END")
        .bind(MERCHANT)
        .bind(START_CENTS)
        .execute(pool)
        .await
        .map(drop)
        .map_err(|e| e.to_string())
}

async fn balance(pool: &SqlitePool, id: i64) -> Result<i64, String> {
    sqlx::query_as(BALANCE)
        .bind(id)
        .fetch_one(pool)
        .await
        .map(|(cents,): (i64,)| cents)
        .map_err(|e| e.to_string())
}

async fn total(pool: &SqlitePool) -> Result<i64, String> {
    sqlx::query_as("SELECT SUM(balance_cents) FROM accounts")
        .fetch_one(pool)
        .await
        .map(|(cents,): (i64,)| cents)
        .map_err(|e| e.to_string())
}

/// Cents as `1234.56`.
fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.abs() / 100, cents.abs() % 100)
}

/// `[--db PATH]`.
fn parse_args(args: Vec<OsString>) -> Result<PathBuf, String> {
    let mut db = PathBuf::from(DEFAULT_DB);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--db" {
            db = args.next().ok_or("--db needs a path")?.into();
        } else {
            return Err(format!("unexpected argument {arg:?}"));
        }
    }
    Ok(db)
}
