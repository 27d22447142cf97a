//! Guide extra answer 3, web servers: a bank's JSON API on axum, its data in
//! SQLite through sqlx, its passwords checked with argon2.
//!
//! Run: `cargo run -p examples-industry --bin bank-api`, then in another
//! terminal `curl -i http://127.0.0.1:3000/users/1`; or `-- demo` for a load.
//!
//! Look for: in `-- demo`, the latency of cheap GETs while logins hash on the
//! runtime's worker threads, against the same load with the hashing in
//! `spawn_blocking`; and the most requests in flight at once.
//!
//! What Rust changes: requests run in parallel on a worker thread per core,
//! not on one event loop, yet a handler that computes without `.await` still
//! holds its worker: argon2 goes to `spawn_blocking`. Limits are explicit: a
//! body over 4 KiB gets 413, a request not sent whole within 5 s is dropped.
//!
//! New here: `Router` with `/{id}` routes, extractors as handler arguments
//! (`State`, `Path`, `Json`) and their rejections as values, `SqlitePool` and
//! `.bind()`, argon2's PHC strings, `spawn_blocking`, two runtimes.
//!
//! Try: `curl -i 'http://127.0.0.1:3000/users/1%20OR%201=1'`: a 400, since the
//! id must parse as an integer and is bound as one, never pasted into SQL.
//!
//! Copy: add to Cargo.toml (and the profile: unoptimized, argon2 is ten times slower):
//!
//! ```toml
//! [dependencies]
//! argon2 = { version = "0.5", default-features = false, features = ["std"] }
//! axum = { version = "0.8", default-features = false, features = ["json"] }
//! hyper = { version = "1", features = ["http1", "server"] }
//! hyper-util = { version = "0.1", features = ["service", "tokio"] }
//! reqwest = { version = "0.13", default-features = false, features = ["json"] }
//! serde = { version = "1", features = ["derive"] }
//! sqlx = { version = "0.8", default-features = false, features = ["runtime-tokio", "sqlite"] }
//! tokio = { version = "1.48", features = ["rt-multi-thread", "net", "time", "sync"] }
//!
//! [profile.dev.package.argon2]
//! opt-level = 3
//! ```

use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::{Path as FsPath, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use serde::{Deserialize, Serialize};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use tokio::net::TcpListener;
use tokio::runtime::Runtime;
use tokio::sync::Semaphore;
use tokio::task::{JoinSet, spawn_blocking};
use tokio::time::{sleep, timeout};

const DEFAULT_ADDR: &str = "127.0.0.1:3000";
const DEFAULT_DB: &str = "target/bank-api.sqlite3";
const USAGE: &str = "usage: bank-api [ADDR] [--db PATH] | bank-api demo [--db PATH]";
/// What one client can make the server hold: a body this big, a request this long.
const BODY_LIMIT: usize = 4 * 1024;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// The seeded users: name, password, balance in cents. Demo passwords only.
const USERS: [(&str, &str, i64); 5] = [
    ("alice", "correct horse battery staple", 250_000),
    ("bob", "tr0ub4dor&3", 120_050),
    ("carol", "open sesame, please", 98_765),
    ("dave", "hunter2 hunter2", 500),
    ("erin", "xkcd 936 was right", 31_415),
];

/// What every handler shares: `Clone` is cheap (a pool handle and `Arc`s).
#[derive(Clone)]
struct AppState {
    pool: SqlitePool,
    /// A hash of no one's password, checked when the user is unknown.
    dummy_hash: Arc<str>,
    /// One permit per core: how many passwords are checked at once.
    hashing: Arc<Semaphore>,
    /// The footgun, for the demo only: hash on the runtime's worker threads.
    hash_on_runtime: bool,
    load: Arc<Load>,
    log: bool,
}

/// Requests in flight now, and the most at once.
#[derive(Default)]
struct Load {
    now: AtomicUsize,
    max: AtomicUsize,
}

/// One request in flight: dropping it (on every path) counts it out.
struct InFlight<'a>(&'a Load);

impl Load {
    fn enter(&self) -> InFlight<'_> {
        let n = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(n, Ordering::SeqCst);
        InFlight(self)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}

#[derive(Serialize)]
struct User {
    id: i64,
    name: String,
    balance_cents: i64,
}

/// No `#[derive(Debug)]`: a `{:?}` of it in some log line would print the password.
#[derive(Deserialize, Serialize)]
struct Login {
    username: String,
    password: String,
}

#[derive(Serialize)]
struct LoggedIn {
    user_id: i64,
}

