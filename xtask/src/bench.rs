//! `cargo xtask bench`: threads vs tasks vs processes, measured.
//!
//! Every number comes from a measuring binary of an example crate
//! (`thread-memory`, `task-sleepers`, `process-startup`, ...), built in
//! release mode and run in its own process, so one measurement cannot
//! distort the next (a million tasks leave a grown heap behind them). This
//! module only plans the sizes, checks what the machine allows, runs the
//! binaries one after another, reads the numbers from their output and
//! writes the table and the chart:
//!
//! - `target/bench/results.md` and `target/bench/chart.svg`, every run;
//! - `docs/bench.md` and `docs/bench.svg`, a full run only.
//!
//! `--quick` uses small sizes so the whole run takes seconds; the test suite
//! runs it (`xtask/tests/bench.rs`) so the measuring code cannot rot.

mod limits;
mod render;
pub(crate) mod svg;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::catalog::{self, target_dir};
use crate::run;
use crate::spec::Exit;

/// The measuring binaries, with their packages.
const BINARIES: [(&str, &str); 11] = [
    ("examples-threads", "thread-memory"),
    ("examples-threads", "thread-startup"),
    ("examples-threads", "thread-switch"),
    ("examples-threads", "thread-sleepers"),
    ("examples-async", "task-memory"),
    ("examples-async", "task-startup"),
    ("examples-async", "task-switch"),
    ("examples-async", "task-sleepers"),
    ("examples-process", "process-memory"),
    ("examples-process", "process-startup"),
    ("examples-gil-analog", "cpu-scaling"),
];

/// The stack size of the "what the guide measured" thread run: glibc gives
/// a new pthread `ulimit -s` (8 MiB by default), and so does CPython.
const BIG_STACK_KIB: u64 = 8192;

/// How many units each measurement uses.
#[derive(Debug, Clone)]
struct Plan {
    thread_memory: Vec<u64>,
    big_stack_threads: u64,
    task_memory: Vec<u64>,
    process_memory: Vec<u64>,
    thread_startup: u64,
    task_startup: u64,
    process_startup: u64,
    thread_switch: u64,
    task_switch: u64,
    thread_sleepers: u64,
    task_sleepers: u64,
    scaling_reps: u64,
    timeout: Duration,
}

impl Plan {
    fn new(quick: bool) -> Plan {
        if quick {
            Plan {
                thread_memory: vec![100, 1000],
                big_stack_threads: 1000,
                task_memory: vec![1000, 100_000],
                process_memory: vec![10, 50],
                thread_startup: 1000,
                task_startup: 100_000,
                process_startup: 100,
                thread_switch: 10_000,
                task_switch: 100_000,
                thread_sleepers: 1000,
                task_sleepers: 100_000,
                scaling_reps: 50,
                timeout: Duration::from_secs(60),
            }
        } else {
            Plan {
                thread_memory: vec![100, 1000, 10_000],
                big_stack_threads: 10_000,
                task_memory: vec![1000, 100_000, 1_000_000],
                process_memory: vec![10, 100, 300],
                thread_startup: 10_000,
                task_startup: 1_000_000,
                process_startup: 1000,
                thread_switch: 100_000,
                task_switch: 1_000_000,
                thread_sleepers: 10_000,
                task_sleepers: 1_000_000,
                // cpu-scaling's own default: rounds of 0.25 to 0.6 s, long
                // enough that a stall of tens of milliseconds moves no ratio.
                scaling_reps: 400,
                timeout: Duration::from_secs(300),
            }
        }
    }
}

