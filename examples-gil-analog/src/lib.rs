//! The library behind `gil-analog` and `cpu-scaling` (guide §4), one concept
//! per module. The guide's own program, `gil`, uses none of it.
//!
//! - [`gil`]: a GIL analog, the lock a thread must hold to run its loop,
//!   handed over the way CPython's is.
//! - [`work`]: the guide's CPU-bound sum, done three ways (one thread, real
//!   threads, threads under a [`Gil`]).
//! - [`cpu`]: wall time and the process's CPU time, hence cores busy.
//! - [`cli`]: plumbing: arguments, error lines, exit codes.

pub mod cli;
pub mod cpu;
pub mod gil;
pub mod work;

pub use cpu::{NOT_MEASURED, Usage, process_cpu_time, timed, timed_usage};
pub use gil::{Gil, GilGuard, SWITCH_INTERVAL};
pub use work::{
    CHECK_EVERY, GUIDE_RANGES, REPS, run_gil, run_sequential, run_threads, split_range,
    sum_squares, sum_squares_holding,
};
