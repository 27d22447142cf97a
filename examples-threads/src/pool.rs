//! A fixed-size thread pool fed by a `crossbeam_channel` job queue: the Rust
//! analog of Python's `concurrent.futures.ThreadPoolExecutor`, small enough
//! to read in one sitting. The `thread-pool` binary shows it at work.
//!
//! | Python                              | here                              |
//! |-------------------------------------|-----------------------------------|
//! | `ThreadPoolExecutor(max_workers=n)` | [`ThreadPool::new`]               |
//! | `executor.submit(fn, arg)`          | [`ThreadPool::submit`]            |
//! | `future.result()` / `(timeout=t)`   | [`JobHandle::result`] / [`JobHandle::result_timeout`] |
//! | `executor.map(fn, inputs)`          | [`ThreadPool::map`]               |
//! | `as_completed(futures)`             | [`as_completed`]                  |
//! | `executor.shutdown(wait=True)`      | [`ThreadPool::shutdown`], or drop |
//!
//! Real projects reach for `rayon` (data parallelism) or `threadpool`; this one
//! exists to show the moving parts: one shared queue, N workers, one result
//! channel per job, and a shutdown that is just "drop the sender".

use std::any::Any;
use std::fmt;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Select, Sender};

/// A job as the workers see it: any closure, run once, on any thread.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// What a job sends back: its value, or the payload of its panic.
type Outcome<T> = thread::Result<T>;

/// Why a job produced no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobError {
    /// The job panicked; this is the panic message. The worker that ran it
    /// caught the panic and went on to its next job.
    Panicked(String),
    /// `result_timeout` gave up waiting; the job may still finish later.
    Timeout,
    /// The job was dropped without running. The workers drain the queue
    /// before they exit, so this does not happen; it exists so that waiting
    /// for a result never has to panic.
    Lost,
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Panicked(message) => write!(f, "job panicked: {message}"),
            JobError::Timeout => write!(f, "timed out waiting for the job"),
            JobError::Lost => write!(f, "job was dropped without running"),
        }
    }
}

impl std::error::Error for JobError {}

/// The result of one submitted job, like a `concurrent.futures.Future`.
///
/// It owns the receiving end of a one-message channel; the job's wrapper
/// holds the sending end and sends exactly once.
pub struct JobHandle<T> {
    result: Receiver<Outcome<T>>,
}

impl<T> JobHandle<T> {
    /// Blocks until the job has run, then returns its value or its panic.
    pub fn result(self) -> Result<T, JobError> {
        outcome_to_result(self.result.recv().map_err(|_| JobError::Lost))
    }

    /// Like [`JobHandle::result`], but gives up after `timeout`.
    pub fn result_timeout(self, timeout: Duration) -> Result<T, JobError> {
        let outcome = self.result.recv_timeout(timeout).map_err(|e| match e {
            RecvTimeoutError::Timeout => JobError::Timeout,
            RecvTimeoutError::Disconnected => JobError::Lost,
        });
        outcome_to_result(outcome)
    }
}

fn outcome_to_result<T>(outcome: Result<Outcome<T>, JobError>) -> Result<T, JobError> {
    outcome?.map_err(|payload| JobError::Panicked(panic_message(payload.as_ref())))
}

/// `panic!("...")` carries a `&str` or a `String`; anything else is rare.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic payload that is not a string)".to_string()
    }
}

/// A fixed number of worker threads taking jobs from one shared queue.
pub struct ThreadPool {
    // `Option` so that `shutdown` and `drop` can drop the sender first: that
    // is the signal for the workers to finish the queue and exit.
    jobs: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
}

impl ThreadPool {
    /// The size used by [`ThreadPool::with_default_size`]: one worker per
    /// logical CPU. (Python's default is `min(32, cpus + 4)`, tuned for I/O.)
    pub fn default_size() -> usize {
        num_cpus::get()
    }

    /// A pool of [`ThreadPool::default_size`] workers.
    pub fn with_default_size() -> io::Result<ThreadPool> {
        ThreadPool::new(ThreadPool::default_size())
    }

