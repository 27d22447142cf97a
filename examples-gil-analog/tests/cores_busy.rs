//! The GIL analog's defining property, measured: however many threads wait
//! for it, the process never keeps more than one core busy.
//!
//! This is the only test in this file on purpose. The CPU-time clock counts
//! the whole process, and the test harness runs the tests of one file on
//! parallel threads, which would add their CPU time to this one's. Unix
//! only: elsewhere the crate has no CPU-time clock to measure with.

#![cfg(unix)]

use examples_gil_analog::{GUIDE_RANGES, Gil, SWITCH_INTERVAL, run_gil, timed_usage};

#[test]
fn a_gil_keeps_at_most_one_core_busy() {
    let gil = Gil::new(SWITCH_INTERVAL);
    let (_, usage) = timed_usage(|| run_gil(&gil, &GUIDE_RANGES, 10)).expect("CPU-time clock");
    // One thread computes at a time; the handovers are microseconds of
    // bookkeeping. (No lower bound: on a busy machine it may get less.)
    let busy = usage
        .cores_busy()
        .expect("the CPU-time clock exists on Unix");
    assert!(busy < 1.1, "{usage:?}");
}
