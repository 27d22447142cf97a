//! The free-cores checks have teeth: a "parallel" program whose two threads
//! hold one lock for all their work runs through the real verify path (a
//! release build, a run, the evidence, the spec), and on a machine whose
//! cores were free its speedup check is reported FAILED, with the evidence.
//! The same program without the lock passes. A run judged busy proves
//! nothing, so it is retried, and a test that never got a free run fails.

mod common;

use common::Fixture;
use xtask::report::{self, Outcome};
use xtask::verify::{self, Options};

const SOURCE: &str = include_str!("fixtures/speedup.rs");
const SPEC: &str = include_str!("fixtures/speedup.txt");

/// Rounds to wait for free cores before giving up.
const TRIES: usize = 5;

#[test]
fn serialized_threads_fail_the_speedup_check_on_free_cores() {
    let serialized = SOURCE.replace(
        "const SERIALIZED: bool = false;",
        "const SERIALIZED: bool = true;",
    );
    assert_ne!(serialized, SOURCE, "the fixture has its switch");
    let fixture = Fixture::new(
        "serialized",
        &[
            ("serialized", &serialized, SPEC),
            ("parallel", SOURCE, SPEC),
        ],
    );
    let mut seen = Vec::new();
    for _ in 0..TRIES {
        let report = verify::run(&fixture.root, &Options::default())
            .unwrap_or_else(|e| panic!("{}", e.message));
        let row = |name: &str| {
            report
                .rows
                .iter()
                .find(|r| r.name == name)
                .expect("both fixtures ran")
        };
        let (ser, par) = (row("serialized"), row("parallel"));
        seen.push(report::decision(ser));
        seen.push(report::decision(par));
        let enforced = |r: &report::Row| r.verdict.cores.as_ref().is_some_and(|c| c.enforced);
        // A serialized run is never a pass, however busy the machine was.
        assert_ne!(ser.outcome, Outcome::Passed, "{seen:#?}");
        if !enforced(ser) {
            continue;
        }
        assert_eq!(ser.outcome, Outcome::Failed, "{seen:#?}");
        let failure = &ser.verdict.failures[0];
        assert!(failure.free_cores, "{failure:?}");
        assert!(
            failure.reason.contains("below the lower bound 1.3"),
            "{failure:?}"
        );
        // The control: the same work without the lock, judged free too,
        // passes. (If its own run was busy, the serialized verdict stands.)
        if enforced(par) {
            assert_eq!(par.outcome, Outcome::Passed, "{seen:#?}");
        }
        eprintln!(
            "serialized: FAILED on free cores, as it must: {}",
            seen.join("\n")
        );
        return;
    }
    panic!(
        "the cores were never free in {TRIES} rounds, so the check was never judged:\n{}",
        seen.join("\n")
    );
}
