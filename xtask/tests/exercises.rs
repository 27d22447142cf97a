//! The exercises (`<package>/exercises/`) and their grader.
//!
//! Always: every exercise has all its files, its spec and hints parse, the
//! starter, solution and wrong solution state what copying them takes, each
//! learner's file is a cargo example of its package with a name no other
//! target has, the learner's folder holds nothing else, `cargo xtask
//! exercise` lists them and refuses a bad name, and `--watch` grades on
//! save, moves on, and leaves nothing running on Ctrl-C.
//!
//! Ignored by default (it builds and runs 36 programs, minutes; `.ci/run`
//! runs it): the grader's teeth. For every exercise the untouched starter
//! fails, the reference solution passes and the plausible wrong solution
//! fails. A failure that needs two free cores (a speedup, a lost update) is
//! "not judged" when the cores were busy, with the evidence, never a pass.

use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;

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

/// Every exercise is an `[[example]]` of its package (cargo builds, lints
/// and runs it), no two targets of the workspace share its name, and its
/// folder holds only learners' files.
#[test]
fn every_exercise_is_a_cargo_example_and_its_folder_holds_only_learners_files() {
    let out = Command::new(env!("CARGO"))
        .current_dir(root())
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .output()
        .expect("cargo metadata runs");
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let mut targets = Vec::new();
    for package in meta["packages"].as_array().expect("packages") {
        for t in package["targets"].as_array().expect("targets") {
            targets.push((
                package["name"].as_str().unwrap_or_default().to_string(),
                t["name"].as_str().unwrap_or_default().to_string(),
                t["kind"][0].as_str().unwrap_or_default().to_string(),
                PathBuf::from(t["src_path"].as_str().unwrap_or_default()),
            ));
        }
    }
    let all = exercises();
    for e in &all {
        let learner = fs::canonicalize(e.file(Variant::Learner)).expect("exists");
        let mine: Vec<_> = targets.iter().filter(|t| t.1 == e.name).collect();
        assert!(
            matches!(&mine[..], [(p, _, kind, src)] if *p == e.package && kind == "example" && *src == learner),
            "{}: must be the one target of that name, an example of {}: {mine:?}",
            e.name,
            e.package
        );
    }
    for dir in all
        .iter()
        .map(|e| root().join(&e.package).join("exercises"))
    {
        for entry in fs::read_dir(&dir).expect("the folder exists") {
            let name = entry.expect("entry").file_name();
            let name = name.to_string_lossy();
            assert!(
                all.iter().any(|e| format!("{}.rs", e.name) == name),
                "{}: {name} is not a learner's file; solutions, specs, hints and fixtures live elsewhere",
                dir.display()
            );
        }
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
    let hint = xtask(&["exercise", "race-without-mutex", "--hint"]);
    assert!(hint.status.success());
    assert!(String::from_utf8_lossy(&hint.stdout).contains("fetch_add"));
    for bad in [
        &["exercise", "no-such-exercise"][..],
        &["exercise", "--hint"],
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

/// A throw-away workspace with two std-only exercises: `w-first` (§1),
/// whose starter prints the wrong line, and `w-second` (§3), whose starter
/// writes its pid to `pids` and sleeps far past the test.
fn watch_fixture(root: &Path, pids: &Path) {
    let pkg = root.join("examples-fixture");
    let write = |rel: &str, text: &str| {
        let path = pkg.join(rel);
        fs::create_dir_all(path.parent().expect("a parent")).expect("dirs");
        fs::write(&path, text).expect("write");
    };
    let _ = fs::remove_dir_all(root);
    fs::create_dir_all(root.join("xtask/tests/fixtures/exercises")).expect("dirs");
    fs::write(
        root.join("Cargo.toml"),
        "[workspace]\nmembers = [\"examples-fixture\"]\nresolver = \"3\"\n",
    )
    .expect("write");
    fs::write(root.join("Cargo.lock"), "version = 4\n").expect("write");
    write(
        "Cargo.toml",
        "[package]\nname = \"examples-fixture\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n",
    );
    write("src/lib.rs", "");
    let program = |body: &str| {
        format!(
            "//! Guide §1, exercise: x.\n//!\n//! Copy: std only, no dependencies.\n\nfn main() {{\n    // TODO\n    {body}\n}}\n"
        )
    };
    let first_starter = program("println!(\"wrong\");");
    let first_solution = program("println!(\"right\");");
    let second_starter = program(&format!(
        "std::fs::write({:?}, std::process::id().to_string()).unwrap(); std::thread::sleep(std::time::Duration::from_secs(300));",
        pids
    ));
    for (name, section, starter, solution) in [
        (
            "w-first",
            "1",
            first_starter.as_str(),
            first_solution.as_str(),
        ),
        (
            "w-second",
            "3",
            second_starter.as_str(),
            first_solution.as_str(),
        ),
    ] {
        write(&format!("exercises/{name}.rs"), starter);
        write(&format!("expected/exercises/{name}.starter.rs"), starter);
        write(&format!("solutions/{name}.rs"), solution);
        write(
            &format!("expected/exercises/{name}.txt"),
            &format!(
                "section: {section}\nabout: {name}\nmode: beside-others\ntimeout: 120s\n--- stdout\nright\n"
            ),
        );
        write(
            &format!("expected/exercises/{name}.hints"),
            "hint: print the right line\n6: print `right`\n",
        );
        fs::write(
            root.join(format!("xtask/tests/fixtures/exercises/{name}.wrong.rs")),
            program("println!(\"left\");"),
        )
        .expect("write");
    }
}

#[test]
fn watch_grades_each_save_moves_on_and_leaves_nothing_on_ctrl_c() {
    let root = std::env::temp_dir().join(format!("xtask-watch-{}", std::process::id()));
    let pids = root.with_extension("pid");
    let _ = fs::remove_file(&pids);
    watch_fixture(&root, &pids);
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["exercise", "--watch"])
        .current_dir(&root)
        .process_group(0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the xtask starts");
    // Both streams, line by line; the channel closes when the xtask exits.
    let (tx, rx) = mpsc::channel();
    let stderr = BufReader::new(child.stderr.take().expect("piped"));
    let stdout = BufReader::new(child.stdout.take().expect("piped"));
    let tx2 = tx.clone();
    std::thread::spawn(move || {
        stderr
            .lines()
            .map_while(Result::ok)
            .for_each(|l| drop(tx2.send(l)))
    });
    std::thread::spawn(move || {
        stdout
            .lines()
            .map_while(Result::ok)
            .for_each(|l| drop(tx.send(l)))
    });
    let mut seen = Vec::new();
    let mut wait_for = |what: &str| {
        let deadline = Instant::now() + Duration::from_secs(120);
        while Instant::now() < deadline {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(line) if line.contains(what) => return,
                Ok(line) => seen.push(line),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        panic!("never printed `{what}`:\n{}", seen.join("\n"));
    };
    // The starter fails, with its hint; then the watcher waits.
    wait_for("== exercise w-first (guide §1): not yet");
    wait_for("Watching examples-fixture/exercises/w-first.rs");
    // A save of the solution is graded at once, and the watcher moves on.
    let solution = fs::read_to_string(root.join("examples-fixture/solutions/w-first.rs")).unwrap();
    fs::write(root.join("examples-fixture/exercises/w-first.rs"), solution).unwrap();
    wait_for("== exercise w-first (guide §1): solved");
    wait_for("== next: w-second");
    // Ctrl-C while the next one is being graded (its program sleeps).
    let deadline = Instant::now() + Duration::from_secs(120);
    let pid = loop {
        if let Some(pid) = fs::read_to_string(&pids)
            .ok()
            .and_then(|p| p.trim().parse().ok())
        {
            break Pid::from_raw(pid);
        }
        assert!(Instant::now() < deadline, "w-second never started");
        std::thread::sleep(Duration::from_millis(50));
    };
    killpg(Pid::from_raw(child.id() as i32), Signal::SIGINT).expect("signal");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(Instant::now() < deadline, "the watcher did not stop");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(130), "{status}");
    // Not even a zombie of the graded program is left.
    assert_eq!(
        kill(pid, None),
        Err(Errno::ESRCH),
        "the graded program survived"
    );
    let _ = fs::remove_dir_all(&root);
    let _ = fs::remove_file(&pids);
}
