//! Every fork demo, run as a process, must leave no zombie and no orphan.
//!
//! The demos fork, so they are not called from here: the test harness runs
//! tests on several threads, and forking a threaded process is exactly what
//! the examples warn against. Instead each binary runs in a process group of
//! its own, and afterwards `ps` must find nobody left in that group.
//!
//! This test process makes itself a *child subreaper* first: an orphan (a
//! child still running when its parent exits) is then adopted by this
//! process instead of by init, and a child its parent never reaped stays a
//! zombie here instead of being cleaned up silently by init. Either way it
//! is still in the group, and `ps` sees it.
#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Command, Output, Stdio};

use nix::errno::Errno;
use nix::sys::prctl;
use nix::sys::signal::{self, Signal};
use nix::sys::wait;
use nix::unistd::Pid;

/// Runs `bin` in a new process group (whose id is its pid) and returns its
/// output and that id.
fn run_in_own_group(bin: &str, args: &[&str]) -> (Output, i32) {
    prctl::set_child_subreaper(true).expect("prctl(PR_SET_CHILD_SUBREAPER)");
    let child = Command::new(bin)
        .args(args)
        .process_group(0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {bin}: {e}"));
    let pgid = child.id() as i32;
    let output = child.wait_with_output().expect("wait for the example");
    (output, pgid)
}

/// Every process `ps` lists in group `pgid`, one `pid stat args` line each.
fn group_members(pgid: i32) -> Vec<String> {
    let ps = Command::new("ps")
        .args(["-e", "-o", "pid=,pgid=,stat=,args="])
        .output()
        .expect("run ps");
    assert!(ps.status.success(), "ps failed: {:?}", ps.status);
    String::from_utf8_lossy(&ps.stdout)
        .lines()
        .filter(|line| {
            let mut fields = line.split_whitespace();
            let _pid = fields.next();
            fields.next().and_then(|g| g.parse::<i32>().ok()) == Some(pgid)
        })
        .map(str::to_owned)
        .collect()
}

/// Kills and reaps whatever is left in the group (adopted by this process,
/// so ours to reap), so that one failure does not leave processes running.
fn clean_up(pgid: i32) {
    let _ = signal::killpg(Pid::from_raw(pgid), Signal::SIGKILL);
    // A negative pid waits for any child in that process group only; other
    // tests' children, in other groups, are left alone. ECHILD ends it:
    // nobody of the group is left to reap.
    while let Ok(_) | Err(Errno::EINTR) = wait::waitpid(Pid::from_raw(-pgid), None) {}
}

fn assert_nothing_left(name: &str, pgid: i32) {
    let left = group_members(pgid);
    clean_up(pgid);
    assert!(
        left.is_empty(),
        "{name} left processes behind (zombies show as Z):\n{}",
        left.join("\n")
    );
}

fn check_succeeds_cleanly(name: &str, bin: &str, args: &[&str]) {
    let (output, pgid) = run_in_own_group(bin, args);
    assert_nothing_left(name, pgid);
    assert!(
        output.status.success(),
        "{name} failed: {:?}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn process_leaves_nothing_behind() {
    check_succeeds_cleanly("process", env!("CARGO_BIN_EXE_process"), &[]);
}

#[test]
fn process_pipe_leaves_nothing_behind() {
    check_succeeds_cleanly("process-pipe", env!("CARGO_BIN_EXE_process-pipe"), &[]);
}

#[test]
fn process_spawn_leaves_nothing_behind() {
    check_succeeds_cleanly("process-spawn", env!("CARGO_BIN_EXE_process-spawn"), &[]);
}

#[test]
fn multiprocessing_leaves_nothing_behind() {
    check_succeeds_cleanly(
        "multiprocessing",
        env!("CARGO_BIN_EXE_multiprocessing"),
        &[],
    );
}

#[test]
fn process_pool_leaves_nothing_behind() {
    check_succeeds_cleanly("process-pool", env!("CARGO_BIN_EXE_process-pool"), &[]);
}

#[test]
fn crashing_children_are_reported_and_reaped() {
    let (output, pgid) = run_in_own_group(env!("CARGO_BIN_EXE_process-crash"), &[]);
    assert_nothing_left("process-crash", pgid);
    assert_eq!(output.status.code(), Some(1), "the parent must exit 1");
    let stderr = String::from_utf8_lossy(&output.stderr);
    for ending in [
        "panicked (exit status 101)",
        "exited with status 3",
        "killed by signal SIGKILL",
    ] {
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with("child ") && l.ends_with(ending)),
            "no `child <pid> {ending}` line in stderr:\n{stderr}"
        );
    }
}

/// What `cargo xtask verify` does on a timeout: kill the whole group. The
/// children must be in it (no `setsid`), so nothing survives the parent.
#[test]
fn killing_the_group_leaves_nothing_behind() {
    prctl::set_child_subreaper(true).expect("prctl(PR_SET_CHILD_SUBREAPER)");
    let mut child = Command::new(env!("CARGO_BIN_EXE_multiprocessing"))
        .process_group(0)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start multiprocessing");
    let pgid = child.id() as i32;
    // Wait until a child process is computing: it prints before it starts.
    let mut first = String::new();
    let stdout = child.stdout.take().expect("piped stdout");
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("read the first line");
    assert!(first.starts_with("Calculating fib("), "got {first:?}");
    signal::killpg(Pid::from_raw(pgid), Signal::SIGKILL).expect("killpg");
    let status = child.wait().expect("wait for multiprocessing");
    assert!(!status.success());
    // The killed children were adopted by this subreaper: reap them, then
    // nothing of the group may be left.
    clean_up(pgid);
    assert_nothing_left("multiprocessing after killpg", pgid);
}

#[test]
fn multiprocessing_speedup_leaves_nothing_behind() {
    // fib(30): the same forks and reaping, a few milliseconds of work.
    check_succeeds_cleanly(
        "multiprocessing-speedup",
        env!("CARGO_BIN_EXE_multiprocessing-speedup"),
        &["30"],
    );
}