/// Every error answer: a status and `{"error": "..."}`.
struct ApiError {
    status: StatusCode,
    message: String,
}

#[derive(Serialize)]
struct ErrorBody {
    error: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.message,
        };
        (self.status, Json(body)).into_response()
    }
}

/// Malformed JSON (400), wrong fields (422), no JSON content type (415), a
/// body over the limit (413): axum's rejection knows the status.
impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        ApiError::new(rejection.status(), rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> ApiError {
        ApiError::new(rejection.status(), rejection.body_text())
    }
}

/// The details go to the server's log; the client learns only the status.
impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> ApiError {
        eprintln!("database error: {e}");
        match e {
            sqlx::Error::PoolTimedOut => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy"),
            _ => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error"),
        }
    }
}

enum Mode {
    Serve(String),
    Demo,
}

fn main() -> ExitCode {
    let (mode, db) = match parse_args(std::env::args_os().skip(1).collect()) {
        Ok(args) => args,
        Err(why) => {
            eprintln!("error: {why} ({USAGE})");
            return ExitCode::from(2);
        }
    };
    match run(mode, &db) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("error: {why}");
            ExitCode::FAILURE
        }
    }
}

fn run(mode: Mode, db: &FsPath) -> Result<(), String> {
    // The server's runtime: one worker thread per core, tokio's default.
    let server = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?;
    let pool = server.block_on(open_database(db))?;
    match mode {
        Mode::Serve(addr) => server.block_on(serve(&addr, pool)),
        Mode::Demo => demo(&server, pool),
    }
}

async fn serve(addr: &str, pool: SqlitePool) -> Result<(), String> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let state = app_state(pool, false, true).await?;
    println!("Listening on http://{local}");
    accept_loop(listener, app(state)).await;
    Ok(())
}

fn app(state: AppState) -> Router {
    Router::new()
        .route("/users/{id}", get(get_user))
        .route("/login", post(login))
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        // `Json` reads at most this much of a body; beyond it, a 413.
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(state.clone(), limit_and_log))
        .with_state(state)
}

/// What `axum::serve` does, plus the limit it lacks in axum 0.8: a deadline
/// for the request head. Without it, a client that sends half a head and
/// stops holds its connection and its task for ever.
async fn accept_loop(listener: TcpListener, app: Router) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors, say: wait instead of spinning.
            Err(e) => {
                eprintln!("accept failed: {e}");
                sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let service = TowerToHyperService::new(app.clone());
        // One task per connection; the runtime spreads them over its workers.
        tokio::spawn(async move {
            // A client that leaves mid-request ends here: nothing to report.
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(REQUEST_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Every request: counted while in flight, cut off after `REQUEST_TIMEOUT`
/// (a client that never finishes its body holds nothing longer), and logged
/// as one line without its body, so no password reaches the log.
async fn limit_and_log(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let line = format!("{} {}", request.method(), request.uri().path());
    let _in_flight = state.load.enter();
    let response = match timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let why = format!(
                "request not complete within {} s",
                REQUEST_TIMEOUT.as_secs()
            );
            // The rest of the body may still come: close rather than read it.
            let close = [(header::CONNECTION, "close")];
            (close, ApiError::new(StatusCode::REQUEST_TIMEOUT, why)).into_response()
        }
    };
    if state.log {
        let ms = started.elapsed().as_secs_f64() * 1e3;
        println!("{line} -> {} in {ms:.1} ms", response.status().as_u16());
    }
    response
}

async fn get_user(
    State(state): State<AppState>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<User>, ApiError> {
    let Path(id) = id?;
    // `?` is a placeholder: `.bind(id)` sends the value apart from the SQL
    // text, so no input can change the query. Never `format!` a query. Only
    // the columns the answer needs: the hash never leaves the database here.
    let row: Option<(i64, String, i64)> =
        sqlx::query_as("SELECT id, name, balance_cents FROM users WHERE id = ?")
            .bind(id)
            .fetch_optional(&state.pool)
            .await?;
    let (id, name, balance_cents) =
        row.ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no user {id}")))?;
    Ok(Json(User {
        id,
        name,
        balance_cents,
    }))
}

async fn login(
    State(state): State<AppState>,
    body: Result<Json<Login>, JsonRejection>,
) -> Result<Json<LoggedIn>, ApiError> {
    let Json(Login { username, password }) = body?;
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, password_hash FROM users WHERE name = ?")
            .bind(&username)
            .fetch_optional(&state.pool)
            .await?;
    // An unknown user is checked against a dummy hash: the same work, the
    // same time and the same 401 as a wrong password, so the answer never
    // tells whether a username exists.
    let (user_id, hash) = match row {
        Some((id, hash)) => (Some(id), hash),
        None => (None, state.dummy_hash.to_string()),
    };
    // Each check holds 19 MiB and a core for tens of milliseconds: one per
    // core at a time, the others wait here holding neither. Unbounded, a
    // burst of logins would be a burst of memory.
    let _permit = state
        .hashing
        .acquire()
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let matches = if state.hash_on_runtime {
        // The footgun (the demo's): tens of milliseconds of CPU on a worker
        // thread, which runs none of its other tasks meanwhile.
        password_matches(&password, &hash)
    } else {
        // A thread of tokio's blocking pool hashes; the worker serves others.
        spawn_blocking(move || password_matches(&password, &hash))
            .await
            .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
    };
    match user_id {
        Some(user_id) if matches => Ok(Json(LoggedIn { user_id })),
        _ => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "wrong username or password",
        )),
    }
}

async fn unknown_route(method: Method, uri: Uri) -> ApiError {
    let why = format!("no route for {method} {}", uri.path());
    ApiError::new(StatusCode::NOT_FOUND, why)
}

async fn wrong_method(method: Method, uri: Uri) -> ApiError {
    let why = format!("{method} is not allowed on {}", uri.path());
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, why)
}

