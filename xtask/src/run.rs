//! Running processes: one example in its own process group with a time
//! limit, what the run cost (its CPU time from `wait4`, the machine's
//! counters over the same interval), and the echoed commands of the build.

use std::io::{self, Read};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::{Signal, killpg};
use nix::sys::wait::waitpid;
use nix::unistd::Pid;

use crate::cores::{self, Snapshot};
use crate::interrupt;
use crate::spec::{Exit, Run};

/// How often a running example is polled for its exit.
const POLL: Duration = Duration::from_millis(5);

/// A finished run and what it cost.
#[derive(Debug)]
pub struct Timed {
    pub run: Run,
    /// The process group the example ran in (its pid).
    pub group: i32,
    /// CPU time (user + system) of the example and every child it waited for.
    pub cpu: Duration,
    /// The machine's counters just before the start and just after the end
    /// (`None` where there is no `/proc/stat`).
    pub machine: Option<(Snapshot, Snapshot)>,
}

impl Timed {
    /// Average cores the example kept busy: CPU time over wall time.
    pub fn cores_used(&self) -> f64 {
        self.cpu.as_secs_f64() / self.run.wall.as_secs_f64().max(1e-3)
    }
}

/// The output stream a line came on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Watches a run from outside the example (`timeline` samples its threads):
/// told the example's pid once it is started and registered with
/// `interrupt`, and each line it prints as the line arrives.
pub trait Observer: Send + Sync {
    /// The example started at `at` as process `pid` (also its group).
    fn started(&self, pid: i32, at: Instant);
    /// A line (without its newline) arrived on `stream` at `at`.
    fn line(&self, stream: Stream, at: Instant, text: &str);
}

/// Runs `program` with `args` in a new process group, capturing stdout and
/// stderr. Past `timeout` the whole group is killed with SIGKILL, so children
/// the example forked die with it. An example that exits while processes of
/// its group live on is reported (`left_processes`) and they are killed too.
/// An interrupt of the xtask kills the group too (see `interrupt`).
pub fn run_example(program: &Path, args: &[String], timeout: Duration) -> io::Result<Timed> {
    run_observed(program, args, timeout, None)
}

/// [`run_example`], telling `observer` the start and every line's arrival.
pub fn run_observed(
    program: &Path,
    args: &[String],
    timeout: Duration,
    observer: Option<Arc<dyn Observer>>,
) -> io::Result<Timed> {
    become_subreaper();
    interrupt::install();
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Group id = the child's pid: one `killpg` reaches all it starts.
        .process_group(0)
        // A panic the example makes on purpose prints one message, whatever
        // the user's shell sets: a spec checks the lesson, not a backtrace.
        .env("RUST_BACKTRACE", "0")
        .env_remove("RUST_LIB_BACKTRACE");
    // SAFETY: between fork and exec the closure makes async-signal-safe
    // calls only (`sigemptyset`, `sigprocmask`) and allocates nothing.
    unsafe {
        command.pre_exec(|| {
            // The runner starts examples with the interrupt signals blocked
            // on its thread (see `interrupt::Starting`), and a child
            // inherits that mask: the example must get every signal.
            let mut none: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut none);
            match libc::sigprocmask(libc::SIG_SETMASK, &none, std::ptr::null_mut()) {
                0 => Ok(()),
                _ => Err(io::Error::last_os_error()),
            }
        })
    };
    #[cfg(target_os = "linux")]
    {
        let parent = std::process::id();
        // SAFETY: between fork and exec the closure makes two system calls,
        // both async-signal-safe, and allocates nothing.
        unsafe {
            command.pre_exec(move || {
                // If the xtask dies without cleaning up (SIGKILL), the kernel
                // kills the example. Set here, not in the example's source.
                nix::sys::prctl::set_pdeathsig(Signal::SIGKILL)?;
                if std::os::unix::process::parent_id() != parent {
                    return Err(io::Error::other("the xtask exited during the start"));
                }
                Ok(())
            })
        };
    }
    let starting =
        interrupt::Starting::begin().ok_or_else(|| io::Error::other("interrupted: not started"))?;
    let before = cores::snapshot();
    let start = Instant::now();
    let mut child = command.spawn().map_err(|e| {
        io::Error::new(e.kind(), format!("cannot start {}: {e}", program.display()))
    })?;
    let group = Pid::from_raw(child.id() as i32);
    let Some(registered) = starting.register(group.as_raw()) else {
        kill_group(group);
        let _ = wait4(group, false);
        return Err(io::Error::other(
            "too many examples running at once for the interrupt handler to track",
        ));
    };
    if let Some(o) = &observer {
        o.started(group.as_raw(), start);
    }
    let stdout = reader(child.stdout.take(), Stream::Stdout, observer.clone());
    let stderr = reader(child.stderr.take(), Stream::Stderr, observer.clone());
    // The child is reaped by `wait4` below, never by `Child`.
    drop(child);

    let waited = wait_until(group, start + timeout)?;
    let wall = start.elapsed();
    let after = cores::snapshot();
    let (exit, cpu) = match waited {
        None => {
            kill_group(group);
            let (_, cpu) = wait4(group, false)?.unwrap_or_default();
            (Exit::TimedOut, cpu)
        }
        Some((status, cpu)) => (decode(status), cpu),
    };
    // Signal 0 only asks whether any process of the group is left.
    let left_processes = exit != Exit::TimedOut && killpg(group, None).is_ok();
    if left_processes {
        kill_group(group);
    }
    if exit == Exit::TimedOut || left_processes {
        reap_group(group);
    }
    drop(registered);
    // The pipes close once every process that held them is gone.
    let run = Run {
        exit,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
        left_processes,
        wall,
    };
    Ok(Timed {
        run,
        group: group.as_raw(),
        cpu,
        machine: before.zip(after),
    })
}

