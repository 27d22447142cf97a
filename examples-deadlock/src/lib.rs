//! What the §7 siblings share. `deadlock` itself, the guide's program, uses
//! none of it: it copies alone.
//!
//! - [`detector`]: locks that record a wait-for graph, and the watchdog that
//!   finds a cycle in it (`deadlock-detector`, `philosophers`, ...).
//! - [`cli`]: plumbing, a failed call as one `error: ...` line.

pub mod cli;
pub mod detector;

pub use detector::{
    Cycle, DEADLOCK_EXIT_STATUS, Link, TrackedGuard, TrackedLock, WaitForGraph, start_watchdog,
};
