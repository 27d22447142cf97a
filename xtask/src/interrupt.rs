//! Ctrl-C, SIGTERM and SIGHUP take every running example down with the
//! xtask.
//!
//! Examples run in process groups of their own, so a terminal's Ctrl-C
//! (SIGINT to the foreground group) reaches the xtask and cargo but not them.
//! Without this module they would keep running, re-parented to PID 1, after
//! the xtask died. Every running group is registered here; the handler kills
//! each with SIGKILL, waits for every member that is our child (the example,
//! and its orphans, since the runner is a child subreaper), and exits with
//! the shell's status for the signal (130, 143, 129).
//!
//! The handler only makes async-signal-safe calls (`kill`, `waitpid`,
//! `_exit`) and reads atomics, so it is sound on whatever thread the signal
//! lands, also inside a multithreaded test binary. A child spawned but not yet
//! registered when the signal comes is covered by `PR_SET_PDEATHSIG`, which
//! the runner sets in each child before `exec`.

use std::sync::Once;
use std::sync::atomic::{AtomicI32, Ordering};

/// How many examples may run at once (every example of a round, with room).
const SLOTS: usize = 256;

/// Process groups of running examples; 0 is a free slot.
static GROUPS: [AtomicI32; SLOTS] = [const { AtomicI32::new(0) }; SLOTS];

/// A running `cargo build` started by the xtask (it shares our group, so it
/// gets a terminal's Ctrl-C itself, but not a SIGTERM sent to us alone).
static BUILD: AtomicI32 = AtomicI32::new(0);

const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

/// Installs the handler, once per process.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for sig in SIGNALS {
            // SAFETY: `on_signal` only calls async-signal-safe functions and
            // touches atomics; the `sigaction` struct is fully initialised
            // (zeroed, then the fields we use) before the call.
            let failed = unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_signal as *const () as libc::sighandler_t;
                libc::sigemptyset(&mut action.sa_mask);
                action.sa_flags = libc::SA_RESTART;
                libc::sigaction(sig, &action, std::ptr::null_mut()) != 0
            };
            if failed {
                eprintln!(
                    "warning: cannot handle signal {sig}: {}; an interrupt may leave examples running",
                    std::io::Error::last_os_error()
                );
            }
        }
    });
}

/// A registered process group, unregistered when dropped.
pub struct Registered(usize);

impl Drop for Registered {
    fn drop(&mut self) {
        GROUPS[self.0].store(0, Ordering::SeqCst);
    }
}

/// Registers a running example's process group. `None` if every slot is
/// taken (the caller refuses to run more at once).
pub fn register(group: i32) -> Option<Registered> {
    GROUPS.iter().enumerate().find_map(|(i, slot)| {
        slot.compare_exchange(0, group, Ordering::SeqCst, Ordering::SeqCst)
            .ok()
            .map(|_| Registered(i))
    })
}

/// Registers the running `cargo build` (0: none).
pub fn set_build(pid: i32) {
    BUILD.store(pid, Ordering::SeqCst);
}

extern "C" fn on_signal(sig: libc::c_int) {
    // Kill first, all of them, then wait: the groups die in parallel.
    for slot in &GROUPS {
        let group = slot.load(Ordering::SeqCst);
        if group > 0 {
            // SAFETY: `kill` is async-signal-safe; a negative pid names the group.
            unsafe { libc::kill(-group, libc::SIGKILL) };
        }
    }
    let build = BUILD.load(Ordering::SeqCst);
    if build > 0 {
        // SAFETY: as above; cargo forwards nothing, but ends its rustc jobs.
        unsafe { libc::kill(build, libc::SIGTERM) };
    }
    for slot in &GROUPS {
        let group = slot.load(Ordering::SeqCst);
        if group <= 0 {
            continue;
        }
        loop {
            // SAFETY: `waitpid` is async-signal-safe. It returns the group's
            // members that are our children until none is left (ECHILD);
            // a runner thread may reap some of them first, which is fine.
            let r = unsafe { libc::waitpid(-group, std::ptr::null_mut(), 0) };
            if r < 0 && nix::errno::Errno::last_raw() != libc::EINTR {
                break;
            }
        }
    }
    // SAFETY: `_exit` is async-signal-safe and ends the process at once,
    // without running destructors or flushing buffers from a handler.
    unsafe { libc::_exit(128 + sig) };
}