/// A PHC string, `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`: the
/// algorithm, its parameters and a random salt travel with the hash.
fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| format!("argon2: {e}"))
}

/// argon2's `verify_password` reads the parameters from the PHC string and
/// compares in constant time.
fn password_matches(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

async fn app_state(pool: SqlitePool, hash_on_runtime: bool, log: bool) -> Result<AppState, String> {
    let dummy = spawn_blocking(|| hash_password("no one's password"))
        .await
        .map_err(|e| e.to_string())??;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    Ok(AppState {
        pool,
        dummy_hash: dummy.into(),
        hashing: Arc::new(Semaphore::new(cores)),
        hash_on_runtime,
        load: Arc::new(Load::default()),
        log,
    })
}

/// The database file, created and seeded if it is missing.
async fn open_database(path: &FsPath) -> Result<SqlitePool, String> {
    let fail = |e: &dyn std::fmt::Display| format!("database {}: {e}", path.display());
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
    }
    // A file, never `sqlite::memory:` behind a pool: each pooled connection
    // would open a database of its own, empty. WAL lets readers run beside
    // the writer; the busy timeout makes a connection wait for a lock
    // instead of failing at once.
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(5)
        .acquire_timeout(Duration::from_secs(3))
        .connect_with(options)
        .await
        .map_err(|e| fail(&e))?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS users (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            balance_cents INTEGER NOT NULL,
            password_hash TEXT NOT NULL
        )",
    )
    .execute(&pool)
    .await
    .map_err(|e| fail(&e))?;
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(&pool)
        .await
        .map_err(|e| fail(&e))?;
    if count == 0 {
        let hashes = spawn_blocking(|| USERS.map(|(_, password, _)| hash_password(password)))
            .await
            .map_err(|e| fail(&e))?;
        for ((name, _, balance), hash) in USERS.iter().zip(hashes) {
            sqlx::query(
                "INSERT OR IGNORE INTO users (name, balance_cents, password_hash) VALUES (?, ?, ?)",
            )
            .bind(name)
            .bind(balance)
            .bind(hash?)
            .execute(&pool)
            .await
            .map_err(|e| fail(&e))?;
        }
    }
    Ok(pool)
}

// ---- The demo: the server under load, measured by a client of its own. ----

const LOAD_CLIENTS: usize = 50;
const LOAD_GETS: usize = 2000;
const LOAD_LOGINS: usize = 20;
const FOOTGUN_GETS: usize = 100;
const GET_EVERY: Duration = Duration::from_millis(10);

/// Two servers over one database, the right one and the footgun, and a
/// client on a runtime of its own on this thread, as if from another
/// program: a stalled server runtime must not stall the clock that times it.
fn demo(server: &Runtime, pool: SqlitePool) -> Result<(), String> {
    let workers = server.metrics().num_workers();
    let (good, load) = server.block_on(start(pool.clone(), false))?;
    let (footgun, _) = server.block_on(start(pool, true))?;
    let hash = hash_password("a password")?;
    let started = Instant::now();
    password_matches("a password", &hash);
    let one_hash = started.elapsed();
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?;
    client.block_on(drive(good, footgun, &load, workers, one_hash))
}

