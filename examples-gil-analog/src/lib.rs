//! The work and the lock behind the `gil` binary (guide §4), kept in a
//! library so other programs (a CPU-scaling benchmark over 1..N threads, the
//! tests) can run exactly the same code.
//!
//! - [`sum_squares`] is the guide's CPU-bound function, returning its total.
//! - [`Gil`] is a GIL analog: one lock that a thread must hold while it runs
//!   its loop, handed over the way CPython's own GIL is.
//! - [`run_sequential`], [`run_threads`] and [`run_gil`] do the same work
//!   three ways: on one thread, on real parallel threads, and on threads that
//!   take turns under a [`Gil`].

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

/// The guide's two ranges, `start..end` with `end` excluded like Python's
/// `range`.
pub const GUIDE_RANGES: [(u64, u64); 2] = [(1, 1_000_000), (1_000_001, 2_000_000)];

/// CPython's default switch interval (`sys.getswitchinterval()`): how long a
/// waiting thread lets the holder run before asking it to drop the GIL.
pub const SWITCH_INTERVAL: Duration = Duration::from_millis(5);

/// How many iterations a thread runs between two looks at the drop request,
/// like the interpreter loop checking its "eval breaker" between bytecodes.
pub const CHECK_EVERY: u64 = 4096;

/// The sum of `i * i` for `i` in `start..end`.
///
/// `black_box` hides each `i` from the optimizer. Without it LLVM may replace
/// the loop by a closed formula or vectorize it, and then there is nothing
/// left to time. `u64` holds the sums of the guide's ranges; past an `end` of
/// about 3.8 million the total overflows (a panic in the `dev` profile).
///
/// `inline(never)`: every caller runs this one compiled loop. Inlined, it was
/// compiled anew into each caller, and the copies differed: in one build the
/// copy on the spawned threads needed twice the CPU time per iteration of
/// the sequential one, which hid the parallel speedup.
#[inline(never)]
pub fn sum_squares(start: u64, end: u64) -> u64 {
    let mut total = 0u64;
    for i in start..end {
        let i = black_box(i);
        total += i * i;
    }
    total
}

/// Splits `start..end` into `parts` consecutive ranges of nearly equal
/// length, for spreading one range over `parts` threads.
pub fn split_range(start: u64, end: u64, parts: u64) -> Vec<(u64, u64)> {
    assert!(parts > 0, "split_range needs at least one part");
    let len = end.saturating_sub(start);
    (0..parts)
        .map(|k| (start + len * k / parts, start + len * (k + 1) / parts))
        .collect()
}

/// Computes each range `reps` times on the calling thread, one range after
/// the other. Returns each range's sum.
pub fn run_sequential(ranges: &[(u64, u64)], reps: u32) -> Vec<u64> {
    ranges
        .iter()
        .map(|&(start, end)| repeat(reps, || sum_squares(start, end)))
        .collect()
}

