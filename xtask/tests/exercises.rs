//! The exercises (`<package>/exercises/`) and their grader.
//!
//! Always: every exercise has all its files, its spec and hints parse, the
//! starter, solution and wrong solution state what copying them takes, and
//! `cargo xtask exercise` lists them and refuses a bad name.
//!
//! Ignored by default (it builds and runs 36 programs, minutes; `.ci/run`
//! runs it): the grader's teeth. For every exercise the untouched starter
//! fails, the reference solution passes and the plausible wrong solution
//! fails. A failure that needs two free cores (a speedup, a lost update) is
//! "not judged" when the cores were busy, with the evidence, never a pass.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use xtask::copies;
use xtask::exercise::{self, Exercise, Variant};
use xtask::report::Outcome;

fn root() -> PathBuf {
    xtask::catalog::workspace_root().unwrap_or_else(|e| panic!("{e}"))
}

fn exercises() -> Vec<Exercise> {
    exercise::load(&root()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_exercise_is_complete_and_every_guide_program_has_one() {
    let all = exercises();
    for section in ["1", "3", "4", "5", "6", "7", "8", "9", "10", "11"] {
        assert!(
            all.iter().any(|e| e.spec.section == section),
            "no exercise for guide §{section}"
        );
    }
    for extra in ["tip 6", "tip 12"] {
        assert!(
            all.iter().any(|e| e.spec.section == extra),
            "none for {extra}"
        );
    }
    for e in &all {
        let read = |v| fs::read_to_string(e.file(v)).expect("load checked it exists");
        let [starter, solution, wrong] =
            [Variant::Starter, Variant::Solution, Variant::Wrong].map(read);
        for (v, source) in [
            ("starter", &starter),
            ("solution", &solution),
            ("wrong", &wrong),
        ] {
            if let Err(why) = copies::needs(source) {
                panic!("{}: its {v}: {why}", e.name);
            }
            assert!(
                !copies::uses_library(source, &e.package),
                "{}: its {v} uses the crate's library; an exercise is one file",
                e.name
            );
            assert!(
                source.starts_with("//! Guide "),
                "{}: its {v} must open with `//! Guide §N, exercise ...`",
                e.name
            );
        }
        assert!(
            starter.contains("// TODO"),
            "{}: the starter has no `// TODO`",
            e.name
        );
        assert!(
            starter != solution && wrong != solution && wrong != starter,
            "{}",
            e.name
        );
    }
}

fn xtask(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the xtask runs")
}

#[test]
fn the_list_the_solution_and_bad_input() {
    let list = xtask(&["exercise"]);
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(list.status.success(), "{text}");
    for e in exercises() {
        assert!(
            text.contains(&e.name) && text.contains(&e.spec.about),
            "{text}"
        );
    }
    let solution = xtask(&["exercise", "sync-to-threads", "--solution"]);
    assert!(solution.status.success());
    assert!(String::from_utf8_lossy(&solution.stdout).contains("thread::spawn"));
    for bad in [
        &["exercise", "no-such-exercise"][..],
        &["exercise", "--reset"],
        &["exercise", "a", "b"],
    ] {
        let out = xtask(bad);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {err}");
        assert!(err.starts_with("error: "), "{bad:?}: {err}");
    }
}

/// How one graded file came out against what it must do.
fn judge(e: &Exercise, v: Variant, g: &exercise::Graded) -> Result<String, String> {
    let must_pass = v == Variant::Solution;
    let evidence = || g.machine.evidence.clone();
    match (g.outcome(), must_pass) {
        (Outcome::Passed, true) => Ok("passes".into()),
        (Outcome::Skipped, true) => Ok(format!(
            "passes the checks it could; free-cores checks not judged (cores busy: {})",
            evidence()
        )),
        (Outcome::Failed, true) => Err("the reference solution FAILS".into()),
        (Outcome::Failed, false) => {
            let unhinted: Vec<String> = g
                .row
                .verdict
                .failures
                .iter()
                .filter(|f| e.hints.for_failure(f).is_none())
                .map(|f| f.reason.clone())
                .collect();
            if unhinted.is_empty() {
                let first = &g.row.verdict.failures[0];
                let on = first
                    .spec_line
                    .as_ref()
                    .map_or_else(|| first.reason.clone(), |(n, _)| format!("spec line {n}"));
                Ok(format!("fails ({on}), with a hint"))
            } else {
                Err(format!("fails, but with no hint for: {unhinted:?}"))
            }
        }
        (Outcome::Skipped, false) => Ok(format!(
            "NOT JUDGED: only its free-cores checks can fail it, and the cores were busy ({})",
            evidence()
        )),
        (Outcome::Passed, false) if e.hints.free_cores.contains(&v) && !g.machine.free => {
            Ok(format!(
                "NOT JUDGED: it fails only when two threads run at the same moment, and the cores were busy ({})",
                evidence()
            ))
        }
        (Outcome::Passed, false) => Err(format!(
            "PASSES, but must fail (cores free: {}; {})",
            g.machine.free,
            evidence()
        )),
    }
}

#[test]
#[ignore = "builds and runs every exercise's starter, solution and wrong solution (minutes); .ci/run runs it"]
fn every_starter_fails_every_solution_passes_every_wrong_solution_fails() {
    let root = root();
    let start = std::time::Instant::now();
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    // `EXERCISES=gil-release,pool-lock` grades only those.
    let only = std::env::var("EXERCISES").unwrap_or_default();
    let picked = |e: &Exercise| only.is_empty() || only.split(',').any(|n| n == e.name);
    for e in exercises().into_iter().filter(picked) {
        for v in [Variant::Starter, Variant::Solution, Variant::Wrong] {
            let verdict = match exercise::grade(&root, &e, v) {
                Ok(g) => judge(&e, v, &g),
                Err(err) => Err(format!("cannot grade: {}", err.message)),
            };
            let line = match verdict {
                Ok(what) => format!("{:<20} {:<9} {what}", e.name, v.label()),
                Err(what) => {
                    problems.push(format!("{} ({}): {what}", e.name, v.label()));
                    format!("{:<20} {:<9} PROBLEM: {what}", e.name, v.label())
                }
            };
            println!("teeth: {line}");
            lines.push(line);
        }
    }
    println!(
        "\n== the grader's teeth, {:.0} s:",
        start.elapsed().as_secs_f64()
    );
    for line in &lines {
        println!("{line}");
    }
    assert!(!lines.is_empty(), "no exercise graded (EXERCISES={only})");
    assert!(problems.is_empty(), "{problems:#?}");
}