/// A server on 127.0.0.1, any free port, without a request log.
async fn start(pool: SqlitePool, hash_on_runtime: bool) -> Result<(SocketAddr, Arc<Load>), String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:0: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let state = app_state(pool, hash_on_runtime, false).await?;
    let load = state.load.clone();
    tokio::spawn(accept_loop(listener, app(state)));
    Ok((addr, load))
}

async fn drive(
    good: SocketAddr,
    footgun: SocketAddr,
    load: &Load,
    workers: usize,
    one_hash: Duration,
) -> Result<(), String> {
    // One client for every request: it keeps a pool of connections. Its
    // idle ones close before the server's 5 s, so none is reused as it closes.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .pool_idle_timeout(Duration::from_secs(2))
        .no_proxy()
        .build()
        .map_err(|e| format!("cannot build the client: {e}"))?;
    println!("Demo: bank-api on http://{good}, {workers} runtime worker threads");
    let alice = |password: &str| Login {
        username: "alice".into(),
        password: password.into(),
    };
    let show = [
        ("GET /users/1", client.get(format!("http://{good}/users/1"))),
        (
            "GET /users/999",
            client.get(format!("http://{good}/users/999")),
        ),
        (
            "POST /login, alice's password",
            client
                .post(format!("http://{good}/login"))
                .json(&alice(USERS[0].1)),
        ),
        (
            "POST /login, a wrong password",
            client
                .post(format!("http://{good}/login"))
                .json(&alice("guess")),
        ),
        (
            "POST /login, no such user",
            client.post(format!("http://{good}/login")).json(&Login {
                username: "mallory".into(),
                password: "guess".into(),
            }),
        ),
    ];
    for (what, request) in show {
        let response = request.send().await.map_err(|e| format!("{what}: {e}"))?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(|e| format!("{what}: {e}"))?;
        println!("{what} -> {status} {body}");
    }

    println!(
        "Load: {LOAD_GETS} GETs and {LOAD_LOGINS} logins from {LOAD_CLIENTS} clients at once:"
    );
    let started = Instant::now();
    let (gets, logins, ok) = run_load(&client, good).await;
    println!(
        "  answered: {} of {} with 200 OK",
        ok,
        LOAD_GETS + LOAD_LOGINS
    );
    println!(
        "  GET   p50 {:.1} ms, p99 {:.1} ms",
        pct(&gets, 50),
        pct(&gets, 99)
    );
    println!(
        "  login p50 {:.1} ms, p99 {:.1} ms",
        pct(&logins, 50),
        pct(&logins, 99)
    );
    println!(
        "  most requests in flight at once (counted by the server): {}",
        load.max.load(Ordering::SeqCst)
    );
    println!("  total time: {:.2} s", started.elapsed().as_secs_f64());

    let hashers = 4 * workers;
    println!(
        "Footgun: {hashers} logins at a time (one argon2 check: {:.0} ms of CPU) while {FOOTGUN_GETS} GETs arrive, one every {} ms:",
        one_hash.as_secs_f64() * 1e3,
        GET_EVERY.as_millis()
    );
    let (on_workers, done_on) = footgun_run(&client, footgun, hashers).await?;
    println!(
        "  hashing on the runtime's worker threads: GET p50 {:.1} ms, p99 {:.1} ms ({done_on} logins meanwhile)",
        pct(&on_workers, 50),
        pct(&on_workers, 99)
    );
    let (in_blocking, done_in) = footgun_run(&client, good, hashers).await?;
    println!(
        "  hashing in spawn_blocking:               GET p50 {:.1} ms, p99 {:.1} ms ({done_in} logins meanwhile)",
        pct(&in_blocking, 50),
        pct(&in_blocking, 99)
    );
    println!(
        "  GET p50 with hashing on the workers: {:.1}x the spawn_blocking one",
        pct(&on_workers, 50) / pct(&in_blocking, 50)
    );
    Ok(())
}

