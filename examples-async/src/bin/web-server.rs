//! Guide extra answer 3, web servers handling client requests: an HTTP server
//! on one thread where every request awaits a database query, with HTTP/1.1
//! parsed by hand over a `TcpStream` to show what a framework does; its real
//! twin is `bank-api` in examples-industry (axum, sqlx, argon2).
//!
//! Run: `cargo run -p examples-async --bin web-server -- demo` (a built-in
//! load), or without `-- demo` and then `curl -i http://127.0.0.1:8080/user/42`.
//!
//! Look for: 100 requests answered in about one query's time (0.2 s), not the
//! sequential 100 x 0.2 s, and the server counting 100 in progress at once.
//!
//! What Rust changes: nothing runs in parallel; while a request awaits its
//! query the one thread serves the others. Limits are explicit: a request head
//! over 8 KiB gets 431, a client silent for 5 s gets 408. A real project uses
//! `axum` (on `hyper`); this hand-written HTTP/1.1 shows what it does for you.
//!
//! New here: `TcpListener::accept` in a loop, a task per connection, `timeout`.
//!
//! Try: replace `sleep(QUERY_TIME).await` with `std::thread::sleep(QUERY_TIME)`.
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! tokio = { version = "1.48", features = ["rt", "macros", "time", "sync", "net", "io-util"] }
//! ```

use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio::time::{sleep, timeout};

const DEFAULT_ADDR: &str = "127.0.0.1:8080";
const QUERY_TIME: Duration = Duration::from_millis(200);
const MAX_HEAD: usize = 8 * 1024;
const IDLE_TIMEOUT: Duration = Duration::from_secs(5);
const DEMO_REQUESTS: usize = 100;

/// Requests in progress now, and the most at once.
#[derive(Default)]
struct Load {
    now: AtomicUsize,
    max: AtomicUsize,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let arg = std::env::args_os()
        .nth(1)
        .map(|a| a.to_string_lossy().into_owned());
    let (addr, demo) = match arg.as_deref() {
        Some("demo") => ("127.0.0.1:0".to_string(), true),
        Some(port) if port.parse::<u16>().is_ok() => (format!("127.0.0.1:{port}"), false),
        None => (DEFAULT_ADDR.to_string(), false),
        Some(other) => exit_with(&format!(
            "expected `demo` or a port number, found {other:?}"
        )),
    };
    let listener = match TcpListener::bind(&addr).await {
        Ok(listener) => listener,
        Err(e) => exit_with(&format!("bind {addr} failed: {e}")),
    };
    let local = match listener.local_addr() {
        Ok(local) => local,
        Err(e) => exit_with(&format!("local_addr failed: {e}")),
    };
    let load = Arc::new(Load::default());
    if demo {
        tokio::spawn(serve(listener, load.clone(), false));
        run_demo(&local.to_string(), &load).await;
    } else {
        println!(
            "Listening on http://{local}/ (try: curl -i http://{local}/user/42; Ctrl-C stops it)"
        );
        serve(listener, load, true).await;
    }
}

fn exit_with(why: &str) -> ! {
    eprintln!("error: {why}");
    std::process::exit(2);
}

