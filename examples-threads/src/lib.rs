//! The library behind the sibling binaries of this crate (the guide's own
//! programs, `thread` and `multithreading`, need none of it):
//!
//! - [`pool`]: a thread pool on a `crossbeam_channel` queue, Python's
//!   `ThreadPoolExecutor` (used by `thread-pool`);
//! - [`cli`]: plumbing for the measuring binaries (a count argument, one
//!   `error:` line and a failure exit status).

pub mod cli;
pub mod pool;

pub use pool::{AsCompleted, JobError, JobHandle, ThreadPool, as_completed};
