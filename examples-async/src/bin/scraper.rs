//! Guide extra answer 3, web scrapers fetching thousands of URLs: 1,000 pages
//! with at most K requests in flight, a `tokio::sync::Semaphore` as the limit,
//! over a hand-written HTTP/1.1 GET (plain `http://`, no chunked bodies); its
//! real twin is `web-scraper` in examples-industry (reqwest).
//!
//! Run: `cargo run -p examples-async --bin scraper` (it starts its own server),
//! or `scraper [--count N] [--limit K] [URL_PREFIX]` (URL i is the prefix + i).
//!
//! Look for: `max in flight`, counted by the server, never above the limit, and
//! the total near ceil(N/K) x latency; with no limit the server refuses (503)
//! and retries cannot save every page; one at a time takes N x latency.
//!
//! What Rust changes: a permit is taken *before* a task is spawned, so no more
//! than K tasks even exist; every request has a timeout; each failure is a
//! value, counted by cause. A real project uses `reqwest` (on `hyper`); this
//! hand-written HTTP/1.1 GET (Content-Length or connection close) shows the I/O.
//!
//! New here: `acquire_owned`, `JoinSet`, `timeout`, each failure a value with its cause.
//!
//! Try: `-- --limit 200` (above the server's capacity of 100), or `-- --limit 1`.
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! tokio = { version = "1.48", features = ["rt", "macros", "time", "sync", "net", "io-util"] }
//! ```

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::{sleep, timeout};

/// The built-in server: how long each answer takes, and how many
/// connections it serves at once (beyond that it answers 503 at once).
const LATENCY: Duration = Duration::from_millis(100);
const CAPACITY: usize = 100;
const PAGE_BYTES: usize = 1024;
/// The client: a deadline per request, and what it does on a 503.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
const RETRIES: u32 = 2;
const RETRY_PAUSE: Duration = Duration::from_millis(100);
const MAX_COUNT: usize = 1_000_000;
const MAX_BODY: usize = 16 << 20;

/// In-flight counters: the current number and the largest seen.
#[derive(Default)]
struct InFlight {
    now: AtomicUsize,
    max: AtomicUsize,
}

