//! Guide extra answer 3, web scrapers: 1,000 pages fetched with reqwest, at
//! most K requests in flight.
//!
//! Run: `cargo run -p examples-industry --bin web-scraper` (it starts its own
//! server), or with `-- [--count N] [--limit K] URL_PREFIX` (page i is the
//! prefix followed by i) against any http:// server.
//!
//! Look for: `max in flight`, counted by the server, never above the limit,
//! and the total near ceil(N/K) x 100 ms; then, with more in flight than the
//! server takes, its 503s and the retries with back-off that absorb them.
//!
//! What Rust changes: reqwest puts no limit on requests in flight; a permit
//! of a `Semaphore`, taken before each task is spawned, is the limit. Every
//! request has a timeout, and every failure is a value, counted by cause.
//!
//! New here: one shared `reqwest::Client` (it pools connections), its
//! `Error` kinds (`is_timeout`, `is_connect`), `Semaphore::acquire_owned`,
//! `JoinSet::try_join_next`, an axum body sent in chunks.
//!
//! Try: `-- --limit 100`: the server's whole capacity, 1.00 s, still no 503.
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! axum = { version = "0.8", default-features = false, features = ["http1", "tokio"] }
//! futures-util = { version = "0.3", default-features = false }
//! reqwest = { version = "0.13", default-features = false }
//! tokio = { version = "1.48", features = ["rt", "macros", "net", "time", "sync"] }
//! ```

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::error::Error;
use std::ffi::OsString;
use std::hash::{BuildHasher, Hasher, RandomState};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use reqwest::{Client, Url};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::sleep;

/// The built-in server: how long each answer takes, how many requests it
/// serves at once (beyond that, a 503 at once), and which pages it sends
/// in chunks, without a Content-Length.
const LATENCY: Duration = Duration::from_millis(100);
const CAPACITY: usize = 100;
const PAGE_BYTES: usize = 1024;
const CHUNKED_EVERY: usize = 4;
/// The scraper: a deadline per request, and what it does on a 503.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
const RETRIES: u32 = 5;
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_COUNT: usize = 1_000_000;
const MAX_BODY: usize = 16 << 20;
const USAGE: &str = "usage: web-scraper [--count N] [--limit K] [URL_PREFIX]";

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

    /// The server's side: `None` beyond `capacity`, and then not counted.
    fn try_enter(&self, capacity: usize) -> Option<InFlight<'_>> {
        let n = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        let in_flight = InFlight(self);
        if n > capacity {
            return None;
        }
        self.max.fetch_max(n, Ordering::SeqCst);
        Some(in_flight)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A page as fetched: its final status, its size, whether it came chunked.
struct Page {
    status: u16,
    bytes: usize,
    chunked: bool,
}

/// A page not fetched: its cause (the summary counts these) and the details.
struct Failure {
    cause: &'static str,
    detail: String,
}

/// What one run saw.
#[derive(Default)]
struct Summary {
    statuses: BTreeMap<u16, usize>,
    chunked: usize,
    retries: u32,
    failures: BTreeMap<&'static str, usize>,
    bytes: usize,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let (count, limit, prefix) = match parse_args(std::env::args_os().skip(1).collect()) {
        Ok(args) => args,
        Err(why) => {
            eprintln!("error: {why} ({USAGE})");
            return ExitCode::from(2);
        }
    };
    let result = match prefix {
        Some(prefix) => scrape_external(&prefix, count, limit).await,
        None => scrape_builtin(count, limit).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("error: {why}");
            ExitCode::FAILURE
        }
    }
}

