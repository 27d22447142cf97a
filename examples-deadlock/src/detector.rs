//! The wait-for-graph deadlock detector: a lock that records who holds it
//! and who waits for it, and a watchdog that reads those records and reports
//! a deadlock instead of hanging.
//!
//! Every [`TrackedLock`] writes two kinds of fact into one shared wait-for
//! graph: "thread T holds lock L" and "thread T is blocked waiting for lock
//! L". A deadlock is a cycle in that graph: Task 1 waits for a lock held by
//! Task 2, which waits for a lock held by Task 1. The watchdog started by
//! [`start_watchdog`] looks for such a cycle every few milliseconds, prints it
//! and ends the process.
//!
//! Why a cycle in the records is a real deadlock, never a false alarm: a
//! holder is recorded only after the real mutex is taken and erased before it
//! is released, so a recorded holder really holds the lock. A thread recorded
//! as waiting stays recorded until its `lock()` returns, which cannot happen
//! while the holder is itself stuck waiting further along the cycle.
//!
//! This is a teaching-sized version of what `parking_lot` does for real
//! programs: with its `deadlock_detection` feature, a background thread calls
//! `parking_lot::deadlock::check_deadlock()` and gets the deadlocked threads
//! with their backtraces.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::process;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Duration;

/// The exit status of a program stopped by the watchdog. Chosen to differ
/// from 1 (an ordinary error), 2 (a usage error) and 101 (a Rust panic).
pub const DEADLOCK_EXIT_STATUS: i32 = 3;

/// How often the watchdog reads the graph.
const WATCHDOG_PERIOD: Duration = Duration::from_millis(10);

/// One graph for the whole process, like the locks it describes.
static GRAPH: Mutex<WaitForGraph> = Mutex::new(WaitForGraph::new());

fn graph() -> MutexGuard<'static, WaitForGraph> {
    // Poisoned only if this file panicked while updating the graph: a bug.
    GRAPH.lock().unwrap()
}

/// Threads are told apart by name, so give every thread a distinct one
/// (`thread::Builder::name`); an unnamed thread is shown by its id.
fn current_thread_name() -> String {
    let me = thread::current();
    match me.name() {
        Some(name) => name.to_owned(),
        None => format!("{:?}", me.id()),
    }
}

/// A lock that protects no data, like Python's `threading.Lock`, and keeps the
/// wait-for graph up to date.
pub struct TrackedLock {
    name: &'static str,
    inner: Mutex<()>,
}

/// Holding one of these means holding the lock; dropping it releases the lock.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct TrackedGuard<'a> {
    lock: &'a TrackedLock,
    _inner: MutexGuard<'a, ()>,
}

impl TrackedLock {
    /// `const`, so a lock can be a `static`, like the guide's global locks.
    pub const fn new(name: &'static str) -> Self {
        TrackedLock {
            name,
            inner: Mutex::new(()),
        }
    }

    /// Blocks until the lock is free, possibly forever. While it blocks, the
    /// graph says so.
    pub fn lock(&self) -> TrackedGuard<'_> {
        let me = current_thread_name();
        graph().waits_for.insert(me.clone(), self.name);
        // A poisoned `Mutex<()>` guards no data that could be half-updated,
        // so there is nothing to refuse: take the guard anyway.
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let mut graph = graph();
        graph.waits_for.remove(&me);
        graph.holder.insert(self.name, me);
        TrackedGuard {
            lock: self,
            _inner: inner,
        }
    }
}

impl Drop for TrackedGuard<'_> {
    fn drop(&mut self) {
        // `drop` runs before the fields are dropped: the record goes first,
        // then `_inner` really unlocks. A recorded holder always holds.
        graph().holder.remove(self.lock.name);
    }
}

/// Who holds which lock, and who waits for which lock.
#[derive(Debug, Default)]
pub struct WaitForGraph {
    holder: BTreeMap<&'static str, String>,
    waits_for: BTreeMap<String, &'static str>,
}

impl WaitForGraph {
    pub const fn new() -> Self {
        WaitForGraph {
            holder: BTreeMap::new(),
            waits_for: BTreeMap::new(),
        }
    }

    /// Records that `thread` holds `lock` (the locks do this themselves).
    pub fn holds(&mut self, thread: &str, lock: &'static str) {
        self.holder.insert(lock, thread.to_owned());
    }

