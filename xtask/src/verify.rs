//! `cargo xtask verify`: build the examples in release mode, run them, check
//! every spec.
//!
//! Scheduling: `beside-others` examples (they sleep) all start at once; the
//! `alone` examples (CPU-bound) run one after another on a second lane that
//! starts at the same moment, so no two CPU-bound examples share the CPU.
//! The lane runs its examples with free-cores checks last, and starts each
//! only once the `beside-others` examples have ended or gone quiet (a whole
//! half second in which the rest of the machine used under 0.1 cores): even
//! a sleeper burns CPU while it starts (spawning threads, forking), and a
//! free-cores check is judged on a machine that nothing else is using.

use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use crate::catalog::{self, Example, Executables};
use crate::cores;
use crate::report::{self, Outcome, Row, Summary, Timing};
use crate::run;
use crate::spec::{Exit, Machine, Mode, Run, Verdict};

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Binary or package names; empty means every example.
    pub names: Vec<String>,
    /// Rounds of the whole selection, one after another.
    pub repeat: u32,
    /// The system to verify for (`std::env::consts::OS` when empty): an
    /// example whose spec needs another (`os: linux`) is skipped, not run.
    /// Tests set it to exercise that path on this machine.
    pub os: String,
    /// Print every measured number's distribution over the runs.
    pub distributions: bool,
}

/// A run-level error (bad name, bad spec, failed build): one line for the
/// user and the exit status it deserves.
#[derive(Debug)]
pub struct Error {
    pub message: String,
    /// 2 for bad input (names, specs), 1 for a failed build.
    pub status: u8,
}

/// Everything one `verify` found: a row per run, and the counts.
#[derive(Debug)]
pub struct Report {
    pub rows: Vec<Row>,
    pub summary: Summary,
    /// How many examples were selected (each runs once per round).
    pub examples: usize,
    /// Where the time went, summed over the rounds.
    pub timing: Timing,
}

pub fn run(root: &Path, options: &Options) -> Result<Report, Error> {
    let bad_input = |message| Error { message, status: 2 };
    let selected = catalog::select_sound(root, &options.names).map_err(bad_input)?;
    let bins = build(root, &selected).map_err(|message| Error { message, status: 1 })?;
    let report = check_all(root, &bins, &selected, options.repeat, &options.os);
    if options.distributions {
        print!("{}", report::distributions(&report.rows));
    }
    Ok(report)
}

/// Runs `selected` (built as `bins`) for `repeat` rounds, prints progress,
/// the table and the summary, and returns the report.
pub fn check_all(
    root: &Path,
    bins: &Executables,
    selected: &[Example],
    repeat: u32,
    os: &str,
) -> Report {
    let os = if os.is_empty() {
        std::env::consts::OS
    } else {
        os
    };
    let rounds = repeat.max(1);
    let mut rows = Vec::new();
    let mut timing = Timing::default();
    for round in 1..=rounds {
        if rounds > 1 {
            println!("--- round {round} of {rounds}");
        }
        let start = Instant::now();
        let (round_rows, lane, longest_beside) = run_round(root, bins, selected, os);
        rows.extend(round_rows);
        timing.total += start.elapsed();
        timing.alone_lane += lane;
        timing.longest_beside += longest_beside;
    }
    println!();
    let mut worst = worst_per_example(&rows);
    let place = |name: &str| selected.iter().position(|e| e.bin == name);
    worst.sort_by_key(|r| place(&r.name));
    print!("{}", report::table(&worst));
    print!("{}", report::warnings(&rows, rounds));
    let summary = Summary::of(&rows);
    if let Some(line) = report::free_cores_line(&rows) {
        println!("{line}");
    }
    println!("{}", timing.line());
    println!("{}", summary.line());
    Report {
        rows,
        summary,
        examples: selected.len(),
        timing,
    }
}

/// Builds every example and checks that cargo reported an executable for
/// each selected one.
fn build(root: &Path, examples: &[Example]) -> Result<Executables, String> {
    let bins = catalog::build(root)?;
    match examples
        .iter()
        .find(|e| !bins.contains_key(&(e.package.clone(), e.bin.clone())))
    {
        Some(e) => Err(format!(
            "cargo built no executable for `{}` of {} (its messages named none)",
            e.bin, e.package
        )),
        None => Ok(bins),
    }
}