/// One client for the whole run: it keeps a pool of connections to reuse.
/// `local`: the server is on this machine, so no proxy sits between.
fn client(local: bool) -> Result<Client, String> {
    let builder = Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .connect_timeout(Duration::from_secs(5));
    let builder = if local { builder.no_proxy() } else { builder };
    builder
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

/// Against a server someone else wrote: only the scraper's own count of
/// requests in flight is visible from here.
async fn scrape_external(prefix: &str, count: usize, limit: usize) -> Result<(), String> {
    let urls = page_urls(prefix, count).map_err(|why| format!("URL_PREFIX {prefix:?}: {why}"))?;
    println!(
        "{count} pages, {prefix}0 to {prefix}{}, at most {limit} in flight:",
        count - 1
    );
    let open = Arc::new(Load::default());
    let started = Instant::now();
    let summary = scrape(&client(false)?, urls, limit, &open).await;
    print_summary(&summary, count);
    println!(
        "  max in flight: {} (the scraper's own count)",
        open.max.load(Ordering::SeqCst)
    );
    println!("  total time: {:.2} s", started.elapsed().as_secs_f64());
    pages_missing(&summary, count)
}

/// Against the built-in server: the limited run, then one with more in
/// flight than the server's capacity.
async fn scrape_builtin(count: usize, limit: usize) -> Result<(), String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:0: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let served = Arc::new(Load::default());
    let app = Router::new()
        .route("/{page}", get(page))
        .with_state(served.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    println!(
        "Built-in server on {addr}: each answer takes {} ms, at most {CAPACITY} requests at once (beyond that: 503), every {CHUNKED_EVERY}th page sent in chunks",
        LATENCY.as_millis()
    );
    let prefix = format!("http://{addr}/page-");
    let client = client(true)?;

    println!("{count} pages, at most {limit} in flight:");
    let first = timed_run(&client, &prefix, count, limit, &served).await?;

    let over = (4 * limit).min(count);
    println!("{count} pages, at most {over} in flight (the server takes {CAPACITY}):");
    timed_run(&client, &prefix, count, over, &served).await?;
    pages_missing(&first, count)
}

async fn timed_run(
    client: &Client,
    prefix: &str,
    count: usize,
    limit: usize,
    served: &Load,
) -> Result<Summary, String> {
    // Count this run's requests only: wait for the server to be idle.
    while served.now.load(Ordering::SeqCst) > 0 {
        sleep(Duration::from_millis(10)).await;
    }
    served.max.store(0, Ordering::SeqCst);
    let urls = page_urls(prefix, count)?;
    let sent = Arc::new(Load::default());
    let started = Instant::now();
    let summary = scrape(client, urls, limit, &sent).await;
    let elapsed = started.elapsed().as_secs_f64();
    print_summary(&summary, count);
    println!(
        "  max in flight: {} served at once (counted by the server), {} sent at once (the scraper's own count)",
        served.max.load(Ordering::SeqCst),
        sent.max.load(Ordering::SeqCst)
    );
    let ideal = LATENCY.as_secs_f64() * count.div_ceil(limit.min(CAPACITY)) as f64;
    println!(
        "  total time: {elapsed:.2} s (ideal: ceil({count}/{}) x {} ms = {ideal:.2} s)",
        limit.min(CAPACITY),
        LATENCY.as_millis()
    );
    Ok(summary)
}

/// Fetches every URL with at most `limit` requests in flight. The permit is
/// taken before the task is spawned and moves into it: a task exists only
/// while it holds one, and its end lets the next one start.
async fn scrape(client: &Client, urls: Vec<Url>, limit: usize, open: &Arc<Load>) -> Summary {
    let permits = Arc::new(Semaphore::new(limit));
    let mut tasks = JoinSet::new();
    let mut summary = Summary::default();
    for url in urls {
        let permit = permits
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        // A `Client` is a handle: its clones share one pool of connections.
        let (client, open) = (client.clone(), open.clone());
        tasks.spawn(async move {
            let result = fetch(&client, &url, &open).await;
            drop(permit);
            (url, result)
        });
        // Count the finished ones as we go, so that their results don't pile up.
        while let Some(done) = tasks.try_join_next() {
            record(&mut summary, done);
        }
    }
    while let Some(done) = tasks.join_next().await {
        record(&mut summary, done);
    }
    summary
}

type Fetched = (Url, (Result<Page, Failure>, u32));

fn record(summary: &mut Summary, done: Result<Fetched, tokio::task::JoinError>) {
    let (url, (result, retries)) = match done {
        Ok(fetched) => fetched,
        Err(e) => {
            println!("  failed: a fetch task ended: {e}");
            *summary.failures.entry("task ended").or_default() += 1;
            return;
        }
    };
    summary.retries += retries;
    match result {
        Ok(page) => {
            *summary.statuses.entry(page.status).or_default() += 1;
            summary.chunked += usize::from(page.chunked);
            summary.bytes += page.bytes;
        }
        Err(failure) => {
            println!("  failed: {url}: {}", failure.detail);
            *summary.failures.entry(failure.cause).or_default() += 1;
        }
    }
}

/// One page; a 503 ("busy, come back later") is retried after a pause that
/// doubles each time. reqwest 0.13's own retry policy has no back-off yet.
async fn fetch(client: &Client, url: &Url, open: &Load) -> (Result<Page, Failure>, u32) {
    let mut retries = 0;
    loop {
        match fetch_once(client, url, open).await {
            Ok(page) if page.status == 503 && retries < RETRIES => {
                retries += 1;
                sleep(backoff(retries)).await;
            }
            other => return (other, retries),
        }
    }
}

/// 100 ms, 200 ms, 400 ms, ... with "full jitter": a random pause up to
/// that, so the clients refused together don't all come back together.
fn backoff(retry: u32) -> Duration {
    // std's hasher keys are random: enough for jitter, never for secrets.
    let random = RandomState::new().build_hasher().finish();
    let fraction = (random % 1_000_000) as f64 / 1e6;
    (FIRST_BACKOFF * 2u32.pow(retry - 1)).mul_f64(fraction)
}

async fn fetch_once(client: &Client, url: &Url, open: &Load) -> Result<Page, Failure> {
    let _in_flight = open.enter();
    let mut response = client.get(url.clone()).send().await.map_err(failure)?;
    let status = response.status().as_u16();
    // Without a Content-Length the body came in chunks.
    let chunked = response.content_length().is_none();
    let mut bytes = 0;
    while let Some(chunk) = response.chunk().await.map_err(failure)? {
        bytes += chunk.len();
        if bytes > MAX_BODY {
            return Err(Failure {
                cause: "body too large",
                detail: format!("body too large: over {MAX_BODY} bytes"),
            });
        }
    }
    Ok(Page {
        status,
        bytes,
        chunked,
    })
}

/// A reqwest error, by kind, with the innermost cause (the OS's words).
fn failure(e: reqwest::Error) -> Failure {
    let cause = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect failed"
    } else if e.is_body() || e.is_decode() {
        "body cut short"
    } else {
        "request failed"
    };
    let mut innermost: &dyn Error = &e;
    while let Some(source) = innermost.source() {
        innermost = source;
    }
    Failure {
        cause,
        detail: format!("{cause}: {innermost}"),
    }
}