impl InFlight {
    fn enter(&self) -> usize {
        let n = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(n, Ordering::SeqCst);
        n
    }
    fn leave(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
    fn take_max(&self) -> usize {
        self.max.swap(0, Ordering::SeqCst)
    }
}

/// What one run of the scraper saw.
#[derive(Default)]
struct Summary {
    fetched: usize,
    statuses: BTreeMap<u16, usize>,
    retries: usize,
    failures: BTreeMap<&'static str, usize>,
    bytes: usize,
}

/// A failed request: its cause (the summary counts these) and the details.
struct Failure {
    cause: &'static str,
    detail: String,
}

fn fail(cause: &'static str, detail: impl Into<String>) -> Failure {
    Failure {
        cause,
        detail: detail.into(),
    }
}

struct Response {
    status: u16,
    body_bytes: usize,
    had_length: bool,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (count, limit, prefix) = match parse_args(std::env::args_os().skip(1).collect()) {
        Ok(args) => args,
        Err(why) => {
            eprintln!("error: {why} (usage: scraper [--count N] [--limit K] [URL_PREFIX])");
            std::process::exit(2);
        }
    };
    let ok = match prefix {
        Some(prefix) => scrape_external(&prefix, count, limit).await,
        None => scrape_builtin(count, limit).await,
    };
    match ok {
        Ok(()) => {}
        Err(why) => {
            eprintln!("error: {why}");
            std::process::exit(1);
        }
    }
}

/// Against a server someone else wrote: only the scraper's own count of
/// open connections is visible from here.
async fn scrape_external(prefix: &str, count: usize, limit: usize) -> Result<(), String> {
    parse_url(&format!("{prefix}0")).map_err(|f| format!("URL_PREFIX {prefix:?}: {}", f.detail))?;
    let urls: Vec<String> = (0..count).map(|i| format!("{prefix}{i}")).collect();
    println!(
        "{count} pages from {prefix}0 .. {prefix}{}, at most {limit} in flight",
        count - 1
    );
    let open = Arc::new(InFlight::default());
    let start = Instant::now();
    let summary = scrape(urls, limit, REQUEST_TIMEOUT, open.clone()).await;
    let elapsed = start.elapsed();
    print_summary(&summary, count);
    println!(
        "  max in flight: {} (the scraper's own count of open connections)",
        open.take_max()
    );
    println!("  total time: {:.2} s", elapsed.as_secs_f64());
    failed_pages(&summary, count)
}

/// Against the built-in server: the limited run, then the two contrasts
/// and one URL of each kind of bad input.
async fn scrape_builtin(count: usize, limit: usize) -> Result<(), String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("bind 127.0.0.1:0 failed: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("local_addr failed: {e}"))?;
    let served = Arc::new(InFlight::default());
    tokio::spawn(serve(listener, served.clone()));
    println!(
        "Built-in server on {addr}: each answer takes {} ms, at most {CAPACITY} requests at once (beyond that: 503)",
        LATENCY.as_millis()
    );
    let prefix = format!("http://{addr}/page-");
    let urls = |n: usize| (0..n).map(|i| format!("{prefix}{i}")).collect::<Vec<_>>();
    let unused = Arc::new(InFlight::default());

    println!("{count} pages, at most {limit} in flight (tokio::sync::Semaphore):");
    let main_run = timed_run(urls(count), limit, true, &served, &unused).await;

    println!("No limit: {count} pages at once:");
    timed_run(urls(count), count, false, &served, &unused).await;

    let few = count.min(10);
    println!("One at a time: {few} pages:");
    timed_run(urls(few), 1, true, &served, &unused).await;

    println!("Bad input, one URL of each kind, one at a time:");
    let refused_port = unused_port().await?;
    let bad = vec![
        format!("{prefix}0"),
        format!("htp://{addr}/page-1"),
        format!("http://127.0.0.1:{refused_port}/page-2"),
        format!("http://{addr}/cut-short"),
        format!("http://{addr}/no-length"),
        format!("http://{addr}/stall"),
    ];
    let start = Instant::now();
    let summary = scrape(bad, 1, Duration::from_millis(500), unused.clone()).await;
    print_summary(&summary, 6);
    println!("  total time: {:.2} s", start.elapsed().as_secs_f64());
    failed_pages(&main_run, count)
}

async fn timed_run(
    urls: Vec<String>,
    limit: usize,
    show_ideal: bool,
    served: &InFlight,
    open: &Arc<InFlight>,
) -> Summary {
    let count = urls.len();
    // The server may still be answering requests the previous run gave up
    // on: count this run's requests from the moment it is idle (waiting at
    // most a second), or they would be counted with the leftovers.
    let idle_by = Instant::now() + Duration::from_secs(1);
    while served.now.load(Ordering::SeqCst) > 0 && Instant::now() < idle_by {
        sleep(Duration::from_millis(10)).await;
    }
    served.take_max();
    let start = Instant::now();
    let summary = scrape(urls, limit, REQUEST_TIMEOUT, open.clone()).await;
    let elapsed = start.elapsed().as_secs_f64();
    print_summary(&summary, count);
    println!(
        "  max in flight: {} (counted by the server)",
        served.take_max()
    );
    if show_ideal {
        let ideal = LATENCY.as_secs_f64() * count.div_ceil(limit) as f64;
        let ms = LATENCY.as_millis();
        println!(
            "  total time: {elapsed:.2} s (ideal: ceil({count}/{limit}) x {ms} ms = {ideal:.2} s)"
        );
    } else {
        println!("  total time: {elapsed:.2} s");
    }
    summary
}

/// Fetches every URL with at most `limit` requests in flight. The permit is
/// acquired before the task is spawned and moves into it: a task exists only
/// while it holds one, and dropping it at the task's end lets the next start.
async fn scrape(
    urls: Vec<String>,
    limit: usize,
    deadline: Duration,
    open: Arc<InFlight>,
) -> Summary {
    let permits = Arc::new(Semaphore::new(limit));
    let mut tasks = JoinSet::new();
    for url in urls {
        let permit = permits.clone().acquire_owned().await.expect("never closed");
        let open = open.clone();
        tasks.spawn(async move {
            let result = fetch(&url, deadline, &open).await;
            drop(permit);
            (url, result)
        });
    }
    let mut summary = Summary::default();
    while let Some(joined) = tasks.join_next().await {
        let (url, (result, retries)) = joined.expect("a fetch task panicked");
        summary.retries += retries;
        match result {
            Ok(response) => {
                if !response.had_length {
                    println!(
                        "  note: {url}: no Content-Length, read until the server closed ({} bytes)",
                        response.body_bytes
                    );
                }
                if (200..300).contains(&response.status) {
                    summary.fetched += 1;
                }
                *summary.statuses.entry(response.status).or_default() += 1;
                summary.bytes += response.body_bytes;
            }
            Err(failure) => {
                println!("  failed: {url}: {}", failure.detail);
                *summary.failures.entry(failure.cause).or_default() += 1;
            }
        }
    }
    summary
}

/// One page, with a deadline per attempt and a pause before each retry of a 503.
async fn fetch(
    url: &str,
    deadline: Duration,
    open: &InFlight,
) -> (Result<Response, Failure>, usize) {
    let mut retries = 0;
    loop {
        let result = match timeout(deadline, get(url, open)).await {
            Ok(result) => result,
            Err(_) => Err(fail(
                "timeout",
                format!("timed out after {:.1} s", deadline.as_secs_f64()),
            )),
        };
        match result {
            Ok(r) if r.status == 503 && retries < RETRIES as usize => {
                retries += 1;
                sleep(RETRY_PAUSE).await;
            }
            other => return (other, retries),
        }
    }
}

/// A hand-written HTTP/1.1 GET: one request per connection, `Connection: close`.
async fn get(url: &str, open: &InFlight) -> Result<Response, Failure> {
    let (host, path) = parse_url(url)?;
    let mut stream = TcpStream::connect(&host)
        .await
        .map_err(|e| fail("connect failed", format!("connect to {host} failed: {e}")))?;
    open.enter();
    let result = exchange(&mut stream, &host, &path).await;
    open.leave();
    result
}

async fn exchange(stream: &mut TcpStream, host: &str, path: &str) -> Result<Response, Failure> {
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    let io = |e: std::io::Error| fail("I/O error", format!("I/O error: {e}"));
    stream.write_all(request.as_bytes()).await.map_err(io)?;
    // The head, up to the blank line; what follows it is the body's start.
    let mut data = Vec::new();
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if data.len() > 16 * 1024 {
            return Err(fail("bad response", "bad response: head over 16 KiB"));
        }
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk).await.map_err(io)? {
            0 => {
                return Err(fail(
                    "closed mid-response",
                    "closed mid-response: before the end of the head",
                ));
            }
            n => data.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_ascii_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .filter(|_| head.starts_with("http/1."))
        .ok_or_else(|| fail("bad response", "bad response: no HTTP/1.x status line"))?;
    if head.contains("\r\ntransfer-encoding:") {
        return Err(fail(
            "bad response",
            "bad response: Transfer-Encoding is not supported here",
        ));
    }
    let length = match head
        .split("\r\n")
        .find_map(|l| l.strip_prefix("content-length:"))
    {
        Some(v) => Some(
            v.trim()
                .parse::<usize>()
                .ok()
                .filter(|&n| n <= MAX_BODY)
                .ok_or_else(|| {
                    fail(
                        "bad response",
                        format!("bad response: Content-Length {:?}", v.trim()),
                    )
                })?,
        ),
        None => None,
    };
    let mut body = data.len() - head_end;
    let mut chunk = [0u8; 4096];
    while length.is_none_or(|n| body < n) {
        match stream.read(&mut chunk).await.map_err(io)? {
            0 => break,
            n => body += n,
        }
        if body > MAX_BODY {
            return Err(fail("bad response", "bad response: body over 16 MiB"));
        }
    }
    match length {
        Some(n) if body < n => Err(fail(
            "closed mid-response",
            format!("closed mid-response: {body} of {n} bytes"),
        )),
        _ => Ok(Response {
            status,
            body_bytes: length.unwrap_or(body),
            had_length: length.is_some(),
        }),
    }
}

/// `http://host:port/path` into ("host:port", "/path"); nothing else is accepted.
fn parse_url(url: &str) -> Result<(String, String), Failure> {
    let bad = |why: &str| fail("bad URL", format!("bad URL: {why}"));
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| bad("only http:// URLs are supported"))?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if host.is_empty() {
        return Err(bad("no host"));
    }
    let host = if host.contains(':') {
        host.to_string()
    } else {
        format!("{host}:80")
    };
    let path = if path.is_empty() { "/" } else { path };
    if path.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(bad("spaces or control characters in the path"));
    }
    Ok((host, path.to_string()))
}