/// Runs every example once and prints each result as it arrives. Returns
/// the rows, the time the `alone` lane spent running examples (waiting
/// not included), and the longest
/// `beside-others` example's time.
fn run_round(
    root: &Path,
    bins: &Executables,
    examples: &[Example],
    os: &str,
) -> (Vec<Row>, Duration, Duration) {
    let (mut alone, beside): (Vec<&Example>, Vec<&Example>) =
        examples.iter().partition(|e| e.spec.mode == Mode::Alone);
    // Stable: the lane keeps catalog order within each half.
    alone.sort_by_key(|e| e.spec.needs_free_cores());
    let total = examples.len();
    let program = |e: &Example| bins[&(e.package.clone(), e.bin.clone())].clone();
    // How many `beside-others` examples are still running.
    let running = (Mutex::new(beside.len()), Condvar::new());
    let (tx, rx) = mpsc::channel();
    thread::scope(|s| {
        for e in beside {
            let (tx, running, program) = (tx.clone(), &running, program(e));
            s.spawn(move || {
                let start = Instant::now();
                let result = run_one(&program, e, os);
                let took = start.elapsed();
                let (count, cvar) = running;
                *count.lock().unwrap_or_else(|p| p.into_inner()) -= 1;
                cvar.notify_all();
                let _ = tx.send((result, took, false));
            });
        }
        let (tx_alone, running) = (tx.clone(), &running);
        let programs: Vec<PathBuf> = alone.iter().map(|e| program(e)).collect();
        s.spawn(move || {
            for (e, program) in alone.into_iter().zip(programs) {
                if e.spec.needs_free_cores() {
                    wait_until_quiet(running);
                }
                let start = Instant::now();
                let result = run_one(&program, e, os);
                // The receiver lives until every sender is gone.
                let _ = tx_alone.send((result, start.elapsed(), true));
            }
        });
        // Only the clones above may keep the channel open.
        drop(tx);
        let mut rows = Vec::new();
        let (mut lane, mut longest_beside) = (Duration::ZERO, Duration::ZERO);
        for ((example, row, run), took, in_lane) in rx {
            if in_lane {
                lane += took;
            } else {
                longest_beside = longest_beside.max(took);
            }
            rows.push(row);
            let row = rows.last().expect("just pushed");
            println!("{}", report::progress(row, rows.len(), total));
            print!(
                "{}",
                report::details(row, &example.spec_display(root), &run.stdout, &run.stderr)
            );
        }
        (rows, lane, longest_beside)
    })
}

/// Blocks the `alone` lane before an example with free-cores checks until
/// every `beside-others` example has ended, or until those still running have
/// left the machine quiet for a whole [`cores::QUIET_WINDOW`]: the sleepers
/// are then between naps (`sync`, `thread-pool`: 0.00 cores each), and the
/// starts that burn CPU (threads spawned, processes forked) are over.
/// Whatever they do later shows in the run's own evidence, which decides.
/// Without `/proc/stat` there is no window to read: it waits for all of them.
fn wait_until_quiet((count, cvar): &(Mutex<usize>, Condvar)) {
    let lock = || count.lock().unwrap_or_else(|p| p.into_inner());
    loop {
        if *lock() == 0 {
            return;
        }
        let Some(before) = cores::snapshot() else {
            drop(cvar.wait_while(lock(), |n| *n > 0));
            return;
        };
        let start = Instant::now();
        thread::sleep(cores::QUIET_WINDOW);
        match cores::snapshot() {
            Some(after) if cores::quiet(before, after, start.elapsed()) => return,
            _ => {}
        }
    }
}

/// One run of one example: its row and its run.
fn run_one<'a>(program: &Path, e: &'a Example, os: &str) -> (&'a Example, Row, Run) {
    let row = |outcome, wall, cpu, verdict, not_run, machine| Row {
        name: e.bin.clone(),
        section: e.spec.section.clone(),
        outcome,
        wall,
        cpu,
        beside_others: e.spec.mode == Mode::BesideOthers,
        verdict,
        not_run,
        machine,
    };
    if let Err(why) = e.spec.runs_on(os) {
        let run = Run {
            exit: Exit::Code(0),
            stdout: String::new(),
            stderr: String::new(),
            left_processes: false,
            wall: Duration::ZERO,
        };
        let row = row(
            Outcome::Skipped,
            Duration::ZERO,
            Duration::ZERO,
            Verdict::default(),
            Some(why),
            String::new(),
        );
        return (e, row, run);
    }
    let (run, cpu, machine) = match run::run_example(program, &e.spec.args, e.spec.timeout) {
        Ok(t) => {
            let machine = match t.machine {
                Some((before, after)) => cores::judge(before, after, t.run.wall, t.cpu),
                None => Machine {
                    free: false,
                    evidence: "no /proc/stat on this system: nothing tells whether other \
                               processes or the host took the cores during the run"
                        .to_string(),
                },
            };
            (t.run, t.cpu, machine)
        }
        Err(err) => (
            Run {
                exit: Exit::Code(-1),
                stdout: String::new(),
                stderr: format!("{err}\n"),
                left_processes: false,
                wall: Duration::ZERO,
            },
            Duration::ZERO,
            Machine {
                free: false,
                evidence: "it did not run".to_string(),
            },
        ),
    };
    let verdict = e.spec.check(&run, &machine);
    let row = row(
        Outcome::of(&verdict),
        run.wall,
        cpu,
        verdict,
        None,
        machine.evidence,
    );
    (e, row, run)
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
