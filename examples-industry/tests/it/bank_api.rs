//! `bank-api` as a real server on a port the OS picks, with a database of
//! its own: what reqwest, curl and a raw socket see. Every answer and every
//! log line is also searched for the seeded passwords and for any argon2
//! hash.
//!
//!     cargo test -p examples-industry --test it bank_api:: -- --nocapture

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::error_line::{one_error_line, run};
use crate::release::bin;

/// The seeded passwords (`USERS` in bank-api.rs): none may ever be printed.
const PASSWORDS: [&str; 5] = [
    "correct horse battery staple",
    "tr0ub4dor&3",
    "open sesame, please",
    "hunter2 hunter2",
    "xkcd 936 was right",
];
const ALICE: &str = r#"{"id":1,"name":"alice","balance_cents":250000}"#;
const WRONG: &str = r#"{"error":"wrong username or password"}"#;

/// A running `bank-api 127.0.0.1:0 --db <fresh file>`, killed when dropped.
struct Server {
    child: Child,
    addr: String,
    db: PathBuf,
    stdout: Option<JoinHandle<String>>,
    stderr: Option<JoinHandle<String>>,
}

fn fresh_db() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("bank-api-{}-{n}.sqlite3", std::process::id()))
}

impl Server {
    fn start() -> Server {
        let db = fresh_db();
        let mut child = Command::new(bin("bank-api"))
            .args([
                OsStr::new("127.0.0.1:0"),
                OsStr::new("--db"),
                db.as_os_str(),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start bank-api");
        let mut out = BufReader::new(child.stdout.take().expect("piped"));
        let mut first = String::new();
        out.read_line(&mut first).expect("read the first line");
        let addr = first
            .trim_end()
            .strip_prefix("Listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_string();
        // Keep reading its log (to check it later), so it never blocks on a full pipe.
        let stdout = thread::spawn(move || {
            let mut log = String::new();
            let _ = out.read_to_string(&mut log);
            log
        });
        let mut err = child.stderr.take().expect("piped");
        let stderr = thread::spawn(move || {
            let mut log = String::new();
            let _ = err.read_to_string(&mut log);
            log
        });
        Server {
            child,
            addr,
            db,
            stdout: Some(stdout),
            stderr: Some(stderr),
        }
    }

    /// Kills the server and returns everything it printed.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let out = self.stdout.take().map(|h| h.join().unwrap_or_default());
        let err = self.stderr.take().map(|h| h.join().unwrap_or_default());
        format!("{}{}", out.unwrap_or_default(), err.unwrap_or_default())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for suffix in ["", "-wal", "-shm"] {
            let mut path = self.db.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in PASSWORDS.iter().chain(&["$argon2"]) {
        assert!(
            !text.contains(secret),
            "{what} contains {secret:?}:\n{text}"
        );
    }
}

async fn call(request: reqwest::RequestBuilder) -> (u16, String) {
    let response = request.send().await.expect("an answer");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a body"))
}

fn login(username: &str, password: &str) -> String {
    format!(r#"{{"username":{username:?},"password":{password:?}}}"#)
}

#[tokio::test]
async fn reqwest_gets_each_answer_and_no_secret_reaches_an_answer_or_the_log() {
    let server = Server::start();
    let base = format!("http://{}", server.addr);
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a client");
    let json = |path: &str, body: String| {
        client
            .post(format!("{base}{path}"))
            .header("content-type", "application/json")
            .body(body)
    };
    let mut answers = Vec::new();
    let mut check = |(status, body): (u16, String), want_status: u16, want_body: &str| {
        assert_eq!(status, want_status, "{body}");
        assert!(
            body.starts_with(want_body),
            "{body:?} is not {want_body:?}..."
        );
        answers.push(body);
    };

    check(
        call(client.get(format!("{base}/users/1"))).await,
        200,
        ALICE,
    );
    check(
        call(client.get(format!("{base}/users/999"))).await,
        404,
        r#"{"error":"no user 999"}"#,
    );
    check(
        call(json("/login", login("alice", PASSWORDS[0]))).await,
        200,
        r#"{"user_id":1}"#,
    );
    // A wrong password and an unknown user: the same status, the same body.
    check(
        call(json("/login", login("alice", "guess"))).await,
        401,
        WRONG,
    );
    check(
        call(json("/login", login("mallory", "guess"))).await,
        401,
        WRONG,
    );
    check(
        call(json("/login", "x".repeat(1 << 20))).await,
        413,
        r#"{"error":"Failed to buffer the request body"#,
    );
    check(
        call(json("/login", r#"{"username":"#.into())).await,
        400,
        r#"{"error":"Failed to parse the request body as JSON"#,
    );
    check(
        call(json("/login", r#"{"username":"alice"}"#.into())).await,
        422,
        r#"{"error":"Failed to deserialize the JSON body"#,
    );
    check(
        call(
            client
                .post(format!("{base}/login"))
                .body(login("alice", "x")),
        )
        .await,
        415,
        r#"{"error":"Expected request with `Content-Type: application/json`"}"#,
    );
    check(
        call(client.get(format!("{base}/nope"))).await,
        404,
        r#"{"error":"no route for GET /nope"}"#,
    );
    check(
        call(client.get(format!("{base}/login"))).await,
        405,
        r#"{"error":"GET is not allowed on /login"}"#,
    );
    for answer in &answers {
        assert_no_secret("an answer", answer);
    }
    let log = server.stop();
    assert!(log.contains("POST /login -> 401 in "), "{log}");
    assert_no_secret("the server's log", &log);
}

#[tokio::test]
async fn injection_looking_input_is_only_data() {
    let server = Server::start();
    let base = format!("http://{}", server.addr);
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a client");
    for id in ["1%20OR%201=1", "1;DROP%20TABLE%20users", "0x1"] {
        let (status, body) = call(client.get(format!("{base}/users/{id}"))).await;
        assert_eq!(status, 400, "/users/{id}: {body}");
        assert!(body.contains("Cannot parse"), "{body}");
    }
    // Bound as a value, the quote is part of a name no user has.
    for username in ["alice' OR '1'='1", "alice'--", "x'; DROP TABLE users; --"] {
        let request = client
            .post(format!("{base}/login"))
            .header("content-type", "application/json")
            .body(login(username, "guess"));
        assert_eq!(call(request).await, (401, WRONG.to_string()), "{username}");
    }
    // The table is whole: every user is still there, and alice still logs in.
    for id in 1..=5 {
        let (status, body) = call(client.get(format!("{base}/users/{id}"))).await;
        assert_eq!(status, 200, "{body}");
    }
    let request = client
        .post(format!("{base}/login"))
        .header("content-type", "application/json")
        .body(login("alice", PASSWORDS[0]));
    assert_eq!(call(request).await, (200, r#"{"user_id":1}"#.to_string()));
}

/// Reads one response: its head, then as many body bytes as its
/// Content-Length says, or up to the end of the stream.
fn read_response(stream: &mut TcpStream) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("a timeout");
    let mut data = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        let text = String::from_utf8_lossy(&data).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length: ")
                        .map(str::to_string)
                })
                .and_then(|n| n.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return text;
            }
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return String::from_utf8_lossy(&data).into_owned(),
            Ok(n) => data.extend_from_slice(&chunk[..n]),
        }
    }
}

#[test]
fn a_client_that_never_finishes_its_request_is_dropped_after_5_s() {
    let server = Server::start();
    let addr = server.addr.clone();
    let slow = |request: &'static str| {
        let addr = addr.clone();
        thread::spawn(move || {
            // Timed from before the connection: the server's timer starts
            // when it accepts it, so a clock started after the write reads
            // a little under 5 s (4.9998 s seen).
            let started = Instant::now();
            let mut stream = TcpStream::connect(&addr).expect("connect");
            stream.write_all(request.as_bytes()).expect("send");
            let reply = read_response(&mut stream);
            // Then the server closes the connection.
            let closed = matches!(stream.read(&mut [0; 64]), Ok(0) | Err(_));
            (started.elapsed(), reply, closed)
        })
    };
    // Half a head, then silence: hyper's header timeout closes the connection.
    let head = slow("GET /users/1 HTTP/1.1\r\nHost: bank\r\n");
    // A whole head, half the body it announced: the middleware answers 408.
    let body = slow(
        "POST /login HTTP/1.1\r\nHost: bank\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"username\":",
    );
    // Meanwhile everyone else is served at once.
    thread::sleep(Duration::from_millis(500));
    let started = Instant::now();
    let mut stream = TcpStream::connect(&server.addr).expect("connect");
    stream
        .write_all(b"GET /users/1 HTTP/1.1\r\nHost: bank\r\n\r\n")
        .expect("send");
    let reply = read_response(&mut stream);
    assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    let window = Duration::from_secs(5)..Duration::from_secs(10);
    let (waited, reply, closed) = head.join().expect("the half-head client");
    assert_eq!(reply, "", "half a head got an answer");
    assert!(closed);
    assert!(window.contains(&waited), "closed after {waited:?}");
    let (waited, reply, closed) = body.join().expect("the half-body client");
    assert!(closed, "the connection stayed open after the 408");
    assert!(
        reply.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
        "{reply}"
    );
    assert!(
        reply.ends_with(r#"{"error":"request not complete within 5 s"}"#),
        "{reply}"
    );
    assert!(window.contains(&waited), "answered after {waited:?}");
}

/// The README's transcript, by curl, where curl exists: a user, a 404, a
/// 401, a 413, malformed JSON, and a client too slow to send its body.
#[test]
fn curl_transcript() {
    if Command::new("curl").arg("--version").output().is_err() {
        println!("skipped: curl is not installed (the reqwest tests cover the same answers)");
        return;
    }
    let server = Server::start();
    let base = format!("http://{}", server.addr);
    let curl = |args: &[&str]| {
        let out = Command::new("curl")
            .args([
                "-s",
                "-i",
                "--noproxy",
                "*",
                "-H",
                "content-type: application/json",
            ])
            .args(args)
            .output()
            .expect("curl runs");
        let text = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
        let shown: Vec<String> = args
            .iter()
            .map(|a| match a.len() {
                0..=80 => a.to_string(),
                n => format!("<{n} bytes>"),
            })
            .collect();
        println!("$ curl -i {}\n{text}\n", shown.join(" "));
        text
    };
    let big = "x".repeat(64 * 1024);
    for (args, status, body) in [
        (vec![format!("{base}/users/1")], "200 OK", ALICE),
        (
            vec![format!("{base}/users/999")],
            "404 Not Found",
            r#"{"error":"no user 999"}"#,
        ),
        (
            vec![
                "-d".into(),
                login("mallory", "guess"),
                format!("{base}/login"),
            ],
            "401 Unauthorized",
            WRONG,
        ),
        (
            vec!["-d".into(), big, format!("{base}/login")],
            "413 Payload Too Large",
            r#"{"error":"Failed to buffer the request body: length limit exceeded"}"#,
        ),
        (
            vec![
                "-d".into(),
                r#"{"username":"#.into(),
                format!("{base}/login"),
            ],
            "400 Bad Request",
            r#"{"error":"Failed to parse the request body as JSON: "#,
        ),
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let text = curl(&args);
        assert!(text.starts_with(&format!("HTTP/1.1 {status}\n")), "{text}");
        assert!(text.contains(&format!("\n\n{body}")), "{text}");
    }
    // A client that sends its body at 10 bytes a second: 215 bytes would
    // take 21 s; the server answers 408 after 5 s and closes.
    let slow_body = login(&"x".repeat(180), "guess");
    let started = Instant::now();
    let text = curl(&[
        "--limit-rate",
        "10",
        "-d",
        &slow_body,
        &format!("{base}/login"),
    ]);
    let waited = started.elapsed();
    assert!(text.starts_with("HTTP/1.1 408 Request Timeout\n"), "{text}");
    assert!(text.contains("\nconnection: close\n"), "{text}");
    assert!(
        text.ends_with("\n\n{\"error\":\"request not complete within 5 s\"}"),
        "{text}"
    );
    let window = Duration::from_secs(5)..Duration::from_secs(10);
    assert!(window.contains(&waited), "answered after {waited:?}");
    assert_no_secret("the server's log", &server.stop());
}

#[test]
fn bad_input_is_one_line() {
    let bank = bin("bank-api");
    let bank = bank.to_str().expect("a UTF-8 path");
    for (args, status, wanted) in [
        (
            &["nonsense"][..],
            2,
            "\"nonsense\" is not an address such as 127.0.0.1:3000",
        ),
        (&["--db"][..], 2, "--db needs a path"),
        (&["--fast"][..], 2, "unknown option \"--fast\""),
        (
            &["demo", "127.0.0.1:0"][..],
            2,
            "unexpected argument \"127.0.0.1:0\"",
        ),
        (
            &["127.0.0.1:0", "--db", "/proc/self/no/such.sqlite3"][..],
            1,
            "database /proc/self/no/such.sqlite3: ",
        ),
    ] {
        let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        let output = run(bank, &args);
        one_error_line("bank-api", &output, wanted);
        assert_eq!(output.status.code(), Some(status), "{args:?}");
    }
    // A port in use.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("an address").to_string();
    let db = fresh_db();
    let output = run(
        bank,
        &[OsStr::new(&addr), OsStr::new("--db"), db.as_os_str()],
    );
    one_error_line("bank-api", &output, &format!("cannot listen on {addr}: "));
    assert_eq!(output.status.code(), Some(1));
    let _ = std::fs::remove_file(&db);
}
