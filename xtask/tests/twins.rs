//! The rayon examples' wrong twin fails their free-cores check: the same
//! binary, unchanged, with `RAYON_NUM_THREADS=1`, so rayon's global pool has
//! one thread and the "parallel" way runs on it alone. On a run whose cores
//! were free, its cores-busy check must be reported failed (the twin keeps
//! about one core busy; the bound sits at 1.3, see `xtask/README.md`).
//!
//! Ignored by default (seconds of CPU-bound runs per example; `.ci/run`
//! runs it): `cargo test -p xtask --test twins -- --ignored --nocapture`.
//! `TWIN_ROUNDS=20` judges each example twenty times.

use std::path::Path;

use xtask::catalog::{self, Example};
use xtask::cores;
use xtask::run;

/// Runs judged busy before a round gives up on free cores.
const TRIES: usize = 5;

fn rayon_examples(root: &Path) -> Vec<Example> {
    catalog::load(root)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .filter(|e| e.spec.needs_free_cores())
        .filter(|e| std::fs::read_to_string(e.source_path()).is_ok_and(|s| s.contains("use rayon")))
        .collect()
}

#[test]
#[ignore = "seconds of CPU-bound runs per example; .ci/run runs it"]
fn one_rayon_thread_fails_the_cores_busy_check_on_free_cores() {
    let root = catalog::workspace_root().unwrap_or_else(|e| panic!("{e}"));
    // Run where `cargo run` would: files written under `target/` go there.
    std::env::set_current_dir(&root).expect("the workspace root");
    let examples = rayon_examples(&root);
    assert!(
        !examples.is_empty(),
        "no rayon example has a free-cores check"
    );
    let bins = catalog::build(&root).unwrap_or_else(|e| panic!("{e}"));
    let rounds: usize = std::env::var("TWIN_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    for e in &examples {
        let exe = &bins[&(e.package.clone(), e.bin.clone())];
        let mut failed = 0;
        for round in 1..=rounds {
            let mut judged = false;
            for _ in 0..TRIES {
                let mut args = vec!["RAYON_NUM_THREADS=1".to_string(), exe.display().to_string()];
                args.extend(e.spec.args.iter().cloned());
                let t = run::run_example(Path::new("/usr/bin/env"), &args, e.spec.timeout)
                    .expect("the twin runs");
                let (before, after) = t.machine.expect("/proc/stat (Linux)");
                let machine = cores::judge(before, after, t.run.wall, t.cpu);
                let verdict = e.spec.check(&t.run, &machine);
                if !machine.free {
                    eprintln!(
                        "{}: round {round}: cores busy, again ({})",
                        e.bin, machine.evidence
                    );
                    continue;
                }
                let on_cores: Vec<_> = verdict.failures.iter().filter(|f| f.free_cores).collect();
                assert!(
                    !on_cores.is_empty() && on_cores.len() == verdict.failures.len(),
                    "{}: with one rayon thread on free cores it must fail its free-cores \
                     check and nothing else: {:#?}\n{}",
                    e.bin,
                    verdict.failures,
                    t.run.stdout
                );
                eprintln!(
                    "{}: round {round}: FAILED on free cores, as it must: {} ({})",
                    e.bin, on_cores[0].reason, machine.evidence
                );
                failed += 1;
                judged = true;
                break;
            }
            assert!(
                judged,
                "{}: the cores were never free in {TRIES} runs",
                e.bin
            );
        }
        eprintln!(
            "{}: the twin failed {failed} of {rounds} rounds on free cores",
            e.bin
        );
    }
}
