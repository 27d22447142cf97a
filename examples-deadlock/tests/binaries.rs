//! Runs the binaries as processes and checks what holds in every run: the
//! exit status, the report line, `Done` or its absence, and (for the two
//! library binaries, which name their threads) one error line when no thread
//! can be spawned. No timing: a generous deadline only turns a hang into a
//! failure instead of a stuck CI.

use std::io::Read;
use std::process::{Child, Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use examples_deadlock::DEADLOCK_EXIT_STATUS;

#[path = "../../xtask/tests/common/reachable.rs"]
mod reachable;
#[path = "../../xtask/tests/common/spawn_limit.rs"]
mod spawn_limit;

use spawn_limit::assert_spawn_failure_is_one_line;

const DEADLINE: Duration = Duration::from_secs(20);

fn run(exe: &str) -> Output {
    let mut child = Command::new(exe)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the binary");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for the binary") {
            return Output {
                status,
                stdout: read_all(child.stdout.take()),
                stderr: read_all(child.stderr.take()),
            };
        }
        if started.elapsed() > DEADLINE {
            kill(&mut child);
            panic!("{exe} still running after {DEADLINE:?}: it hangs");
        }
        thread::sleep(Duration::from_millis(20));
    }
}

fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

// The outputs are a few lines, far below a pipe's capacity, so reading after
// the exit cannot block the child.
fn read_all(pipe: Option<impl Read>) -> Vec<u8> {
    let mut bytes = Vec::new();
    if let Some(mut pipe) = pipe {
        pipe.read_to_end(&mut bytes).expect("read the output");
    }
    bytes
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn deadlock_says_the_tasks_are_still_blocked_and_exits_3() {
    let out = run(env!("CARGO_BIN_EXE_deadlock"));
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(DEADLOCK_EXIT_STATUS), "{stderr}");
    assert_eq!(stderr, "Deadlock: the tasks are still blocked after 2 s\n");
    assert_eq!(stdout.lines().count(), 4, "{stdout}");
    assert!(!stdout.contains("Done"), "{stdout}");
}

#[test]
fn detector_reports_the_cycle_and_exits_3() {
    let out = run(env!("CARGO_BIN_EXE_deadlock-detector"));
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(DEADLOCK_EXIT_STATUS), "{stderr}");
    assert_eq!(
        stderr,
        "Deadlock detected: Task 1 holds lock1 and waits for lock2; \
         Task 2 holds lock2 and waits for lock1\n"
    );
    assert_eq!(stdout.lines().count(), 4, "{stdout}");
    assert!(!stdout.contains("Done"), "{stdout}");
}

#[test]
fn ordered_locks_finish() {
    let out = run(env!("CARGO_BIN_EXE_deadlock-ordered"));
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(stdout.matches("Acquired both locks").count(), 2, "{stdout}");
    assert!(stdout.ends_with("Done\n"), "{stdout}");
}

#[test]
fn try_lock_retries_and_finishes() {
    let out = run(env!("CARGO_BIN_EXE_deadlock-try-lock"));
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let total: u32 = stdout
        .lines()
        .find_map(|line| line.strip_prefix("Retries: "))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a `Retries: N (...)` line");
    assert!(total >= 1, "{stdout}");
    assert!(stdout.ends_with("Done\n"), "{stdout}");
}

#[test]
fn philosophers_all_eat() {
    let out = run(env!("CARGO_BIN_EXE_philosophers"));
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(stdout.matches(" ate 1000 times").count(), 5, "{stdout}");
    assert!(stdout.ends_with("Done\n"), "{stdout}");
}

#[test]
fn detector_spawn_failure_is_one_line() {
    assert_spawn_failure_is_one_line(env!("CARGO_BIN_EXE_deadlock-detector"));
}

#[test]
fn philosophers_spawn_failure_is_one_line() {
    assert_spawn_failure_is_one_line(env!("CARGO_BIN_EXE_philosophers"));
}
