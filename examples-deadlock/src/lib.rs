//! What `deadlock-detector` and `philosophers` share. `deadlock`, the guide's
//! program, and its two fixes `deadlock-ordered` and `deadlock-try-lock` use
//! none of it: they copy alone.
//!
//! - [`detector`]: locks that record a wait-for graph, and the watchdog that
//!   finds a cycle in it.
//! - [`cli`]: plumbing, a failed call as one `error: ...` line.

pub mod cli;
pub mod detector;

pub use detector::{
    Cycle, DEADLOCK_EXIT_STATUS, Link, TrackedGuard, TrackedLock, WaitForGraph, start_watchdog,
};