/// The prefix followed by 0 to count - 1, each a URL this client can fetch.
fn page_urls(prefix: &str, count: usize) -> Result<Vec<Url>, String> {
    let first = Url::parse(&format!("{prefix}0")).map_err(|e| format!("not a URL: {e}"))?;
    match first.scheme() {
        "http" => {}
        "https" => return Err("https:// needs TLS, which this reqwest is built without; only http:// URLs are supported".into()),
        other => return Err(format!("{other}:// is not HTTP; only http:// URLs are supported")),
    }
    (0..count)
        .map(|i| Url::parse(&format!("{prefix}{i}")).map_err(|e| format!("not a URL: {e}")))
        .collect()
}

fn print_summary(s: &Summary, count: usize) {
    let ok = s.statuses.get(&200).copied().unwrap_or(0);
    println!("  pages fetched (status 200): {ok} of {count}");
    for (status, n) in s.statuses.iter().filter(|(status, _)| **status != 200) {
        println!("  status {status}: {n}");
    }
    println!("  sent in chunks (no Content-Length): {}", s.chunked);
    println!("  retries after a 503: {}", s.retries);
    println!("  failures: {}", s.failures.values().sum::<usize>());
    for (cause, n) in &s.failures {
        println!("    {cause}: {n}");
    }
    println!("  bytes: {}", s.bytes);
}

fn pages_missing(summary: &Summary, count: usize) -> Result<(), String> {
    match count - summary.statuses.get(&200).copied().unwrap_or(0) {
        0 => Ok(()),
        n => Err(format!("{n} of {count} pages not fetched")),
    }
}

/// The built-in server's one route: counts itself in flight, refuses beyond
/// `CAPACITY`, answers after `LATENCY`.
async fn page(State(served): State<Arc<Load>>, Path(page): Path<String>) -> Response {
    let Some(_in_flight) = served.try_enter(CAPACITY) else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    sleep(LATENCY).await;
    match page
        .strip_prefix("page-")
        .and_then(|i| i.parse::<usize>().ok())
    {
        Some(i) if i % CHUNKED_EVERY == CHUNKED_EVERY - 1 => {
            // A body of unknown length: hyper sends it chunk by chunk
            // (`Transfer-Encoding: chunked`), as a streaming server would.
            let chunks = (0..4).map(|_| Ok::<_, Infallible>(vec![b'x'; PAGE_BYTES / 4]));
            Body::from_stream(futures_util::stream::iter(chunks)).into_response()
        }
        Some(_) => vec![b'x'; PAGE_BYTES].into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
    // `_in_flight` is dropped here, before the answer is written: a client
    // can send its next request only after this count went down.
}

/// `[--count N] [--limit K] [URL_PREFIX]`; counts are checked before anything is allocated.
fn parse_args(args: Vec<OsString>) -> Result<(usize, usize, Option<String>), String> {
    let (mut count, mut limit, mut prefix) = (1000, 50, None);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let arg = arg
            .into_string()
            .map_err(|a| format!("argument {a:?} is not UTF-8"))?;
        let mut number = |name: &str| -> Result<usize, String> {
            let value = args.next().ok_or(format!("{name} needs a number"))?;
            let value = value.to_string_lossy();
            match value.parse::<usize>() {
                Ok(n) if (1..=MAX_COUNT).contains(&n) => Ok(n),
                _ => Err(format!(
                    "{name} takes a number from 1 to {MAX_COUNT}, not {value:?}"
                )),
            }
        };
        match arg.as_str() {
            "--count" => count = number("--count")?,
            "--limit" => limit = number("--limit")?,
            _ if arg.starts_with('-') => return Err(format!("unknown option {arg:?}")),
            _ if prefix.is_none() => prefix = Some(arg),
            _ => return Err(format!("unexpected argument {arg:?}")),
        }
    }
    Ok((count, limit, prefix))
}