/// Computes each range `reps` times on its own thread, all threads at once:
/// true parallelism, limited only by the number of cores.
pub fn run_threads(ranges: &[(u64, u64)], reps: u32) -> Vec<u64> {
    // A scoped thread may borrow `ranges`; the scope joins every thread
    // before it returns. `join().unwrap()` only fails if a thread panicked.
    thread::scope(|s| {
        let handles: Vec<_> = ranges
            .iter()
            .map(|&(start, end)| s.spawn(move || repeat(reps, || sum_squares(start, end))))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// Like [`run_threads`], but every thread must hold `gil` while it computes,
/// so only one of them makes progress at any moment.
pub fn run_gil(gil: &Gil, ranges: &[(u64, u64)], reps: u32) -> Vec<u64> {
    thread::scope(|s| {
        let handles: Vec<_> = ranges
            .iter()
            .map(|&(start, end)| {
                s.spawn(move || {
                    let mut guard = gil.acquire();
                    repeat(reps, || sum_squares_holding(&mut guard, start, end))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// [`sum_squares`] as an interpreter would run it under a GIL: in slices of
/// [`CHECK_EVERY`] iterations, offering the lock to a waiting thread between
/// slices.
pub fn sum_squares_holding(guard: &mut GilGuard<'_>, start: u64, end: u64) -> u64 {
    let mut total = 0;
    let mut slice_start = start;
    while slice_start < end {
        let slice_end = end.min(slice_start.saturating_add(CHECK_EVERY));
        total += sum_squares(slice_start, slice_end);
        guard.check_switch();
        slice_start = slice_end;
    }
    total
}

/// Runs `f` and returns its value with the wall-clock time it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

/// The wall-clock time of a run and the CPU time the process used during it.
#[derive(Clone, Copy, Debug)]
pub struct Usage {
    pub wall: Duration,
    pub cpu: Duration,
}

impl Usage {
    /// How many cores the run kept busy on average: CPU time over wall time.
    /// Under a GIL it cannot exceed one, whatever the machine is doing.
    pub fn cores_busy(&self) -> f64 {
        self.cpu.as_secs_f64() / self.wall.as_secs_f64()
    }
}

/// Runs `f` and returns its value with its [`Usage`]. The CPU time is the
/// whole process's, summed over all its threads, finished ones included.
pub fn timed_usage<T>(f: impl FnOnce() -> T) -> nix::Result<(T, Usage)> {
    let cpu_start = process_cpu_time()?;
    let (value, wall) = timed(f);
    let cpu = process_cpu_time()?.saturating_sub(cpu_start);
    Ok((value, Usage { wall, cpu }))
}

/// CPU time used so far by every thread of this process. std has no such
/// clock; `clock_gettime(CLOCK_PROCESS_CPUTIME_ID)` is the POSIX one.
pub fn process_cpu_time() -> nix::Result<Duration> {
    nix::time::clock_gettime(nix::time::ClockId::CLOCK_PROCESS_CPUTIME_ID).map(Duration::from)
}

fn repeat(reps: u32, mut f: impl FnMut() -> u64) -> u64 {
    let mut last = 0;
    for _ in 0..reps {
        last = black_box(f());
    }
    last
}

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

/// The command-line argument at `position` (1 is the first) as a positive
/// whole number: `Ok(None)` when it is absent, and when it is not a positive
/// number one error line that names `what`. The measuring binaries read
/// their counts with it: `count_arg(1, "the number of threads")?.unwrap_or(100)`.
/// Each example crate keeps its own copy, so that it stands alone.
pub fn count_arg<T>(position: usize, what: &str) -> Result<Option<T>, String>
where
    T: std::str::FromStr + PartialOrd + Default,
{
    let Some(text) = std::env::args().nth(position) else {
        return Ok(None);
    };
    match text.parse::<T>() {
        Ok(n) if n > T::default() => Ok(Some(n)),
        _ => Err(format!(
            "{what} must be a positive whole number, got {text:?}"
        )),
    }
}

/// What `main` returns for `run()`'s result: success, or the error printed
/// as one `error: ...` line on stderr and a failure exit status (no panic,
/// no backtrace).
pub fn exit_code(result: Result<(), String>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn guide_sums_are_exact() {
        assert_eq!(sum_squares(1, 1_000_000), 333_332_833_333_500_000);
        assert_eq!(sum_squares(1_000_001, 2_000_000), 2_333_330_833_333_500_000);
    }

    #[test]
    fn split_covers_the_range() {
        let parts = split_range(1, 1_000_000, 3);
        assert_eq!(parts.first().map(|p| p.0), Some(1));
        assert_eq!(parts.last().map(|p| p.1), Some(1_000_000));
        assert!(parts.windows(2).all(|w| w[0].1 == w[1].0));
        let total: u64 = parts.iter().map(|&(s, e)| sum_squares(s, e)).sum();
        assert_eq!(total, sum_squares(1, 1_000_000));
    }

    #[test]
    fn three_ways_agree() {
        let gil = Gil::new(Duration::from_micros(200));
        let ranges = split_range(1, 200_000, 3);
        let sequential = run_sequential(&ranges, 2);
        assert_eq!(run_threads(&ranges, 2), sequential);
        assert_eq!(run_gil(&gil, &ranges, 2), sequential);
    }

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
                        black_box(sum_squares(0, 100));
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
