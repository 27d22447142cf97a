//! The web server as a real process on a port the OS picks: what `curl`
//! would see for a GET, a 404 and a 405, and an idle client's 408 after 5 s.
//! Bad arguments are one line and exit 2.
//!
//!     cargo test -p examples-async --test it web_server::

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const WEB_SERVER: &str = env!("CARGO_BIN_EXE_web-server");

/// Kills the server by its pid when dropped, also when a check panics.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `web-server 0` and reads the address from its first line.
fn start() -> (KillOnDrop, String) {
    let mut child = Command::new(WEB_SERVER)
        .arg("0")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start web-server");
    let mut first = String::new();
    let mut lines = BufReader::new(child.stdout.take().expect("piped stdout"));
    lines.read_line(&mut first).expect("read the first line");
    // Keep reading its log, so that the server never writes to a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut lines, &mut std::io::sink()));
    let addr = first
        .strip_prefix("Listening on http://")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_string();
    (KillOnDrop(child), addr)
}

fn request(addr: &str, text: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    stream.write_all(text.as_bytes()).expect("send");
    let mut reply = String::new();
    stream.read_to_string(&mut reply).expect("read the reply");
    reply
}

#[test]
fn answers_get_404_405_and_an_idle_client() {
    let (_server, addr) = start();
    let started = Instant::now();
    let reply = request(&addr, "GET /user/42 HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "the query was not awaited"
    );
    assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
    assert!(reply.contains("Content-Length: 24\r\n"), "{reply}");
    assert!(
        reply.ends_with("\r\n\r\nuser 42: balance 420.42\n"),
        "{reply}"
    );
    assert!(request(&addr, "GET /nope HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404 Not Found"));
    assert!(
        request(&addr, "POST /user/1 HTTP/1.1\r\n\r\n")
            .starts_with("HTTP/1.1 405 Method Not Allowed")
    );
    let idle = Instant::now();
    let reply = request(&addr, "GET /user/1 HTTP/1.1\r\n");
    assert!(reply.starts_with("HTTP/1.1 408 Request Timeout"), "{reply}");
    let waited = idle.elapsed();
    assert!(
        (Duration::from_secs(5)..Duration::from_secs(15)).contains(&waited),
        "{waited:?}"
    );
}

#[test]
fn bad_arguments_are_one_line_and_exit_2() {
    let output = Command::new(WEB_SERVER)
        .arg("eighty")
        .output()
        .expect("run web-server");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr.trim(),
        "error: expected `demo` or a port number, found \"eighty\""
    );
}
