//! The thread pool's promises, checked without timing assertions: a panicking
//! job is that job's error and costs no worker; after the pool is dropped
//! every worker thread has exited; `map` keeps input order; `as_completed`
//! yields every job once.

use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, ThreadId};
use std::time::Duration;

use examples_threads::{JobError, ThreadPool, as_completed};

/// Long enough never to trigger on a healthy pool, short enough that a broken
/// one fails the test instead of hanging CI.
const PATIENCE: Duration = Duration::from_secs(20);

/// A meeting point for `n` jobs: each call waits until `n` calls are inside.
/// All `n` return `true` only if `n` different workers ran them at once (a
/// worker busy waiting here cannot take another job), so it proves that the
/// pool has at least `n` live workers. Gives up (returns `false`) after
/// `PATIENCE`, so that a missing worker cannot hang the test.
#[derive(Clone)]
struct Meeting(Arc<(Mutex<usize>, Condvar)>);

impl Meeting {
    fn new() -> Meeting {
        Meeting(Arc::new((Mutex::new(0), Condvar::new())))
    }

    fn meet(&self, n: usize) -> bool {
        let (arrived, all_here) = &*self.0;
        let mut count = arrived.lock().unwrap();
        *count += 1;
        all_here.notify_all();
        let (count, _) = all_here
            .wait_timeout_while(count, PATIENCE, |count| *count < n)
            .unwrap();
        *count >= n
    }
}

/// Runs `n` meeting jobs on `pool` and checks they all met.
fn assert_live_workers(pool: &ThreadPool, n: usize) {
    let meeting = Meeting::new();
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let meeting = meeting.clone();
            pool.submit(move || meeting.meet(n))
        })
        .collect();
    for handle in handles {
        assert_eq!(
            handle.result_timeout(PATIENCE),
            Ok(true),
            "{n} workers alive"
        );
    }
}

#[test]
fn a_panicking_job_is_its_own_error_and_the_pool_keeps_working() {
    let pool = ThreadPool::new(2).unwrap();
    // More panics than workers: if a panic killed its worker, the pool would
    // be empty after two of them.
    let broken: Vec<_> = (0..4)
        .map(|i| pool.submit(move || -> u32 { panic!("job {i} failed") }))
        .collect();
    for (i, handle) in broken.into_iter().enumerate() {
        assert_eq!(
            handle.result_timeout(PATIENCE),
            Err(JobError::Panicked(format!("job {i} failed")))
        );
    }
    // Both workers are still there, and ordinary jobs still get results.
    assert_live_workers(&pool, 2);
    let squares: Vec<_> = (0..6u32)
        .map(|i| pool.submit(move || i * i))
        .map(|handle| handle.result_timeout(PATIENCE))
        .collect();
    assert_eq!(squares, [0, 1, 4, 9, 16, 25].map(Ok));
    // No worker ended with a panic of its own.
    assert_eq!(pool.shutdown(), 2);
}

/// Counts live workers: one guard per worker, kept in a thread-local, whose
/// destructor runs when that worker thread exits.
struct LiveGuard(Arc<AtomicUsize>);

impl Drop for LiveGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

thread_local! {
    static GUARD: RefCell<Option<LiveGuard>> = const { RefCell::new(None) };
}

/// Plants a guard in each of the pool's `size` workers and returns the
/// counter of live guards and the ids of the threads that hold them.
fn plant_guards(pool: &ThreadPool, size: usize) -> (Arc<AtomicUsize>, HashSet<ThreadId>) {
    let live = Arc::new(AtomicUsize::new(0));
    let meeting = Meeting::new();
    let handles: Vec<_> = (0..size)
        .map(|_| {
            let live = Arc::clone(&live);
            let meeting = meeting.clone();
            pool.submit(move || {
                live.fetch_add(1, Ordering::SeqCst);
                GUARD.with(|guard| *guard.borrow_mut() = Some(LiveGuard(live)));
                // Holding this worker until all `size` jobs run means each
                // job has a worker of its own.
                assert!(meeting.meet(size), "not all workers took a job");
                thread::current().id()
            })
        })
        .collect();
    let ids = handles
        .into_iter()
        .map(|handle| handle.result_timeout(PATIENCE).unwrap())
        .collect();
    (live, ids)
}

#[test]
fn every_worker_has_exited_after_the_pool_is_dropped() {
    let size = 3;
    let pool = ThreadPool::new(size).unwrap();
    let (live, ids) = plant_guards(&pool, size);
    assert_eq!(ids.len(), size, "each guard sits in a different worker");
    assert_eq!(live.load(Ordering::SeqCst), size);
    drop(pool);
    // `drop` joined the workers, and a thread's thread-locals are destroyed
    // before `join` returns: no worker is left alive.
    assert_eq!(live.load(Ordering::SeqCst), 0);
}

#[test]
fn shutdown_joins_every_worker_and_still_runs_queued_jobs() {
    let size = 2;
    let pool = ThreadPool::new(size).unwrap();
    let (live, _) = plant_guards(&pool, size);
    // Queued before the shutdown, run during it: the workers drain the queue.
    let queued: Vec<_> = (0..10u32).map(|i| pool.submit(move || i + 1)).collect();
    assert_eq!(pool.shutdown(), size);
    assert_eq!(live.load(Ordering::SeqCst), 0);
    let results: Vec<_> = queued.into_iter().map(|handle| handle.result()).collect();
    assert_eq!(results, (1..=10).map(Ok).collect::<Vec<_>>());
}

#[test]
fn map_keeps_input_order_and_as_completed_yields_each_job_once() {
    let pool = ThreadPool::new(3).unwrap();
    // Later inputs finish first; the order of `map` must not care.
    let lengths = pool
        .map(
            |word: &str| {
                thread::sleep(Duration::from_millis(10 * (5 - word.len() as u64)));
                word.len()
            },
            ["a", "bb", "ccc", "dddd"],
        )
        .collect::<Result<Vec<_>, _>>();
    assert_eq!(lengths, Ok(vec![1, 2, 3, 4]));

    let handles = (0..8u32).map(|i| pool.submit(move || i * 10)).collect();
    let mut seen: Vec<(usize, u32)> = as_completed(handles)
        .map(|(index, result)| (index, result.unwrap()))
        .collect();
    seen.sort_unstable();
    let expected: Vec<(usize, u32)> = (0..8).map(|i| (i as usize, i * 10)).collect();
    assert_eq!(seen, expected);
}

#[test]
fn a_pool_of_zero_workers_is_an_error() {
    let error = ThreadPool::new(0).err().expect("size 0 must be refused");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
}
