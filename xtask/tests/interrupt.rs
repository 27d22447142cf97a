//! Ctrl-C, SIGTERM or SIGHUP during a verify leaves nothing behind: the
//! running example and its own child are killed and reaped (no zombie
//! either) before the verifier exits with 130, 143 or 129. Checked for
//! `cargo xtask verify` (the xtask binary) and for a test binary calling
//! `verify::run`, as `cargo test --workspace` does, with the signal sent to
//! the process alone or, like a terminal's Ctrl-C, to its whole group.

mod common;

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use common::Fixture;
use nix::errno::Errno;
use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;

const SOURCE: &str = include_str!("fixtures/sleepy.rs");

fn fixture(tag: &str) -> (Fixture, std::path::PathBuf) {
    let pids = std::env::temp_dir().join(format!("xtask-{tag}-{}.pids", std::process::id()));
    let _ = std::fs::remove_file(&pids);
    let spec = format!(
        "section: 1\nabout: a fixture that sleeps\nmode: beside-others\ntimeout: 120s\nargs: {}\n\n--- stdout\n...\n",
        pids.display()
    );
    (Fixture::new(tag, &[("sleepy", SOURCE, &spec)]), pids)
}

/// Waits for the fixture to write its pid and its child's.
fn wait_for_pids(path: &Path, verifier: &mut Child) -> [i32; 2] {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(text) = std::fs::read_to_string(path) {
            let p: Vec<i32> = text
                .split_whitespace()
                .filter_map(|s| s.parse().ok())
                .collect();
            if let [a, b] = p[..] {
                return [a, b];
            }
        }
        if let Ok(Some(status)) = verifier.try_wait() {
            panic!("the verifier ended before the example started: {status}");
        }
        assert!(Instant::now() < deadline, "the example never started");
        thread::sleep(Duration::from_millis(20));
    }
}

enum Target {
    /// The verifier alone (`kill PID`).
    Process,
    /// Its whole process group, as a terminal's Ctrl-C does.
    Group,
}

fn interrupt(mut verifier: Command, pids_file: &Path, signal: Signal, target: Target) {
    // A group of its own, so a signal to "the group" reaches no test.
    let mut child = verifier
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the verifier starts");
    let pids = wait_for_pids(pids_file, &mut child);
    let pid = Pid::from_raw(child.id() as i32);
    match target {
        Target::Process => kill(pid, signal),
        Target::Group => killpg(pid, signal),
    }
    .expect("signal sent");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(Instant::now() < deadline, "the verifier did not exit");
        thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(status.code(), Some(128 + signal as i32), "{status}");
    thread::sleep(Duration::from_secs(1));
    for p in pids {
        // ESRCH: no such process, not even a zombie waiting to be reaped.
        assert_eq!(
            kill(Pid::from_raw(p), None),
            Err(Errno::ESRCH),
            "process {p} of the example survived {signal}"
        );
    }
}

fn xtask_verify(root: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_xtask"));
    c.arg("verify").current_dir(root);
    c
}

/// This test binary, running only the ignored test below: `verify::run` in
/// a libtest harness, as `cargo test --workspace` runs it.
fn test_binary_verify(root: &Path) -> Command {
    let mut c = Command::new(std::env::current_exe().expect("test binary"));
    c.args([
        "verify_the_fixture_named_by_env",
        "--exact",
        "--ignored",
        "--nocapture",
    ])
    .env("XTASK_INTERRUPT_FIXTURE", root);
    c
}

#[test]
#[ignore = "run by the tests below, in a process of its own"]
fn verify_the_fixture_named_by_env() {
    let root = std::env::var_os("XTASK_INTERRUPT_FIXTURE").expect("set by the caller");
    let _ = xtask::verify::run(Path::new(&root), &xtask::verify::Options::default());
}

/// The example has started but is not yet registered with the handler (a
/// test-only delay holds the runner there for 1 s) when the signal comes.
fn interrupt_in_the_start_window(tag: &str, signal: Signal, target: Target) {
    let (f, pids) = fixture(tag);
    let mut verifier = xtask_verify(&f.root);
    verifier.env("XTASK_TEST_REGISTER_DELAY_MS", "1000");
    interrupt(verifier, &pids, signal, target);
}

#[test]
fn ctrl_c_between_start_and_registration_leaves_nothing() {
    interrupt_in_the_start_window("window-int", Signal::SIGINT, Target::Group);
}

#[test]
fn sigterm_between_start_and_registration_leaves_nothing() {
    interrupt_in_the_start_window("window-term", Signal::SIGTERM, Target::Process);
}

#[test]
fn ctrl_c_to_the_xtask_group_kills_and_reaps_the_examples() {
    let (f, pids) = fixture("int-group");
    interrupt(xtask_verify(&f.root), &pids, Signal::SIGINT, Target::Group);
}

#[test]
fn sigterm_to_the_xtask_kills_and_reaps_the_examples() {
    let (f, pids) = fixture("term");
    interrupt(
        xtask_verify(&f.root),
        &pids,
        Signal::SIGTERM,
        Target::Process,
    );
}

#[test]
fn sighup_to_the_xtask_kills_and_reaps_the_examples() {
    let (f, pids) = fixture("hup");
    interrupt(
        xtask_verify(&f.root),
        &pids,
        Signal::SIGHUP,
        Target::Process,
    );
}

#[test]
fn sigterm_to_a_test_binary_kills_and_reaps_the_examples() {
    let (f, pids) = fixture("test-term");
    interrupt(
        test_binary_verify(&f.root),
        &pids,
        Signal::SIGTERM,
        Target::Process,
    );
}

#[test]
fn ctrl_c_to_a_test_binarys_group_kills_and_reaps_the_examples() {
    let (f, pids) = fixture("test-int");
    interrupt(
        test_binary_verify(&f.root),
        &pids,
        Signal::SIGINT,
        Target::Group,
    );
}
