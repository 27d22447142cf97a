//! Running processes: one example in its own process group with a time
//! limit, and the echoed commands of the build.

use std::io::{self, Read};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::{Signal, killpg};
use nix::sys::wait::waitpid;
use nix::unistd::Pid;

use crate::spec::{Exit, Run};

/// How often a running example is polled for its exit.
const POLL: Duration = Duration::from_millis(5);

/// A finished run with its wall-clock time.
#[derive(Debug)]
pub struct Timed {
    pub run: Run,
    pub wall: Duration,
    /// The process group the example ran in (its pid).
    pub group: i32,
}

/// Runs `program` with `args` in a new process group, capturing stdout and
/// stderr. Past `timeout` the whole group is killed with SIGKILL, so children
/// the example forked die with it. An example that exits while processes of
/// its group live on is reported (`left_processes`) and they are killed too.
pub fn run_example(program: &Path, args: &[String], timeout: Duration) -> io::Result<Timed> {
    become_subreaper();
    let start = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Group id = the child's pid: one `killpg` reaches all it starts.
        .process_group(0)
        .spawn()
        .map_err(|e| {
            io::Error::new(e.kind(), format!("cannot start {}: {e}", program.display()))
        })?;
    let group = Pid::from_raw(child.id() as i32);
    let stdout = reader(child.stdout.take());
    let stderr = reader(child.stderr.take());

    let status = wait_until(&mut child, start + timeout)?;
    let wall = start.elapsed();
    let exit = match status {
        None => {
            kill_group(group);
            child.wait()?;
            Exit::TimedOut
        }
        Some(s) => match (s.code(), s.signal()) {
            (Some(code), _) => Exit::Code(code),
            (None, Some(sig)) => Exit::Signal(sig),
            (None, None) => unreachable!("a Unix exit status has a code or a signal"),
        },
    };
    // Signal 0 only asks whether any process of the group is left.
    let left_processes = exit != Exit::TimedOut && killpg(group, None).is_ok();
    if left_processes {
        kill_group(group);
    }
    if exit == Exit::TimedOut || left_processes {
        reap_group(group);
    }
    // The pipes close once every process that held them is gone.
    let run = Run {
        exit,
        stdout: stdout.join().expect("reader thread does not panic"),
        stderr: stderr.join().expect("reader thread does not panic"),
        left_processes,
    };
    Ok(Timed {
        run,
        wall,
        group: group.as_raw(),
    })
}

fn reader(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    let mut pipe = pipe.expect("the pipe was requested");
    thread::spawn(move || {
        let mut bytes = Vec::new();
        // A read error ends the capture; what was read so far is kept.
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Waits for `child` until `deadline`; `None` if it is still running then.
fn wait_until(
    child: &mut Child,
    deadline: Instant,
) -> io::Result<Option<std::process::ExitStatus>> {
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            return Ok(None);
        }
        thread::sleep(POLL);
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
    let shown = format!(
        "{} {}",
        cmd.get_program().to_string_lossy(),
        cmd.get_args()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    );
    eprintln!("$ {shown}");
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run `{shown}`: {e}"))?;
    match (status.code(), status.signal()) {
        (Some(0), _) => Ok(()),
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
    fn a_missing_program_is_an_error_not_a_panic() {
        let e = run_example(Path::new("/nonexistent/x"), &[], Duration::from_secs(1)).unwrap_err();
        assert!(e.to_string().contains("cannot start"));
    }
}