fn reader(
    pipe: Option<impl Read + Send + 'static>,
    stream: Stream,
    observer: Option<Arc<dyn Observer>>,
) -> thread::JoinHandle<String> {
    let mut pipe = pipe.expect("the pipe was requested");
    thread::spawn(move || {
        let mut bytes = Vec::new();
        // A read error ends the capture; what was read so far is kept.
        match observer {
            None => drop(pipe.read_to_end(&mut bytes)),
            Some(o) => read_lines(&mut pipe, &mut bytes, |at, line| {
                o.line(stream, at, &String::from_utf8_lossy(line))
            }),
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Reads `pipe` to its end into `bytes`, calling `line` with each complete
/// line (and a last unterminated one) and the moment its end arrived.
fn read_lines(pipe: &mut impl Read, bytes: &mut Vec<u8>, mut line: impl FnMut(Instant, &[u8])) {
    let mut chunk = [0u8; 8192];
    let mut line_start = 0;
    loop {
        match pipe.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                let at = Instant::now();
                bytes.extend_from_slice(&chunk[..n]);
                while let Some(i) = bytes[line_start..].iter().position(|&b| b == b'\n') {
                    line(at, &bytes[line_start..line_start + i]);
                    line_start += i + 1;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
    }
    if line_start < bytes.len() {
        line(Instant::now(), &bytes[line_start..]);
    }
}

/// Waits for the example (pid `group`) until `deadline`: its wait status
/// and CPU time, or `None` if it is still running then.
fn wait_until(group: Pid, deadline: Instant) -> io::Result<Option<(libc::c_int, Duration)>> {
    loop {
        if let Some(done) = wait4(group, true)? {
            return Ok(Some(done));
        }
        if Instant::now() >= deadline {
            return Ok(None);
        }
        thread::sleep(POLL);
    }
}

/// `wait4` on one child: its raw wait status and the CPU time it and the
/// children it waited for used (std's `Child` cannot report that). With
/// `poll`, `None` while it is still running. Retries on EINTR.
fn wait4(pid: Pid, poll: bool) -> io::Result<Option<(libc::c_int, Duration)>> {
    let flags = if poll { libc::WNOHANG } else { 0 };
    loop {
        let mut status = 0;
        // SAFETY: `rusage` is plain data that `wait4` fills in; both
        // pointers are valid for the call.
        let (r, usage) = unsafe {
            let mut usage: libc::rusage = std::mem::zeroed();
            let r = libc::wait4(pid.as_raw(), &mut status, flags, &mut usage);
            (r, usage)
        };
        match r {
            0 => return Ok(None),
            r if r > 0 => {
                let time = |t: libc::timeval| {
                    Duration::from_secs(t.tv_sec.max(0) as u64)
                        + Duration::from_micros(t.tv_usec.max(0) as u64)
                };
                return Ok(Some((status, time(usage.ru_utime) + time(usage.ru_stime))));
            }
            _ if Errno::last() == Errno::EINTR => continue,
            _ => return Err(io::Error::last_os_error()),
        }
    }
}

fn decode(status: libc::c_int) -> Exit {
    if libc::WIFEXITED(status) {
        Exit::Code(libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        Exit::Signal(libc::WTERMSIG(status))
    } else {
        // Only `WUNTRACED` reports stops, and it is not asked for.
        Exit::Code(-1)
    }
}

/// Makes this process the "subreaper" of everything it starts (Linux): when
/// an example dies before its own children, they are re-parented to us
/// instead of to PID 1, so [`reap_group`] can collect them. Without it they
/// would stay zombies wherever PID 1 does not reap (as in many containers).
fn become_subreaper() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        #[cfg(target_os = "linux")]
        if let Err(e) = nix::sys::prctl::set_child_subreaper(true) {
            eprintln!("warning: cannot become a child subreaper ({e}); orphans of a killed example may stay zombies");
        }
    });
}

/// Waits for every process left in `group` after it was killed, so none of
/// them stays a zombie. Only processes that are our children (the example's
/// orphans, thanks to [`become_subreaper`]) can be waited for.
fn reap_group(group: Pid) {
    loop {
        match waitpid(Pid::from_raw(-group.as_raw()), None) {
            Ok(_) | Err(Errno::EINTR) => continue,
            // ECHILD: none of our children is left in the group.
            Err(_) => return,
        }
    }
}

fn kill_group(group: Pid) {
    match killpg(group, Signal::SIGKILL) {
        Ok(()) | Err(Errno::ESRCH) => {}
        Err(e) => eprintln!("warning: could not kill process group {group}: {e}"),
    }
}

/// Runs a command to completion with inherited output, echoing it first
/// (`$ cargo build ...`). Fails with one line naming the command.
pub fn echo_and_run(cmd: &mut Command) -> Result<(), String> {
    run_echoed(cmd, false).map(drop)
}

/// Like [`echo_and_run`], but returns what the command printed on stdout
/// (stderr is still the user's). While it runs it is registered with
/// `interrupt`, so a SIGTERM to the xtask ends it too.
pub fn echo_and_capture(cmd: &mut Command) -> Result<Vec<u8>, String> {
    run_echoed(cmd, true)
}

fn run_echoed(cmd: &mut Command, capture: bool) -> Result<Vec<u8>, String> {
    // `cargo`, not the toolchain's full path: the line stays short.
    let program = Path::new(cmd.get_program());
    let shown = format!(
        "{} {}",
        program
            .file_name()
            .unwrap_or(program.as_os_str())
            .to_string_lossy(),
        cmd.get_args()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    );
    eprintln!("$ {shown}");
    interrupt::install();
    if capture {
        cmd.stdout(Stdio::piped());
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot run `{shown}`: {e}"))?;
    interrupt::set_build(child.id() as i32);
    let mut out = Vec::new();
    let read = child.stdout.take().map(|mut s| s.read_to_end(&mut out));
    let status = child.wait();
    interrupt::set_build(0);
    let status = status.map_err(|e| format!("cannot run `{shown}`: {e}"))?;
    if let Some(Err(e)) = read {
        return Err(format!("cannot read the output of `{shown}`: {e}"));
    }
    match (status.code(), status.signal()) {
        (Some(0), _) => Ok(out),
        (Some(code), _) => Err(format!("`{shown}` failed with exit status {code}")),
        (None, Some(sig)) => Err(format!("`{shown}` was killed by signal {sig}")),
        (None, None) => Err(format!("`{shown}` failed")),
    }
}

/// The cargo that runs us (`CARGO`), or `cargo` from the `PATH`.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str, timeout: Duration) -> Timed {
        run_example(
            Path::new("/bin/sh"),
            &["-c".to_string(), script.to_string()],
            timeout,
        )
        .expect("sh runs")
    }

    #[test]
    fn captures_both_streams_and_the_exit_code() {
        let t = sh("echo out; echo err >&2; exit 3", Duration::from_secs(10));
        assert_eq!(t.run.stdout, "out\n");
        assert_eq!(t.run.stderr, "err\n");
        assert_eq!(t.run.exit, Exit::Code(3));
        assert!(!t.run.left_processes);
    }

    #[test]
    fn examples_run_without_backtraces_whatever_the_shell_sets() {
        let t = sh(
            "echo \"${RUST_BACKTRACE-unset} ${RUST_LIB_BACKTRACE-unset}\"",
            Duration::from_secs(10),
        );
        assert_eq!(t.run.stdout, "0 unset\n");
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn the_example_gets_every_signal() {
        // Started while the interrupt signals are blocked on this thread.
        let t = sh("grep SigBlk /proc/self/status", Duration::from_secs(10));
        assert_eq!(t.run.stdout, "SigBlk:\t0000000000000000\n");
    }

    #[test]
    fn reports_a_signal() {
        let t = sh("kill -TERM $$", Duration::from_secs(10));
        assert_eq!(t.run.exit, Exit::Signal(15));
    }

    #[test]
    fn a_timeout_kills_the_whole_group() {
        // The shell starts a grandchild that would outlive it; both must die.
        let start = Instant::now();
        let t = sh(
            "sleep 30 & sleep 30; echo never",
            Duration::from_millis(300),
        );
        assert_eq!(t.run.exit, Exit::TimedOut);
        assert!(!t.run.stdout.contains("never"));
        // Nothing of the group is left, not even a zombie.
        assert_eq!(killpg(Pid::from_raw(t.group), None), Err(Errno::ESRCH));
        // The readers returned, so no process held the pipes any more.
        assert!(start.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn leftover_processes_are_reported_and_killed() {
        let start = Instant::now();
        let t = sh("sleep 30 & echo started", Duration::from_secs(10));
        assert_eq!(t.run.exit, Exit::Code(0));
        assert!(t.run.left_processes);
        assert_eq!(killpg(Pid::from_raw(t.group), None), Err(Errno::ESRCH));
        assert!(start.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn lines_are_told_as_they_arrive() {
        let mut bytes = Vec::new();
        let mut seen = Vec::new();
        read_lines(&mut &b"one\ntwo\nlast"[..], &mut bytes, |_, l| {
            seen.push(String::from_utf8_lossy(l).into_owned())
        });
        assert_eq!(seen, ["one", "two", "last"]);
        assert_eq!(bytes, b"one\ntwo\nlast");
    }

    #[test]
    fn a_missing_program_is_an_error_not_a_panic() {
        let e = run_example(Path::new("/nonexistent/x"), &[], Duration::from_secs(1)).unwrap_err();
        assert!(e.to_string().contains("cannot start"));
    }
}