    /// Starts `size` worker threads, named `pool-worker-0`, `pool-worker-1`, ...
    ///
    /// Fails if `size` is 0 or if the OS refuses to create a thread (the
    /// error then names the worker and the OS's reason).
    pub fn new(size: usize) -> io::Result<ThreadPool> {
        if size == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a thread pool needs at least one worker",
            ));
        }
        // An unbounded queue: `submit` never blocks, like ThreadPoolExecutor.
        let (jobs, queue) = crossbeam_channel::unbounded::<Job>();
        let mut workers = Vec::with_capacity(size);
        for id in 0..size {
            // A crossbeam `Receiver` is `Clone` and every clone takes from the
            // same queue, each job going to exactly one worker. With std's
            // mpsc the receiver would need an `Arc<Mutex<_>>` around it.
            let queue = queue.clone();
            let worker = thread::Builder::new()
                .name(format!("pool-worker-{id}"))
                .spawn(move || {
                    // The loop ends when the queue is empty and every sender
                    // is gone, so queued jobs still run after a shutdown.
                    for job in queue {
                        job();
                    }
                });
            match worker {
                Ok(handle) => workers.push(handle),
                Err(e) => {
                    // Dropping `jobs` ends the workers already started.
                    drop(jobs);
                    for handle in workers {
                        let _ = handle.join();
                    }
                    // Keep the kind (`WouldBlock` when over a process
                    // limit), add which call failed for whom.
                    let why = format!("thread::Builder::spawn failed for pool-worker-{id}: {e}");
                    return Err(io::Error::new(e.kind(), why));
                }
            }
        }
        Ok(ThreadPool {
            jobs: Some(jobs),
            workers,
        })
    }

    /// How many worker threads the pool has.
    pub fn size(&self) -> usize {
        self.workers.len()
    }

    /// Queues `job` and returns at once with a handle to its result.
    pub fn submit<T, F>(&self, job: F) -> JobHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (result_tx, result_rx) = crossbeam_channel::bounded(1);
        let wrapped: Job = Box::new(move || {
            // `catch_unwind` turns a panic into an `Err`, so the worker lives
            // on. `AssertUnwindSafe`: the job's captured state is dropped
            // with it, nobody sees it half-updated after the panic.
            let outcome = panic::catch_unwind(AssertUnwindSafe(job));
            // The caller may have dropped the handle; then nobody wants it.
            let _ = result_tx.send(outcome);
        });
        if let Some(jobs) = &self.jobs {
            // Sending fails only if every worker is gone, which cannot happen
            // while the pool holds the sender. If it did, the job would be
            // dropped with its `result_tx`, and the handle would say `Lost`.
            let _ = jobs.send(wrapped);
        }
        JobHandle { result: result_rx }
    }

    /// Runs `f` on every input and yields the results in input order, like
    /// `executor.map`. Every job is queued before the first result is awaited.
    pub fn map<I, T, F>(
        &self,
        f: F,
        inputs: impl IntoIterator<Item = I>,
    ) -> impl Iterator<Item = Result<T, JobError>>
    where
        F: Fn(I) -> T + Send + Sync + 'static,
        I: Send + 'static,
        T: Send + 'static,
    {
        // One `f` shared by every job: an `Arc`, not a copy per input.
        let f = Arc::new(f);
        let handles: Vec<JobHandle<T>> = inputs
            .into_iter()
            .map(|input| {
                let f = Arc::clone(&f);
                self.submit(move || f(input))
            })
            .collect();
        handles.into_iter().map(JobHandle::result)
    }

    /// Closes the queue, lets the workers finish every queued job, joins
    /// them all, and returns how many exited normally (all of them: jobs'
    /// panics are caught). Dropping the pool does the same without the count.
    pub fn shutdown(mut self) -> usize {
        self.close_and_join()
    }

    fn close_and_join(&mut self) -> usize {
        // Without this `take` the workers would wait for jobs forever.
        drop(self.jobs.take());
        self.workers
            .drain(..)
            .map(|worker| worker.join())
            .filter(Result::is_ok)
            .count()
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        // Like leaving a `with ThreadPoolExecutor(...)` block: wait for all.
        self.close_and_join();
    }
}

/// Yields `(index, result)` for each handle as its job finishes, fastest
/// first, like `concurrent.futures.as_completed`; `index` is the handle's
/// position in `handles`.
pub fn as_completed<T>(handles: Vec<JobHandle<T>>) -> AsCompleted<T> {
    AsCompleted {
        pending: handles
            .into_iter()
            .map(|handle| handle.result)
            .enumerate()
            .collect(),
    }
}

/// The iterator returned by [`as_completed`].
pub struct AsCompleted<T> {
    pending: Vec<(usize, Receiver<Outcome<T>>)>,
}

impl<T> Iterator for AsCompleted<T> {
    type Item = (usize, Result<T, JobError>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pending.is_empty() {
            return None;
        }
        // `Select` waits on any number of receivers at once, chosen at run
        // time (the `select!` macro needs them written out). std has no
        // equivalent.
        let mut select = Select::new();
        for (_, receiver) in &self.pending {
            select.recv(receiver);
        }
        let operation = select.select();
        let slot = operation.index();
        // The operation must be completed on the receiver it was chosen for.
        let outcome = operation
            .recv(&self.pending[slot].1)
            .map_err(|_| JobError::Lost);
        let (index, _) = self.pending.swap_remove(slot);
        Some((index, outcome_to_result(outcome)))
    }
}