fn print_summary(s: &Summary, count: usize) {
    println!("  pages fetched (status 2xx): {} of {count}", s.fetched);
    for (status, n) in &s.statuses {
        println!("  status {status}: {n}");
    }
    println!("  retries after a 503: {}", s.retries);
    println!("  failures: {}", s.failures.values().sum::<usize>());
    for (cause, n) in &s.failures {
        println!("    {cause}: {n}");
    }
    println!("  bytes: {}", s.bytes);
}

fn failed_pages(summary: &Summary, count: usize) -> Result<(), String> {
    match count - summary.fetched {
        0 => Ok(()),
        n => Err(format!("{n} of {count} pages not fetched")),
    }
}

/// A port nobody listens on: bind one, note it, close it.
async fn unused_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("bind 127.0.0.1:0 failed: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("local_addr failed: {e}"))
}

/// The built-in server: counts requests in flight itself (from accept until
/// its answer is written), refuses beyond CAPACITY, answers after LATENCY.
async fn serve(listener: TcpListener, in_flight: Arc<InFlight>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let n = in_flight.enter();
                tokio::spawn(answer(stream, n, in_flight.clone()));
            }
            // Out of file descriptors, say: wait instead of spinning.
            Err(e) => {
                eprintln!("server: accept failed: {e}");
                sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

async fn answer(mut stream: TcpStream, n: usize, in_flight: Arc<InFlight>) {
    let path = read_path(&mut stream).await;
    if n <= CAPACITY {
        sleep(LATENCY).await;
    }
    // Leave before writing: the client can only finish after this line.
    in_flight.leave();
    let response = match path.as_deref() {
        _ if n > CAPACITY => {
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n".to_string()
        }
        Some("/cut-short") => format!(
            "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{}",
            "x".repeat(40)
        ),
        Some("/no-length") => format!(
            "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{}",
            "x".repeat(PAGE_BYTES)
        ),
        Some("/stall") => return sleep(Duration::from_secs(60)).await,
        Some(_) => format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {PAGE_BYTES}\r\n\r\n{}",
            "x".repeat(PAGE_BYTES)
        ),
        None => "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".to_string(),
    };
    let _ = stream.write_all(response.as_bytes()).await;
}

/// The request line's path, or `None` for a head that is too long, slow or malformed.
async fn read_path(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = timeout(REQUEST_TIMEOUT, stream.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 || head.len() > 8 * 1024 {
            return None;
        }
        head.extend_from_slice(&chunk[..n]);
    }
    let line = String::from_utf8_lossy(&head).lines().next()?.to_string();
    line.split(' ').nth(1).map(str::to_string)
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
