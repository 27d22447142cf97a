//! The guide's CPU-bound work, the sum of squares, done three ways: on one
//! thread, on real parallel threads, and on threads that take turns under a
//! [`Gil`]. Every way runs the same compiled loop, so their times compare.

use crate::gil::{Gil, GilGuard};
use std::hint::black_box;
use std::io;
use std::thread;

/// The guide's two ranges, `start..end` with `end` excluded like Python's
/// `range`.
pub const GUIDE_RANGES: [(u64, u64); 2] = [(1, 1_000_000), (1_000_001, 2_000_000)];

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

/// How many times the timed runs compute each range: 0.25 to 0.6 s of work
/// for one thread on this project's machine (its host's speed varies about
/// twofold), long enough that a 50 ms stall in one of the three rounds
/// cannot carry a speedup across its bound, short enough that the whole
/// example stays within a few seconds. The `dev` profile keeps overflow
/// checks on, which make the loop about twice as slow. (Repeated, not
/// widened: past an `end` of about 3.8 million the sums overflow.)
pub const REPS: u32 = if cfg!(debug_assertions) { 200 } else { 400 };

/// Computes each range `reps` times on the calling thread, one range after
/// the other. Returns each range's sum.
pub fn run_sequential(ranges: &[(u64, u64)], reps: u32) -> Vec<u64> {
    ranges
        .iter()
        .map(|&(start, end)| repeat(reps, || sum_squares(start, end)))
        .collect()
}

/// Computes each range `reps` times on its own thread, all threads at once:
/// true parallelism, limited only by the number of cores. Fails if the OS
/// refuses a thread (the threads already started finish first).
pub fn run_threads(ranges: &[(u64, u64)], reps: u32) -> io::Result<Vec<u64>> {
    // A scoped thread may borrow; the scope joins every thread before it
    // returns. `join().unwrap()` only fails if a thread panicked, a bug.
    thread::scope(|s| {
        let mut handles = Vec::new();
        for &(start, end) in ranges {
            let work = move || repeat(reps, || sum_squares(start, end));
            handles.push(thread::Builder::new().spawn_scoped(s, work)?);
        }
        Ok(handles.into_iter().map(|h| h.join().unwrap()).collect())
    })
}

/// Like [`run_threads`], but every thread must hold `gil` while it computes,
/// so only one of them makes progress at any moment.
pub fn run_gil(gil: &Gil, ranges: &[(u64, u64)], reps: u32) -> io::Result<Vec<u64>> {
    thread::scope(|s| {
        let mut handles = Vec::new();
        for &(start, end) in ranges {
            let work = move || {
                let mut guard = gil.acquire();
                repeat(reps, || sum_squares_holding(&mut guard, start, end))
            };
            handles.push(thread::Builder::new().spawn_scoped(s, work)?);
        }
        Ok(handles.into_iter().map(|h| h.join().unwrap()).collect())
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

fn repeat(reps: u32, mut f: impl FnMut() -> u64) -> u64 {
    let mut last = 0;
    for _ in 0..reps {
        last = black_box(f());
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

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
        assert_eq!(run_threads(&ranges, 2).unwrap(), sequential);
        assert_eq!(run_gil(&gil, &ranges, 2).unwrap(), sequential);
    }
}