/// One task per connection: the accept loop never waits for a query.
async fn serve(listener: TcpListener, load: Arc<Load>, log: bool) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(handle_request(stream, load.clone(), log));
            }
            Err(e) => {
                eprintln!("accept failed: {e}");
                sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn handle_request(mut stream: TcpStream, load: Arc<Load>, log: bool) {
    let start = Instant::now();
    let n = load.now.fetch_add(1, Ordering::SeqCst) + 1;
    load.max.fetch_max(n, Ordering::SeqCst);
    let mut request = String::from("(no request line)");
    let (status, body) = match timeout(IDLE_TIMEOUT, read_head(&mut stream)).await {
        Err(_) => ("408 Request Timeout", "no request within 5 s\n".to_string()),
        Ok(None) => (
            "431 Request Header Fields Too Large",
            "request head over 8 KiB\n".to_string(),
        ),
        Ok(Some(line)) => {
            request = line;
            route(&request).await
        }
    };
    load.now.fetch_sub(1, Ordering::SeqCst);
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    // A client that left early is not the server's problem: drop the error.
    let _ = stream.write_all(response.as_bytes()).await;
    // Close our side, then read what the client still sends (the rest of an
    // oversized head): closing with unread data would reset the connection
    // and the client could lose the answer.
    let _ = stream.shutdown().await;
    let mut sink = [0u8; 1024];
    let _ = timeout(Duration::from_secs(1), async {
        while let Ok(1..) = stream.read(&mut sink).await {}
    })
    .await;
    if log {
        let took = start.elapsed().as_secs_f64();
        // `writeln!`, not `println!`: a closed stdout must not end the task.
        let _ = writeln!(std::io::stdout(), "{request} -> {status} in {took:.2} s");
    }
}

/// The request line, once the whole head is in; `None` past MAX_HEAD bytes
/// (or when the client hangs up first).
async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok().filter(|&n| n > 0)?;
        head.extend_from_slice(&chunk[..n]);
        if head.len() > MAX_HEAD {
            return None;
        }
    }
    Some(String::from_utf8_lossy(&head).lines().next()?.to_string())
}

/// `GET /user/<id>` awaits the query; `GET /` says what to try.
async fn route(request_line: &str) -> (&'static str, String) {
    let mut words = request_line.split(' ');
    match (words.next(), words.next()) {
        (Some("GET"), Some("/")) => ("200 OK", "try /user/42\n".to_string()),
        (Some("GET"), Some(path)) => match path.strip_prefix("/user/").map(str::parse::<u32>) {
            Some(Ok(id)) => ("200 OK", query_user(id).await),
            _ => ("404 Not Found", "not found\n".to_string()),
        },
        _ => ("405 Method Not Allowed", "only GET\n".to_string()),
    }
}

/// The simulated database: the query takes QUERY_TIME, awaited, not blocked on.
async fn query_user(id: u32) -> String {
    sleep(QUERY_TIME).await;
    format!("user {id}: balance {}.{:02}\n", id * 10, id % 100)
}

/// DEMO_REQUESTS clients at once on the same thread as the server, then one
/// request with a head over the limit.
async fn run_demo(addr: &str, load: &Load) {
    let query = QUERY_TIME.as_secs_f64();
    println!(
        "Demo: {DEMO_REQUESTS} requests at once, each awaiting a {query:.2} s database query, one thread"
    );
    let start = Instant::now();
    let mut clients = JoinSet::new();
    for id in 0..DEMO_REQUESTS {
        let addr = addr.to_string();
        clients.spawn(async move { get(&addr, &format!("GET /user/{id} HTTP/1.1\r\n\r\n")).await });
    }
    let mut answered = 0;
    while let Some(reply) = clients.join_next().await {
        match reply.expect("a client task panicked") {
            Ok(reply) if reply.starts_with("HTTP/1.1 200 OK") => answered += 1,
            Ok(reply) => println!("unexpected answer: {}", reply.lines().next().unwrap_or("")),
            Err(e) => println!("request failed: {e}"),
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!("answered: {answered} of {DEMO_REQUESTS} with 200 OK");
    println!(
        "most requests in progress at once (counted by the server): {}",
        load.max.load(Ordering::SeqCst)
    );
    println!(
        "total time: {elapsed:.2} s (one query: {query:.2} s; one request after another: {DEMO_REQUESTS} x {query:.2} = {:.2} s)",
        query * DEMO_REQUESTS as f64
    );
    let huge = format!(
        "GET /user/1 HTTP/1.1\r\nX-Padding: {}\r\n\r\n",
        "x".repeat(9 * 1024)
    );
    match get(addr, &huge).await {
        Ok(reply) => println!(
            "a 9 KiB request head: {}",
            reply.lines().next().unwrap_or("")
        ),
        Err(e) => println!("a 9 KiB request head: failed: {e}"),
    }
}

/// A minimal client: send the request, read until the server closes.
async fn get(addr: &str, request: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(request.as_bytes()).await?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await?;
    Ok(reply)
}
