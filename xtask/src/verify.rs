//! `cargo xtask verify`: build the examples in release mode, run them, check
//! every spec.
//!
//! Scheduling: `beside-others` examples (they sleep) all start at once; the
//! `alone` examples (CPU-bound) run one after another on a second lane that
//! starts at the same moment. So no two CPU-bound examples ever share the
//! CPU, and the total time is about the longest lane, not the sum.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::mpsc;
use std::thread;

use crate::catalog::{self, Example};
use crate::cores::{self, Cores};
use crate::report::{self, Outcome, Row, Summary};
use crate::run;
use crate::spec::{Exit, Mode, Run, Verdict};

/// How many runs an `alone` example gets when it fails only on free-cores
/// checks on a machine that measured free ("best of three").
const ATTEMPTS: u32 = 3;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Binary or package names; empty means every example.
    pub names: Vec<String>,
    /// Rounds of the whole selection, one after another.
    pub repeat: u32,
}

/// A run-level error (bad name, bad spec, failed build): one line for the
/// user and the exit status it deserves.
#[derive(Debug)]
pub struct Error {
    pub message: String,
    /// 2 for bad input (names, specs), 1 for a failed build.
    pub status: u8,
}

pub fn run(root: &Path, options: &Options) -> Result<Summary, Error> {
    let bad_input = |message| Error { message, status: 2 };
    // Verifying everything needs every package sound; verifying by name
    // needs only the packages named, so work in one crate can't block another.
    let selected = if options.names.is_empty() {
        catalog::load(root).map_err(bad_input)?
    } else {
        let (all, errors) = catalog::load_lenient(root).map_err(bad_input)?;
        catalog::select(&all, &options.names).map_err(|e| {
            bad_input(
                errors
                    .into_iter()
                    .fold(e, |acc, x| acc + "\n(also: " + &x + ")"),
            )
        })?
    };
    build(root, &selected).map_err(|message| Error { message, status: 1 })?;
    let bin_dir = catalog::target_dir(root).join("release");

    let cores = selected
        .iter()
        .any(|e| e.spec.needs_free_cores())
        .then(cores::measure);
    if let Some(c) = &cores {
        println!("{}", c.describe());
    }
    let rounds = options.repeat.max(1);
    let mut rows = Vec::new();
    for round in 1..=rounds {
        if rounds > 1 {
            println!("--- round {round} of {rounds}");
        }
        rows.extend(run_round(root, &bin_dir, &selected, cores));
    }
    println!();
    print!("{}", report::table(&worst_per_example(&rows)));
    let summary = Summary::of(&rows);
    println!("{}", summary.line());
    Ok(summary)
}

fn build(root: &Path, examples: &[Example]) -> Result<(), String> {
    let packages: BTreeSet<&str> = examples.iter().map(|e| e.package.as_str()).collect();
    let mut cmd = run::cargo();
    cmd.current_dir(root).args(["build", "--release", "--bins"]);
    for p in packages {
        cmd.args(["-p", p]);
    }
    run::echo_and_run(&mut cmd)
}

/// Runs every example once (with free-cores retries) and prints each result
/// as it arrives.
fn run_round(root: &Path, bin_dir: &Path, examples: &[Example], cores: Option<Cores>) -> Vec<Row> {
    let cores_free = cores.is_some_and(|c| c.free());
    let (tx, rx) = mpsc::channel();
    thread::scope(|s| {
        let (alone, beside): (Vec<&Example>, Vec<&Example>) =
            examples.iter().partition(|e| e.spec.mode == Mode::Alone);
        for e in beside {
            let tx = tx.clone();
            s.spawn(move || {
                let _ = tx.send(run_one(bin_dir, e, cores_free));
            });
        }
        let tx_alone = tx.clone();
        s.spawn(move || {
            for e in alone {
                // The receiver lives until every sender is gone.
                let _ = tx_alone.send(run_one(bin_dir, e, cores_free));
            }
        });
        // Only the clones above may keep the channel open.
        drop(tx);
        let mut rows = Vec::new();
        for (example, row, run) in rx {
            println!("{}", report::progress(&row));
            print!(
                "{}",
                report::details(&row, &example.spec_display(root), &run.stdout, &run.stderr)
            );
            rows.push(row);
        }
        rows
    })
}

fn run_one<'a>(bin_dir: &Path, e: &'a Example, mut cores_free: bool) -> (&'a Example, Row, Run) {
    let program = bin_dir.join(&e.bin);
    let mut attempts = 0;
    loop {
        attempts += 1;
        let (run, wall) = match run::run_example(&program, &e.spec.args, e.spec.timeout) {
            Ok(t) => (t.run, t.wall),
            Err(err) => (
                Run {
                    exit: Exit::Code(-1),
                    stdout: String::new(),
                    stderr: format!("{err}\n"),
                    left_processes: false,
                },
                std::time::Duration::ZERO,
            ),
        };
        let verdict: Verdict = e.spec.check(&run, cores_free);
        let retry = verdict.failed_only_on_free_cores() && attempts < ATTEMPTS;
        if retry {
            // Other work may have started since the first measurement: if the
            // cores are busy now, the next run's free-cores checks are skipped.
            cores_free = cores::measure().free();
        } else {
            let row = Row {
                name: e.bin.clone(),
                outcome: Outcome::of(&verdict),
                wall,
                attempts,
                verdict,
            };
            return (e, row, run);
        }
    }
}

/// One row per example for the table: its worst run over all rounds.
fn worst_per_example(rows: &[Row]) -> Vec<Row> {
    let rank = |o: Outcome| match o {
        Outcome::Passed => 0,
        Outcome::Skipped => 1,
        Outcome::Failed => 2,
    };
    let mut worst: Vec<Row> = Vec::new();
    for r in rows {
        match worst.iter_mut().find(|w| w.name == r.name) {
            Some(w) if (rank(r.outcome), r.wall) > (rank(w.outcome), w.wall) => *w = r.clone(),
            Some(_) => {}
            None => worst.push(r.clone()),
        }
    }
    worst
}
