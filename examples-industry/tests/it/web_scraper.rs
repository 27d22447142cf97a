//! `web-scraper` against servers nobody here wrote or that fail: Python's
//! `http.server` serving a directory of files `0` to `N-1` (skipped, with
//! the reason printed, where `python3` is missing), a port nobody listens
//! on, a server that accepts and never answers; then bad prefixes and bad
//! arguments. Its spec checks the run against its own server (503 retries,
//! chunked bodies).
//!
//!     cargo test -p examples-industry --test it web_scraper:: -- --nocapture

use std::ffi::OsStr;
use std::fs;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::error_line::{one_error_line, run};
use crate::release::bin;

/// Kills the child by its pid when dropped, also when a check panics.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local_addr").port()
}

/// Runs the scraper with a deadline: a hung scraper fails the test instead of hanging it.
fn scrape(args: &[&str], deadline: Duration) -> Output {
    let mut child = KillOnDrop(
        Command::new(bin("web-scraper"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the scraper"),
    );
    // Drain both pipes meanwhile, so a long output cannot block the scraper.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(child.0.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.0.stderr.take().map(|p| Box::new(p) as _));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.0.try_wait().expect("wait") {
            break status;
        }
        assert!(
            started.elapsed() < deadline,
            "the scraper ran over {deadline:?}"
        );
        sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().expect("stdout"),
        stderr: stderr.join().expect("stderr"),
    }
}

fn line_with<'a>(stdout: &'a str, prefix: &str) -> &'a str {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no line starting {prefix:?} in:\n{stdout}"))
}

#[test]
fn scrapes_files_from_python_http_server() {
    match Command::new("python3").arg("--version").output() {
        Ok(out) if out.status.success() => {}
        _ => {
            println!("skipped: python3 is not installed (or does not run)");
            return;
        }
    }
    const FILES: usize = 300;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("scraper-pages-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("create the page directory");
    let mut total_bytes = 0;
    for i in 0..FILES {
        let body = format!("<html><body>page {i}</body></html>\n").repeat(1 + i % 7);
        total_bytes += body.len();
        fs::write(dir.join(i.to_string()), body).expect("write a page");
    }
    let port = free_port();
    let python = KillOnDrop(
        Command::new("python3")
            .args([
                "-m",
                "http.server",
                "--bind",
                "127.0.0.1",
                &port.to_string(),
            ])
            .current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start python3 -m http.server"),
    );
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "python3 never listened on port {port}"
        );
        sleep(Duration::from_millis(50));
    }
    // Its listen backlog is 5: beyond a few at once, connections wait for
    // a SYN retry. The server's capacity, not the limit, sets the pace.
    let prefix = format!("http://127.0.0.1:{port}/");
    let count = FILES.to_string();
    let output = scrape(
        &["--count", &count, "--limit", "8", &prefix],
        Duration::from_secs(120),
    );
    drop(python);
    let _ = fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "{}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    for line in [
        format!("  pages fetched (status 200): {FILES} of {FILES}"),
        "  failures: 0".to_string(),
        format!("  bytes: {total_bytes}"),
    ] {
        assert!(stdout.lines().any(|l| l == line), "no line {line:?}");
    }
    let max: usize = line_with(&stdout, "  max in flight: ")
        .strip_suffix(" (the scraper's own count)")
        .and_then(|n| n.parse().ok())
        .expect("a count");
    assert!((1..=8).contains(&max), "max in flight {max}");
}

#[test]
fn a_server_that_is_down_fails_each_page_by_cause() {
    let prefix = format!("http://127.0.0.1:{}/page-", free_port());
    let output = scrape(&["--count", "3", &prefix], Duration::from_secs(30));
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let refused = stdout
        .lines()
        .filter(|l| {
            l.starts_with("  failed: ")
                && l.ends_with(": connect failed: Connection refused (os error 111)")
        })
        .count();
    assert_eq!(refused, 3, "{stdout}");
    assert!(stdout.contains("  pages fetched (status 200): 0 of 3\n"));
    assert!(
        stdout.contains("  failures: 3\n    connect failed: 3\n"),
        "{stdout}"
    );
    one_error_line("web-scraper", &output, "3 of 3 pages not fetched");
}

#[test]
fn a_server_that_never_answers_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("local_addr").port();
    // Accepts every connection, reads nothing, answers nothing.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let prefix = format!("http://127.0.0.1:{port}/");
    let started = Instant::now();
    let output = scrape(&["--count", "2", &prefix], Duration::from_secs(30));
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("  failures: 2\n    timeout: 2\n"),
        "{stdout}"
    );
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(5), "{waited:?}");
}

#[test]
fn a_bad_prefix_is_one_line_and_exit_1() {
    for (prefix, wanted) in [
        (
            "https://127.0.0.1:1/",
            "URL_PREFIX \"https://127.0.0.1:1/\": https:// needs TLS, which this reqwest is built without; only http:// URLs are supported",
        ),
        (
            "ftp://example.com/page-",
            "URL_PREFIX \"ftp://example.com/page-\": ftp:// is not HTTP; only http:// URLs are supported",
        ),
        (
            "pages/",
            "URL_PREFIX \"pages/\": not a URL: relative URL without a base",
        ),
    ] {
        let output = scrape(&[prefix], Duration::from_secs(10));
        one_error_line("web-scraper", &output, wanted);
        assert_eq!(output.status.code(), Some(1), "{prefix}");
        assert!(output.stdout.is_empty(), "{prefix}");
    }
}

#[test]
fn bad_arguments_are_one_line_and_exit_2() {
    let scraper = bin("web-scraper");
    let scraper = scraper.to_str().expect("a UTF-8 path");
    for (args, wanted) in [
        (
            &["--limit", "0"][..],
            "--limit takes a number from 1 to 1000000, not \"0\"",
        ),
        (
            &["--count", "99999999999"][..],
            "--count takes a number from 1 to 1000000, not \"99999999999\"",
        ),
        (&["--count"][..], "--count needs a number"),
        (&["--fast"][..], "unknown option \"--fast\""),
        (
            &["http://a/", "http://b/"][..],
            "unexpected argument \"http://b/\"",
        ),
    ] {
        let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        let output = run(scraper, &args);
        let line = one_error_line("web-scraper", &output, wanted);
        assert!(line.ends_with("(usage: web-scraper [--count N] [--limit K] [URL_PREFIX])"));
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
}