/// `LOAD_CLIENTS` tasks take the next request from a shared counter until
/// all are sent: GETs, and a login every 100th request. Returns the sorted
/// GET and login latencies and how many were answered 200.
async fn run_load(
    client: &reqwest::Client,
    addr: SocketAddr,
) -> (Vec<Duration>, Vec<Duration>, usize) {
    let next = Arc::new(AtomicUsize::new(0));
    let mut clients = JoinSet::new();
    for _ in 0..LOAD_CLIENTS {
        let (client, next) = (client.clone(), next.clone());
        clients.spawn(async move {
            let mut seen = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= LOAD_GETS + LOAD_LOGINS {
                    return seen;
                }
                let is_login = i % ((LOAD_GETS + LOAD_LOGINS) / LOAD_LOGINS) == 0;
                let request = if is_login {
                    let (username, password, _) = USERS[i % USERS.len()];
                    let login = Login {
                        username: username.into(),
                        password: password.into(),
                    };
                    client.post(format!("http://{addr}/login")).json(&login)
                } else {
                    client.get(format!("http://{addr}/users/{}", 1 + i % USERS.len()))
                };
                let started = Instant::now();
                let ok = match request.send().await {
                    Ok(response) => response.status() == 200 && response.bytes().await.is_ok(),
                    Err(_) => false,
                };
                seen.push((is_login, started.elapsed(), ok));
            }
        });
    }
    let (mut gets, mut logins, mut ok) = (Vec::new(), Vec::new(), 0);
    while let Some(Ok(seen)) = clients.join_next().await {
        for (is_login, latency, fine) in seen {
            ok += usize::from(fine);
            if is_login {
                logins.push(latency)
            } else {
                gets.push(latency)
            }
        }
    }
    gets.sort();
    logins.sort();
    (gets, logins, ok)
}

/// `hashers` tasks log in again and again while a GET arrives every
/// `GET_EVERY`, `FOOTGUN_GETS` in all, each timed on its own (arrivals on a
/// clock, not one after another: a fast GET must not get the next one in
/// sooner). Returns the GETs' sorted latencies and the logins done.
async fn footgun_run(
    client: &reqwest::Client,
    addr: SocketAddr,
    hashers: usize,
) -> Result<(Vec<Duration>, usize), String> {
    let stop = Arc::new(AtomicBool::new(false));
    let mut logins = JoinSet::new();
    for _ in 0..hashers {
        let (client, stop) = (client.clone(), stop.clone());
        logins.spawn(async move {
            let mut done = 0;
            while !stop.load(Ordering::SeqCst) {
                let login = Login {
                    username: USERS[0].0.into(),
                    password: USERS[0].1.into(),
                };
                let sent = client
                    .post(format!("http://{addr}/login"))
                    .json(&login)
                    .send()
                    .await;
                if let Ok(response) = sent {
                    let _ = response.bytes().await;
                    done += 1;
                }
            }
            done
        });
    }
    // Let the logins take the workers first.
    sleep(Duration::from_millis(200)).await;
    let started = tokio::time::Instant::now();
    let mut gets = JoinSet::new();
    for i in 0..FOOTGUN_GETS {
        tokio::time::sleep_until(started + GET_EVERY * i as u32).await;
        let (client, url) = (
            client.clone(),
            format!("http://{addr}/users/{}", 1 + i % USERS.len()),
        );
        gets.spawn(async move {
            let sent = Instant::now();
            match client.get(url).send().await {
                Ok(response) if response.status() == 200 => {
                    let _ = response.bytes().await;
                    Ok(sent.elapsed())
                }
                Ok(response) => Err(format!("a GET got {}", response.status())),
                Err(e) => Err(format!("a GET failed: {e}")),
            }
        });
    }
    let mut latencies = Vec::with_capacity(FOOTGUN_GETS);
    while let Some(joined) = gets.join_next().await {
        latencies.push(joined.map_err(|e| e.to_string())??);
    }
    stop.store(true, Ordering::SeqCst);
    let mut done = 0;
    while let Some(n) = logins.join_next().await {
        done += n.unwrap_or(0);
    }
    latencies.sort();
    Ok((latencies, done))
}

/// The `p`th percentile of sorted latencies, in milliseconds.
fn pct(sorted: &[Duration], p: usize) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        n => sorted[(n - 1) * p / 100].as_secs_f64() * 1e3,
    }
}

/// `[ADDR] [--db PATH]` or `demo [--db PATH]`.
fn parse_args(args: Vec<OsString>) -> Result<(Mode, PathBuf), String> {
    let mut mode = None;
    let mut db = PathBuf::from(DEFAULT_DB);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--db" {
            db = args.next().ok_or("--db needs a path")?.into();
            continue;
        }
        let arg = arg
            .into_string()
            .map_err(|a| format!("argument {a:?} is not UTF-8"))?;
        match arg.as_str() {
            _ if mode.is_some() => return Err(format!("unexpected argument {arg:?}")),
            "demo" => mode = Some(Mode::Demo),
            _ if arg.starts_with('-') => return Err(format!("unknown option {arg:?}")),
            _ if arg.parse::<SocketAddr>().is_ok() => mode = Some(Mode::Serve(arg)),
            _ => return Err(format!("{arg:?} is not an address such as {DEFAULT_ADDR}")),
        }
    }
    Ok((mode.unwrap_or(Mode::Serve(DEFAULT_ADDR.to_string())), db))
}
