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
//! `nanosleep`, `_exit`) and reads atomics, so it is sound on whatever thread
//! the signal lands, also inside a multithreaded test binary.
//!
//! No example escapes between its start and its registration: the runner
//! starts and registers it inside [`Starting`], which blocks the three
//! signals on its own thread (so the handler never runs there mid-start)
//! and counts the start; the handler first marks the process interrupted,
//! then waits until no start is in progress (a start that sees the mark
//! gives up), so every example that exists is registered when it kills
//! them. Then it reaps every child the process has, the examples' orphans
//! among them (the runner is their subreaper), and exits.

use std::sync::Once;
use std::sync::atomic::{AtomicI32, Ordering};

/// How many examples may run at once (every example of a round, with room).
const SLOTS: usize = 256;

/// Process groups of running examples; 0 is a free slot.
static GROUPS: [AtomicI32; SLOTS] = [const { AtomicI32::new(0) }; SLOTS];

/// Set by the handler before anything else (the signal's number).
static INTERRUPTED: AtomicI32 = AtomicI32::new(0);

/// Examples being started right now, not yet registered.
static STARTING: AtomicI32 = AtomicI32::new(0);

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
                // One handler at a time: the others wait while it runs.
                libc::sigemptyset(&mut action.sa_mask);
                for other in SIGNALS {
                    libc::sigaddset(&mut action.sa_mask, other);
                }
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

/// An example being started: the interrupt signals are blocked on this
/// thread and the handler waits for it, until it is dropped.
pub struct Starting {
    old_mask: libc::sigset_t,
}

impl Starting {
    /// Begins a start. `None` if the process was interrupted already.
    pub fn begin() -> Option<Starting> {
        // SAFETY: `sigset_t` is plain data, initialised by `sigemptyset`;
        // `pthread_sigmask` changes only this thread's mask.
        let old_mask = unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            let mut old: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            for sig in SIGNALS {
                libc::sigaddset(&mut set, sig);
            }
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut old);
            old
        };
        let starting = Starting { old_mask };
        STARTING.fetch_add(1, Ordering::SeqCst);
        // After the count: a handler that marked the process before it will
        // wait for this start to end, and one that marked it after is seen.
        if INTERRUPTED.load(Ordering::SeqCst) != 0 {
            return None;
        }
        Some(starting)
    }

    /// Registers the started example's process group. `None` if every slot
    /// is taken (the caller refuses to run more at once).
    pub fn register(self, group: i32) -> Option<Registered> {
        // A test widens the window between start and registration to show
        // that a signal inside it leaves nothing behind.
        if let Some(ms) = std::env::var_os("XTASK_TEST_REGISTER_DELAY_MS") {
            let ms = ms.to_str().and_then(|s| s.parse().ok()).unwrap_or(0);
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
        GROUPS.iter().enumerate().find_map(|(i, slot)| {
            slot.compare_exchange(0, group, Ordering::SeqCst, Ordering::SeqCst)
                .ok()
                .map(|_| Registered(i))
        })
    }
}

impl Drop for Starting {
    fn drop(&mut self) {
        STARTING.fetch_sub(1, Ordering::SeqCst);
        // SAFETY: restores this thread's mask as `begin` found it; a signal
        // that came meanwhile is delivered now, and finds the group registered.
        unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &self.old_mask, std::ptr::null_mut()) };
    }
}

/// Registers the running `cargo build` (0: none).
pub fn set_build(pid: i32) {
    BUILD.store(pid, Ordering::SeqCst);
}

extern "C" fn on_signal(sig: libc::c_int) {
    INTERRUPTED.store(sig, Ordering::SeqCst);
    // Every start in progress ends registered (or gives up) before we kill.
    while STARTING.load(Ordering::SeqCst) > 0 {
        let ms = libc::timespec {
            tv_sec: 0,
            tv_nsec: 1_000_000,
        };
        // SAFETY: `nanosleep` is async-signal-safe; the pointer is valid.
        unsafe { libc::nanosleep(&ms, std::ptr::null_mut()) };
    }
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
    // Reap every child: the examples, their orphans (we are their
    // subreaper), a build. ECHILD ends it; a runner thread may reap some
    // first, which is fine.
    loop {
        // SAFETY: `waitpid` is async-signal-safe.
        let r = unsafe { libc::waitpid(-1, std::ptr::null_mut(), 0) };
        if r < 0 && nix::errno::Errno::last_raw() != libc::EINTR {
            break;
        }
    }
    // SAFETY: `_exit` is async-signal-safe and ends the process at once,
    // without running destructors or flushing buffers from a handler.
    unsafe { libc::_exit(128 + sig) };
}
