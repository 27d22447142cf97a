//! The scraper against a server nobody here wrote: `python3 -m http.server`
//! serving a directory of 1,000 files, with `--limit 8` (its listen backlog
//! is 5: the server's capacity is the real limit). Skipped, with the reason
//! printed, where `python3` is missing. Then the scraper's bad input.
//!
//!     cargo test -p examples-async --test it scraper:: -- --nocapture

use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

const SCRAPER: &str = env!("CARGO_BIN_EXE_scraper");

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

/// Runs the binary with a deadline: a hung scraper fails the test instead of hanging it.
fn run(args: &[&str], deadline: Duration) -> Output {
    let child = Command::new(SCRAPER)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the scraper");
    let pid = child.id();
    let start = Instant::now();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    match rx.recv_timeout(deadline) {
        Ok(output) => output.expect("wait for the scraper"),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!(
                "the scraper ran over {deadline:?} (started {:?} ago)",
                start.elapsed()
            );
        }
    }
}

#[test]
fn scrapes_1000_files_from_python_http_server() {
    match Command::new("python3").arg("--version").output() {
        Ok(out) if out.status.success() => {}
        _ => {
            println!("skipped: python3 is not installed (or does not run)");
            return;
        }
    }
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("pages-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("create the page directory");
    let mut total_bytes = 0;
    for i in 0..1000 {
        let body = format!("<html><body>page {i}</body></html>\n").repeat(1 + i % 7);
        total_bytes += body.len();
        fs::write(dir.join(format!("page-{i}")), body).expect("write a page");
    }
    let port = free_port();
    let python = Command::new("python3")
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
        .expect("start python3 -m http.server");
    let python = KillOnDrop(python);
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "python3 never listened on port {port}"
        );
        sleep(Duration::from_millis(50));
    }

    let prefix = format!("http://127.0.0.1:{port}/page-");
    let output = run(&["--limit", "8", &prefix], Duration::from_secs(120));
    drop(python);
    let _ = fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "scraper failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    for line in [
        "  pages fetched (status 2xx): 1000 of 1000".to_string(),
        "  status 200: 1000".to_string(),
        "  failures: 0".to_string(),
        format!("  bytes: {total_bytes}"),
    ] {
        assert!(
            stdout.lines().any(|l| l == line),
            "no line {line:?} in:\n{stdout}"
        );
    }
    let max = stdout
        .lines()
        .find_map(|l| l.strip_prefix("  max in flight: "))
        .and_then(|rest| rest.strip_suffix(" (the scraper's own count of open connections)"))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or_else(|| panic!("no `max in flight` line in:\n{stdout}"));
    assert!(
        (1..=8).contains(&max),
        "max in flight {max} is not within 1..=8"
    );
}

#[test]
fn a_server_that_refuses_fails_each_page_with_one_line() {
    let prefix = format!("http://127.0.0.1:{}/page-", free_port());
    let output = run(&["--count", "3", &prefix], Duration::from_secs(30));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    let failed = stdout
        .lines()
        .filter(|l| l.contains("Connection refused"))
        .count();
    assert_eq!(failed, 3, "{stdout}");
    assert!(stdout.contains("    connect failed: 3"), "{stdout}");
    assert_eq!(stderr.trim(), "error: 3 of 3 pages not fetched");
}

#[test]
fn bad_arguments_are_one_line_and_exit_2() {
    for (args, expected) in [
        (
            &["--limit", "0"][..],
            "error: --limit takes a number from 1 to 1000000, not \"0\"",
        ),
        (
            &["--count", "99999999999"][..],
            "error: --count takes a number from 1 to 1000000, not \"99999999999\"",
        ),
        (&["--count"][..], "error: --count needs a number"),
        (&["--fast"][..], "error: unknown option \"--fast\""),
    ] {
        let output = run(args, Duration::from_secs(10));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        let usage = " (usage: scraper [--count N] [--limit K] [URL_PREFIX])";
        assert_eq!(stderr, format!("{expected}{usage}\n"), "{args:?}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn an_unparseable_prefix_is_one_line_and_exit_1() {
    let output = run(&["ftp://example.com/page-"], Duration::from_secs(10));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr.trim(),
        "error: URL_PREFIX \"ftp://example.com/page-\": bad URL: only http:// URLs are supported"
    );
}

#[cfg(unix)]
#[test]
fn a_non_utf8_argument_is_one_line_and_exit_2() {
    use std::os::unix::ffi::OsStrExt;
    let output = Command::new(SCRAPER)
        .arg(std::ffi::OsStr::from_bytes(b"http://\xff/"))
        .output()
        .expect("run the scraper");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.starts_with("error: argument ") && stderr.contains("is not UTF-8"),
        "{stderr}"
    );
}