/// One number with the count of units it was measured over.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    pub n: u64,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ThreadMemory {
    pub n: u64,
    /// `None`: Rust's default stack size.
    pub stack_kib: Option<u64>,
    pub reserved_kib: f64,
    pub resident_kib: f64,
    /// Machine-wide `KernelStack` growth per thread: approximate.
    pub kernel_stack_kib: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaskMemory {
    pub n: u64,
    pub future_bytes: f64,
    pub resident_kib: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProcessMemory {
    pub n: u64,
    pub rss_kib: f64,
    pub pss_kib: f64,
    pub page_tables_kib: f64,
    pub kernel_stack_kib: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sleepers {
    pub n: u64,
    pub total_s: f64,
    pub ratio: f64,
}

/// One line of `cpu-scaling`: the time and speedup on `threads` threads,
/// without and with the GIL analog.
#[derive(Debug, Clone, PartialEq)]
pub struct Scaling {
    pub threads: u64,
    pub no_gil_s: f64,
    pub no_gil_speedup: f64,
    pub gil_s: f64,
    pub gil_speedup: f64,
}

/// Everything one bench run measured. A measurement that failed is `None`
/// (or missing from its list) and explained in `failures`.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub quick: bool,
    /// One line describing the machine.
    pub machine: String,
    /// The UTC date of the run, `YYYY-MM-DD`.
    pub date: String,
    /// Sizes scaled down to fit the machine, and why.
    pub notes: Vec<String>,
    pub failures: Vec<String>,
    pub thread_memory: Vec<ThreadMemory>,
    pub task_memory: Vec<TaskMemory>,
    pub process_memory: Vec<ProcessMemory>,
    /// Spawn + join, microseconds per thread.
    pub thread_startup_us: Option<Measured>,
    /// Spawn + await, microseconds per task.
    pub task_startup_us: Option<Measured>,
    /// Fork + waitpid, microseconds per process.
    pub fork_us: Option<Measured>,
    /// `Command` spawn (fork + exec) + wait, microseconds per process.
    pub spawn_us: Option<Measured>,
    /// Round trip between two threads over channels, microseconds.
    pub thread_round_trip_us: Option<Measured>,
    /// Round trip between two tasks over tokio channels, microseconds.
    pub task_round_trip_us: Option<Measured>,
    pub thread_sleepers: Option<Sleepers>,
    pub task_sleepers: Option<Sleepers>,
    pub scaling: Vec<Scaling>,
    pub cores: usize,
}

/// Runs the benchmark. `quick` keeps it under 30 s and writes only to `target/bench/`.
pub fn run(quick: bool, workspace_root: &Path) -> Result<(), String> {
    let report = measure_and_write(quick, workspace_root)?;
    match report.failures.len() {
        0 => Ok(()),
        n => Err(format!(
            "{n} measurement(s) failed (see above); the tables show the rest"
        )),
    }
}

/// Builds and runs every measurement, prints the tables, writes the files,
/// and returns what was measured. `Err` only when nothing could be measured
/// (the build failed) or a file could not be written; a failed measurement
/// is listed in [`Report::failures`].
pub fn measure_and_write(quick: bool, workspace_root: &Path) -> Result<Report, String> {
    let bin_dir = build(workspace_root)?;
    let target = target_dir(workspace_root)?;
    let report = measure(quick, &bin_dir);

    let markdown = render::markdown(&report);
    println!();
    print!("{markdown}");
    let chart = svg::chart(&report);

    let out = target.join("bench");
    write(&out.join("results.md"), &render::page(&report, "chart.svg"))?;
    write(&out.join("chart.svg"), &chart)?;
    println!("\nwrote {}", out.join("results.md").display());
    if !quick {
        let docs = workspace_root.join("docs");
        write(&docs.join("bench.md"), &render::page(&report, "bench.svg"))?;
        write(&docs.join("bench.svg"), &chart)?;
        println!("wrote {}", docs.join("bench.md").display());
    }
    Ok(report)
}

/// Builds the examples (all of them: see [`catalog::build`]) and returns the
/// directory that holds the measuring binaries.
fn build(root: &Path) -> Result<PathBuf, String> {
    let bins = catalog::build(root)?;
    for (package, bin) in BINARIES {
        if !bins.contains_key(&(package.to_string(), bin.to_string())) {
            return Err(format!(
                "cargo built no executable for `{bin}` of {package}"
            ));
        }
    }
    // cargo puts every binary of one profile in one directory.
    let (package, bin) = BINARIES[0];
    let exe = &bins[&(package.to_string(), bin.to_string())];
    exe.parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("`{}` has no directory", exe.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Runs one binary of `bin_dir` and returns its stdout, or one line saying
/// why it failed.
fn run_bin(
    bin_dir: &Path,
    bin: &str,
    args: &[String],
    timeout: Duration,
) -> Result<String, String> {
    let shown = format!("{bin} {}", args.join(" "));
    let timed =
        run::run_example(&bin_dir.join(bin), args, timeout).map_err(|e| format!("{shown}: {e}"))?;
    let wall = timed.run.wall;
    let r = timed.run;
    let why = match r.exit {
        Exit::Code(0) => {
            eprintln!("  {shown:<32} {:>7.2} s", wall.as_secs_f64());
            return Ok(r.stdout);
        }
        Exit::Code(code) => format!("exit status {code}"),
        Exit::Signal(sig) => format!("killed by signal {sig}"),
        Exit::TimedOut => format!("timed out after {} s", timeout.as_secs()),
    };
    // The binary's own `error:` line says most; else its first line.
    let mut lines = r.stderr.lines().filter(|l| !l.trim().is_empty());
    let first_err = r
        .stderr
        .lines()
        .find(|l| l.starts_with("error:"))
        .or_else(|| lines.next())
        .unwrap_or("");
    Err(format!("{shown}: {why} {first_err}").trim_end().to_string())
}

/// Every number in `line`, in order (`-3`, `0.25`, `1000`; `1.93x` gives 1.93).
fn numbers(line: &str) -> Vec<f64> {
    let mut found = Vec::new();
    let mut current = String::new();
    for c in line.chars().chain([' ']) {
        if c.is_ascii_digit()
            || (c == '.' && !current.is_empty())
            || (c == '-' && current.is_empty())
        {
            current.push(c);
        } else {
            if let Ok(v) = current.trim_end_matches('.').parse() {
                found.push(v);
            }
            current.clear();
        }
    }
    found
}

/// The first number on the line of `stdout` that starts with `label`.
fn value(stdout: &str, label: &str) -> Result<f64, String> {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix(label))
        .and_then(|rest| numbers(rest).first().copied())
        .ok_or_else(|| format!("no `{label}` number in the output"))
}

/// Runs the measurements one after another.
fn measure(quick: bool, bin_dir: &Path) -> Report {
    let plan = Plan::new(quick);
    let limits = limits::Limits::detect();
    let mut b = Bench {
        bin_dir,
        limits,
        timeout: plan.timeout,
        report: Report {
            quick,
            machine: limits::machine(),
            date: limits::today(),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            ..Report::default()
        },
    };
    eprintln!("{}", b.limits.describe());

    for &n in &plan.thread_memory {
        b.thread_memory(n, None);
    }
    b.thread_memory(plan.big_stack_threads, Some(BIG_STACK_KIB));
    for &n in &plan.task_memory {
        b.task_memory(n);
    }
    for &n in &plan.process_memory {
        b.process_memory(n);
    }
    b.startup(&plan);
    b.switch(&plan);
    b.sleepers(&plan);
    b.scaling(plan.scaling_reps);
    b.report
}

/// The state of a running bench: where the binaries are, what the machine
/// allows, and what has been measured so far.
struct Bench<'a> {
    bin_dir: &'a Path,
    limits: limits::Limits,
    timeout: Duration,
    report: Report,
}

impl Bench<'_> {
    /// Fits `n` units of `kind` to the machine, with a note when scaled down.
    fn fit(&mut self, what: &str, n: u64, kind: limits::Kind) -> Option<u64> {
        let (fitted, why) = self.limits.fit(n, kind);
        if let Some(why) = why {
            let note = if fitted == 0 {
                format!("{what}: skipped, {n} would not fit ({why})")
            } else {
                format!("{what}: {n} scaled down to {fitted} ({why})")
            };
            eprintln!("note: {note}");
            self.report.notes.push(note);
        }
        (fitted > 0).then_some(fitted)
    }

    /// Runs `bin` with `n` (and `extra` arguments) and parses its output.
    /// If it fails, tries once more with a quarter of `n` (the machine may
    /// refuse what the limits promised), noting it.
    fn scaled<T>(
        &mut self,
        bin: &str,
        n: u64,
        extra: &[String],
        parse: impl Fn(&str, u64) -> Result<T, String>,
    ) -> Option<T> {
        let (bin_dir, timeout) = (self.bin_dir, self.timeout);
        let attempt = |n: u64| -> Result<T, String> {
            let mut args = vec![n.to_string()];
            args.extend_from_slice(extra);
            let out = run_bin(bin_dir, bin, &args, timeout)?;
            parse(&out, n).map_err(|e| format!("{bin} {n}: {e}"))
        };
        match attempt(n) {
            Ok(v) => Some(v),
            Err(first) if n >= 40 => {
                let smaller = n / 4;
                let note = format!("{first}; retried with {smaller}");
                eprintln!("note: {note}");
                self.report.notes.push(note);
                attempt(smaller).map_err(|e| self.fail(e)).ok()
            }
            Err(e) => {
                self.fail(e);
                None
            }
        }
    }

    fn fail(&mut self, message: String) {
        eprintln!("FAILED: {message}");
        self.report.failures.push(message);
    }

    fn thread_memory(&mut self, n: u64, stack_kib: Option<u64>) {
        let kind = limits::Kind::Thread {
            stack_kib: stack_kib.unwrap_or(2048),
        };
        let Some(n) = self.fit("thread-memory", n, kind) else {
            return;
        };
        let extra: Vec<String> = stack_kib.iter().map(u64::to_string).collect();
        let row = self.scaled("thread-memory", n, &extra, |out, _| {
            Ok(ThreadMemory {
                n: value(out, "Threads:")? as u64,
                stack_kib,
                reserved_kib: value(out, "Reserved per thread:")?,
                resident_kib: value(out, "Resident per thread:")?,
                kernel_stack_kib: value(out, "Kernel stack per thread:")?,
            })
        });
        self.report.thread_memory.extend(row);
    }

    fn task_memory(&mut self, n: u64) {
        let Some(n) = self.fit("task-memory", n, limits::Kind::Task) else {
            return;
        };
        let row = self.scaled("task-memory", n, &[], |out, _| {
            Ok(TaskMemory {
                n: value(out, "Tasks:")? as u64,
                future_bytes: value(out, "Future size:")?,
                resident_kib: value(out, "Resident per task:")?,
            })
        });
        self.report.task_memory.extend(row);
    }

    fn process_memory(&mut self, n: u64) {
        let Some(n) = self.fit("process-memory", n, limits::Kind::Process) else {
            return;
        };
        let row = self.scaled("process-memory", n, &[], |out, _| {
            Ok(ProcessMemory {
                n: value(out, "Processes:")? as u64,
                rss_kib: value(out, "Resident per process:")?,
                pss_kib: value(out, "Proportional per process:")?,
                page_tables_kib: value(out, "Page tables per process:")?,
                kernel_stack_kib: value(out, "Kernel stack per process:")?,
            })
        });
        self.report.process_memory.extend(row);
    }

    fn startup(&mut self, plan: &Plan) {
        // One thread or process at a time: no limit applies.
        let measured = |label: &'static str| {
            move |out: &str, n: u64| {
                Ok(Measured {
                    n,
                    value: value(out, label)?,
                })
            }
        };
        self.report.thread_startup_us = self.scaled(
            "thread-startup",
            plan.thread_startup,
            &[],
            measured("Spawn and join:"),
        );
        self.report.task_startup_us = self.scaled(
            "task-startup",
            plan.task_startup,
            &[],
            measured("Spawn and await:"),
        );
        let both = self.scaled("process-startup", plan.process_startup, &[], |out, n| {
            Ok((
                Measured {
                    n,
                    value: value(out, "Fork and wait:")?,
                },
                Measured {
                    n,
                    value: value(out, "Spawn and wait:")?,
                },
            ))
        });
        (self.report.fork_us, self.report.spawn_us) = both.unzip();
    }

    fn switch(&mut self, plan: &Plan) {
        let round_trip = |out: &str, n: u64| {
            Ok(Measured {
                n,
                value: value(out, "Round trip:")?,
            })
        };
        self.report.thread_round_trip_us =
            self.scaled("thread-switch", plan.thread_switch, &[], round_trip);
        self.report.task_round_trip_us =
            self.scaled("task-switch", plan.task_switch, &[], round_trip);
    }

    fn sleepers(&mut self, plan: &Plan) {
        let parse = |out: &str, _| {
            Ok(Sleepers {
                n: value(out, "Sleepers:")? as u64,
                total_s: value(out, "Total time:")?,
                ratio: value(out, "Ratio to 2 s:")?,
            })
        };
        let kind = limits::Kind::Thread { stack_kib: 2048 };
        if let Some(n) = self.fit("thread-sleepers", plan.thread_sleepers, kind) {
            self.report.thread_sleepers = self.scaled("thread-sleepers", n, &[], parse);
        }
        if let Some(n) = self.fit("task-sleepers", plan.task_sleepers, limits::Kind::Task) {
            self.report.task_sleepers = self.scaled("task-sleepers", n, &[], parse);
        }
    }

    fn scaling(&mut self, reps: u64) {
        let max_threads = self.report.cores as u64;
        let args = [max_threads.to_string(), reps.to_string()];
        let out = match run_bin(self.bin_dir, "cpu-scaling", &args, self.timeout) {
            Ok(out) => out,
            Err(e) => return self.fail(e),
        };
        for line in out.lines().filter(|l| l.starts_with("Threads:")) {
            match numbers(line)[..] {
                [threads, no_gil_s, no_gil_speedup, gil_s, gil_speedup] => {
                    self.report.scaling.push(Scaling {
                        threads: threads as u64,
                        no_gil_s,
                        no_gil_speedup,
                        gil_s,
                        gil_speedup,
                    })
                }
                _ => return self.fail(format!("cpu-scaling: cannot read `{line}`")),
            }
        }
        // The binary judges its own run from CPU time per unit of work and
        // cores busy; a scaling table from busy cores says so beside it.
        for note in out.lines().filter(|l| l.starts_with("Note: ")) {
            self.report.notes.push(format!("cpu-scaling: {note}"));
        }
        if self.report.scaling.len() as u64 != max_threads {
            self.fail(format!(
                "cpu-scaling: expected {max_threads} lines of `Threads:`"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_reads_every_number_of_a_line() {
        assert_eq!(
            numbers(
                "Threads: 2, no GIL: 0.110 seconds, speedup 1.93x; GIL analog: 0.2 seconds, speedup 0.98x"
            ),
            vec![2.0, 0.110, 1.93, 0.2, 0.98]
        );
        assert_eq!(numbers("Ratio to 2 s: 1.05"), vec![2.0, 1.05]);
        assert_eq!(numbers("no numbers. at all"), Vec::<f64>::new());
    }

    #[test]
    fn value_takes_the_first_number_after_the_label() {
        let out = "Threads: 100\nReserved per thread: 2162.9 KiB (address space)\n";
        assert_eq!(value(out, "Reserved per thread:"), Ok(2162.9));
        assert!(value(out, "Resident per thread:").is_err());
    }
}
