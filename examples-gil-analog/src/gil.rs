//! A GIL analog: one lock that a thread must hold while it runs its loop,
//! handed over between waiting threads the way CPython's GIL is.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// CPython's default switch interval (`sys.getswitchinterval()`): how long a
/// waiting thread lets the holder run before asking it to drop the GIL.
pub const SWITCH_INTERVAL: Duration = Duration::from_millis(5);

/// A global interpreter lock, modelled on CPython's (3.2 and later).
///
/// A thread runs "Python code" only while it holds a [`GilGuard`]. A thread
/// that wants the lock waits; if the holder keeps it for a whole
/// `interval`, the waiter sets a drop request. The holder notices it at its
/// next [`GilGuard::check_switch`], releases the lock and waits until another
/// thread has taken it before queueing up again, so the threads take turns
/// instead of one of them winning every race for the lock. Blocking calls
/// run inside [`GilGuard::allow_threads`], which releases the lock for their
/// duration, which is why sleeping threads overlap and computing ones don't.
///
/// `Gil::new` is `const`, so a program can have a truly global one in a
/// `static`, like CPython.
pub struct Gil {
    state: Mutex<GilState>,
    /// Signalled when the lock is released.
    released: Condvar,
    /// Signalled when some thread takes the lock.
    taken: Condvar,
    drop_request: AtomicBool,
    interval: Duration,
}

struct GilState {
    locked: bool,
    /// How many times the lock was taken; tells a waiter whether the holder
    /// changed while it slept.
    switches: u64,
}

/// Proof that the current thread holds the [`Gil`]; dropping it releases the
/// lock.
pub struct GilGuard<'a> {
    gil: &'a Gil,
}

impl Gil {
    /// A free lock whose waiters ask the holder to drop it after `interval`.
    pub const fn new(interval: Duration) -> Self {
        Gil {
            state: Mutex::new(GilState {
                locked: false,
                switches: 0,
            }),
            released: Condvar::new(),
            taken: Condvar::new(),
            drop_request: AtomicBool::new(false),
            interval,
        }
    }

    /// Blocks until this thread holds the lock.
    pub fn acquire(&self) -> GilGuard<'_> {
        let mut state = self.state();
        while state.locked {
            let seen = state.switches;
            let (next, wait) = self
                .released
                .wait_timeout(state, self.interval)
                .unwrap_or_else(|e| e.into_inner());
            state = next;
            // Still the same holder after a whole interval: ask it to let go.
            if wait.timed_out() && state.locked && state.switches == seen {
                self.drop_request.store(true, Ordering::Relaxed);
            }
        }
        state.locked = true;
        state.switches += 1;
        self.drop_request.store(false, Ordering::Relaxed);
        drop(state);
        self.taken.notify_all();
        GilGuard { gil: self }
    }

    /// How many times the lock has been taken so far.
    pub fn switches(&self) -> u64 {
        self.state().switches
    }

    fn release(&self) -> MutexGuard<'_, GilState> {
        let mut state = self.state();
        state.locked = false;
        self.released.notify_one();
        state
    }

    // The state mutex is held only for a few field updates that cannot
    // panic, so a poisoned state is still consistent: take it anyway.
    fn state(&self) -> MutexGuard<'_, GilState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl GilGuard<'_> {
    /// The holder's periodic check: if a waiter asked for the lock, hand it
    /// over, wait until the other thread has it, and queue up to get it
    /// back.
    pub fn check_switch(&mut self) {
        if !self.gil.drop_request.load(Ordering::Relaxed) {
            return;
        }
        let mut state = self.gil.release();
        let mine = state.switches;
        while state.switches == mine {
            state = self
                .gil
                .taken
                .wait(state)
                .unwrap_or_else(|e| e.into_inner());
        }
        drop(state);
        std::mem::forget(self.gil.acquire());
    }

    /// Runs a blocking call (a sleep, a read) without the lock, the way
    /// CPython releases the GIL around I/O, and takes it back afterwards.
    pub fn allow_threads<T>(&mut self, blocking: impl FnOnce() -> T) -> T {
        drop(self.gil.release());
        let value = blocking();
        std::mem::forget(self.gil.acquire());
        value
    }
}

impl Drop for GilGuard<'_> {
    fn drop(&mut self) {
        drop(self.gil.release());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hint::black_box;
    use std::sync::atomic::AtomicUsize;
    use std::thread;

    #[test]
    fn one_holder_at_a_time_and_turns_are_taken() {
        let gil = Gil::new(Duration::from_micros(100));
        let inside = AtomicUsize::new(0);
        thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    let mut guard = gil.acquire();
                    for _ in 0..2_000 {
                        assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
                        black_box((0..100u64).map(black_box).sum::<u64>());
                        inside.fetch_sub(1, Ordering::SeqCst);
                        guard.check_switch();
                    }
                });
            }
        });
        // Three first acquisitions, at least. More means the holder handed
        // the lock over; how many more depends on scheduling.
        assert!(gil.switches() >= 3);
    }

    #[test]
    fn allow_threads_lets_another_thread_in() {
        let gil = Gil::new(SWITCH_INTERVAL);
        let mut guard = gil.acquire();
        // While this thread is "blocked", another one can take the lock.
        guard.allow_threads(|| {
            thread::scope(|s| {
                s.spawn(|| drop(gil.acquire()));
            })
        });
        assert_eq!(gil.switches(), 3);
    }
}
