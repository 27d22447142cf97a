//! A model check of the three counters of §6 with `loom`: instead of running
//! the threads and hoping for an unlucky schedule, loom runs the test once
//! for every possible interleaving of the threads' atomic and lock
//! operations, so "can lose an update" and "never loses one" become proofs
//! for the model, not luck.
//!
//! Design: this file uses loom's types (`loom::sync`, `loom::thread`)
//! directly; the binaries are a dozen lines each, so the test restates
//! their `increment_counter` bodies on loom's types rather than switching
//! the binaries' own types with `cfg`. Like every loom test it is built only
//! with `--cfg loom` (loom takes a minute to compile, which a reader's
//! `cargo test --workspace` should not pay); `.ci/run` runs it. The counts
//! are small (two threads, two increments each) because the number of
//! interleavings grows exponentially with them, and two is already enough
//! to lose one.
//!
//!     RUSTFLAGS="--cfg loom" cargo test -p examples-locks --test loom \
//!         --target-dir target/loom -- --nocapture

#![cfg(loom)]

use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::{Arc, Mutex};
use loom::thread;
use std::collections::BTreeSet;

/// Increments per thread; two threads, like the guide.
const INCREMENTS: usize = 2;
const TOTAL: usize = 2 * INCREMENTS;

/// Runs `increment` on two threads under every interleaving loom can find,
/// and returns every final value the counter ended with.
fn final_values<C: Send + Sync + 'static>(
    new: fn() -> C,
    increment: fn(&C),
    read: fn(&C) -> usize,
) -> BTreeSet<usize> {
    // Outcomes are collected with std's types: this bookkeeping is outside
    // the model and must not be explored by loom.
    let seen = std::sync::Arc::new(std::sync::Mutex::new(BTreeSet::new()));
    let runs = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (seen_in_model, runs_in_model) = (seen.clone(), runs.clone());
    loom::model(move || {
        let counter = Arc::new(new());
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let counter = counter.clone();
                thread::spawn(move || {
                    for _ in 0..INCREMENTS {
                        increment(&counter);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        seen_in_model.lock().unwrap().insert(read(&counter));
        runs_in_model.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
    let finals = seen.lock().unwrap().clone();
    println!(
        "{} interleavings, final counter values {finals:?}",
        runs.load(std::sync::atomic::Ordering::Relaxed)
    );
    finals
}

#[test]
fn unlocked_read_then_write_loses_updates() {
    // `race-unlocked`: load, add one, store.
    let finals = final_values(
        || AtomicUsize::new(0),
        |counter| {
            let temp = counter.load(Ordering::Relaxed);
            counter.store(temp + 1, Ordering::Relaxed);
        },
        |counter| counter.load(Ordering::Relaxed),
    );
    // Some interleaving loses an update; none invents one. With two
    // increments per thread, as little as 2 of 4 can survive: one thread's
    // stale store wipes out everything the other did in between.
    assert_eq!(finals, BTreeSet::from([2, 3, 4]));
}

#[test]
fn mutex_never_loses_an_update() {
    // `race`: the read and the write happen while holding the lock.
    let finals = final_values(
        || Mutex::new(0),
        |counter| {
            let mut guard = counter.lock().unwrap();
            let mut temp = *guard;
            temp += 1;
            *guard = temp;
        },
        |counter| *counter.lock().unwrap(),
    );
    assert_eq!(finals, BTreeSet::from([TOTAL]));
}

#[test]
fn fetch_add_never_loses_an_update() {
    // `race-atomic`: one indivisible read-modify-write.
    let finals = final_values(
        || AtomicUsize::new(0),
        |counter| {
            counter.fetch_add(1, Ordering::Relaxed);
        },
        |counter| counter.load(Ordering::Relaxed),
    );
    assert_eq!(finals, BTreeSet::from([TOTAL]));
}