    /// Records that `thread` is blocked on `lock`.
    pub fn waits(&mut self, thread: &str, lock: &'static str) {
        self.waits_for.insert(thread.to_owned(), lock);
    }

    /// Follows "waits for a lock held by" from every waiting thread; coming
    /// back to a thread already on the path closes a cycle.
    pub fn find_cycle(&self) -> Option<Cycle> {
        for start in self.waits_for.keys() {
            let mut path: Vec<&str> = Vec::new();
            let mut thread = start.as_str();
            loop {
                if let Some(first) = path.iter().position(|&t| t == thread) {
                    return Some(self.describe(&path[first..]));
                }
                path.push(thread);
                let Some(lock) = self.waits_for.get(thread) else {
                    break;
                };
                let Some(holder) = self.holder.get(lock) else {
                    break;
                };
                thread = holder;
            }
        }
        None
    }

    /// Each thread of the cycle holds the lock its predecessor waits for.
    fn describe(&self, threads: &[&str]) -> Cycle {
        let mut links: Vec<Link> = threads
            .iter()
            .enumerate()
            .map(|(i, &thread)| {
                let before = threads[(i + threads.len() - 1) % threads.len()];
                Link {
                    thread: thread.to_owned(),
                    holds: self.waits_for[before],
                    waits_for: self.waits_for[thread],
                }
            })
            .collect();
        // Start the report at the smallest name, so it reads the same every run.
        if let Some(first) = (0..links.len()).min_by_key(|&i| &links[i].thread) {
            links.rotate_left(first);
        }
        Cycle(links)
    }
}

/// Threads that wait for each other in a circle; prints as
/// `Task 1 holds lock1 and waits for lock2; Task 2 holds lock2 and waits for lock1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle(pub Vec<Link>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub thread: String,
    pub holds: &'static str,
    pub waits_for: &'static str,
}

impl fmt::Display for Cycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, link) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            let Link {
                thread,
                holds,
                waits_for,
            } = link;
            write!(f, "{thread} holds {holds} and waits for {waits_for}")?;
        }
        Ok(())
    }
}

/// Starts a thread that checks the graph every few milliseconds. On a cycle
/// it prints `Deadlock detected: ...` to stderr and exits the process with
/// [`DEADLOCK_EXIT_STATUS`]: Rust cannot cancel or kill a single thread, so
/// the deadlocked threads can only end with the whole process.
pub fn start_watchdog() -> io::Result<()> {
    thread::Builder::new()
        .name("watchdog".to_owned())
        .spawn(|| {
            loop {
                thread::sleep(WATCHDOG_PERIOD);
                // A separate `let`, so the graph's guard is dropped before
                // printing and exiting.
                let cycle = graph().find_cycle();
                if let Some(cycle) = cycle {
                    eprintln!("Deadlock detected: {cycle}");
                    process::exit(DEADLOCK_EXIT_STATUS);
                }
            }
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_threads_in_a_circle() {
        let mut g = WaitForGraph::new();
        g.holds("Task 2", "lock2");
        g.holds("Task 1", "lock1");
        g.waits("Task 2", "lock1");
        g.waits("Task 1", "lock2");
        let cycle = g.find_cycle().map(|c| c.to_string());
        assert_eq!(
            cycle.as_deref(),
            Some("Task 1 holds lock1 and waits for lock2; Task 2 holds lock2 and waits for lock1")
        );
    }

    #[test]
    fn waiting_for_a_running_thread_is_no_deadlock() {
        let mut g = WaitForGraph::new();
        g.holds("Task 1", "lock1");
        g.holds("Task 1", "lock2");
        g.waits("Task 2", "lock1");
        assert_eq!(g.find_cycle(), None);
    }

    #[test]
    fn a_thread_waiting_into_a_cycle_is_not_part_of_it() {
        let mut g = WaitForGraph::new();
        g.holds("a", "x");
        g.holds("b", "y");
        g.holds("c", "z");
        g.waits("a", "y");
        g.waits("b", "z");
        g.waits("c", "y");
        let cycle = g.find_cycle().map(|c| c.to_string());
        assert_eq!(
            cycle.as_deref(),
            Some("b holds y and waits for z; c holds z and waits for y")
        );
    }

    #[test]
    fn a_released_lock_leaves_the_graph() {
        static L: TrackedLock = TrackedLock::new("test lock");
        let guard = L.lock();
        assert!(graph().holder.contains_key("test lock"));
        drop(guard);
        assert!(!graph().holder.contains_key("test lock"));
    }
}
