//! What verify prints: a progress line per run, the details of a failure,
//! the summary table and the closing `N passed, M failed, K skipped` line.

use std::fmt::Write as _;
use std::time::Duration;

use crate::spec::{Failure, NumberCheck, Verdict};

/// The outcome of one run of one example.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    /// Every enforced check passed; some free-cores checks were skipped.
    Skipped,
    Failed,
}

impl Outcome {
    pub fn of(verdict: &Verdict) -> Outcome {
        if !verdict.passed() {
            Outcome::Failed
        } else if verdict.cores.as_ref().is_some_and(|c| !c.enforced) {
            Outcome::Skipped
        } else {
            Outcome::Passed
        }
    }

    fn label(self) -> &'static str {
        match self {
            Outcome::Passed => "ok",
            Outcome::Skipped => "skip",
            Outcome::Failed => "FAIL",
        }
    }
}

/// One finished run, as the report needs it.
#[derive(Debug, Clone)]
pub struct Row {
    pub name: String,
    /// Its guide section, as the spec writes it.
    pub section: String,
    pub outcome: Outcome,
    pub wall: Duration,
    /// CPU time of the example and the children it waited for.
    pub cpu: Duration,
    /// `mode: beside-others`: it ran beside other examples.
    pub beside_others: bool,
    pub verdict: Verdict,
    /// Why it was not run at all (its spec needs another system).
    pub not_run: Option<String>,
    /// What the rest of the machine and the host took during the run
    /// (printed with a failure, whatever the checks: a failed sleep-bound
    /// total beside `steal 0.40 cores` says why it was late).
    pub machine: String,
}

impl Row {
    /// Average cores it kept busy.
    pub fn cores_used(&self) -> f64 {
        self.cpu.as_secs_f64() / self.wall.as_secs_f64().max(1e-3)
    }

    /// Why its free-cores checks were skipped: the evidence that said busy.
    fn skip_reason(&self) -> Option<String> {
        if let Some(why) = &self.not_run {
            return Some(why.clone());
        }
        let cores = self.verdict.cores.as_ref().filter(|c| !c.enforced)?;
        Some(format!("cores not free: {}", cores.evidence))
    }
}

/// Where a verify's time went: its whole wall time against what it cannot
/// go below, the larger of the `alone` lane's examples (one at a time) and
/// the longest `beside-others` example (all at once, beside the lane).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timing {
    pub total: Duration,
    pub alone_lane: Duration,
    pub longest_beside: Duration,
}

impl Timing {
    /// `time: 31.5 s, 1.05× the floor (alone lane 30.0 s, longest beside-others 7.5 s)`.
    pub fn line(&self) -> String {
        let floor = self.alone_lane.max(self.longest_beside).as_secs_f64();
        let ratio = if floor > 0.0 {
            format!("{:.2}× the floor", self.total.as_secs_f64() / floor)
        } else {
            "no floor".to_string()
        };
        format!(
            "time: {:.1} s, {ratio} (alone lane {:.1} s, longest beside-others {:.1} s)",
            self.total.as_secs_f64(),
            self.alone_lane.as_secs_f64(),
            self.longest_beside.as_secs_f64()
        )
    }
}

/// A `beside-others` example busier than this (in cores, on average) is
/// reported: it is CPU-bound and belongs in the `alone` lane.
const BUSY_BESIDE_OTHERS: f64 = 0.25;

/// ... judged only on runs that used at least this much CPU time.
const BUSY_MIN_CPU: Duration = Duration::from_millis(100);

/// The progress line printed as soon as a run finishes: `[3/37] ok ...`.
pub fn progress(row: &Row, done: usize, total: usize) -> String {
    let count = format!("[{done}/{total}]");
    let mut line = format!(
        "{count:>7} {} {:<22} {:>6.2} s",
        paint(row.outcome),
        row.name,
        row.wall.as_secs_f64()
    );
    if let Some(check) = headline(&row.verdict) {
        write!(line, "   {}", check.in_words()).unwrap();
    }
    if let Some(why) = &row.not_run {
        write!(line, "   {why}").unwrap();
    }
    match &row.verdict.cores {
        Some(c) if c.enforced => line.push_str("   cores free"),
        Some(_) => line.push_str("   cores busy"),
        None => {}
    }
    line
}

/// Everything a reader needs to see why a run failed, or why its free-cores
/// checks were skipped: the spec line, the output line, the reason, the
/// evidence, then the output.
pub fn details(row: &Row, spec_path: &str, stdout: &str, stderr: &str) -> String {
    let mut out = String::new();
    for f in &row.verdict.failures {
        failure(&mut out, f, spec_path);
    }
    if let Some(cores) = &row.verdict.cores {
        let failed_on_cores = row.verdict.failures.iter().any(|f| f.free_cores);
        if !cores.enforced {
            let mut lines: Vec<usize> = row.verdict.skipped.iter().map(|s| s.spec_line).collect();
            lines.dedup();
            let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
            let text = format!(
                "the free-cores checks ({spec_path}:{}) were not enforced; the evidence:",
                lines.join(",")
            );
            wrap(&mut out, "  skipped: ", &text, 4);
        } else if failed_on_cores {
            writeln!(out, "  the cores were free during this run; the evidence:").unwrap();
        }
        if !cores.enforced || failed_on_cores {
            wrap(&mut out, "    ", &cores.evidence, 6);
        }
    }
    if row.outcome == Outcome::Failed {
        if !row.machine.is_empty() {
            writeln!(out, "  the machine: {}", row.machine).unwrap();
        }
        for (name, text) in [("stdout", stdout), ("stderr", stderr)] {
            if text.is_empty() {
                writeln!(out, "  --- {name}: (empty)").unwrap();
                continue;
            }
            writeln!(out, "  --- {name}:").unwrap();
            for (i, line) in text.lines().enumerate() {
                writeln!(out, "  {:>4} | {line}", i + 1).unwrap();
            }
        }
    }
    out
}

fn failure(out: &mut String, f: &Failure, spec_path: &str) {
    let stream = f.stream.map(|s| format!(" ({s})")).unwrap_or_default();
    writeln!(out, "  error{stream}: {}", f.reason).unwrap();
    if let Some((n, text)) = &f.spec_line {
        writeln!(out, "    spec   {spec_path}:{n}: {text}").unwrap();
    }
    if let Some((n, text)) = &f.output_line {
        writeln!(out, "    output line {n}: {text}").unwrap();
    }
}

/// The check worth a column: the first with a window or a one-sided bound
/// (a time, cores busy), else the first exact value (a count, a sum).
fn headline(verdict: &Verdict) -> Option<&NumberCheck> {
    let checks = || verdict.numbers.iter();
    let windowed = |c: &&NumberCheck| c.bounds.contains("..") && c.bounds != "..";
    checks()
        .find(windowed)
        .or_else(|| checks().find(|c| c.bounds != ".."))
}

/// Widest line, so the report fits a 100-column terminal.
pub const WIDTH: usize = 100;

/// Writes `first` then `text`, wrapped at word boundaries within [`WIDTH`],
/// continuation lines indented by `indent`.
pub fn wrap(out: &mut String, first: &str, text: &str, indent: usize) {
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
            writeln!(out, "{line}").unwrap();
            line = " ".repeat(indent);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    writeln!(out, "{line}").unwrap();
}

/// The table printed once all runs are done, one row per example in the
/// order given (guide order).
pub fn table(rows: &[Row]) -> String {
    let width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0).max(7);
    let mut out = format!(
        "{:<width$}  {:<8} result  {:>8}  {:>5}  check (or why it failed or was skipped)\n",
        "example", "section", "wall", "cores"
    );
    writeln!(out, "{}", "-".repeat(WIDTH.min(width + 72))).unwrap();
    for r in rows {
        let check = match (r.verdict.failures.first(), r.skip_reason()) {
            (Some(f), _) => f.reason.clone(),
            (None, Some(why)) => why,
            (None, None) => headline(&r.verdict)
                .map(NumberCheck::in_words)
                .unwrap_or_default(),
        };
        let mut line = format!(
            "{:<width$}  {:<8} {}    {:>6.2} s  {:>5.2}  ",
            r.name,
            r.section,
            paint(r.outcome),
            r.wall.as_secs_f64(),
            r.cores_used(),
        );
        let room = WIDTH.saturating_sub(line.chars().count()).max(20);
        if check.chars().count() > room {
            line.extend(check.chars().take(room - 1));
            line.push('…');
        } else {
            line.push_str(&check);
        }
        writeln!(out, "{line}").unwrap();
    }
    out
}

/// `--distributions`: for each measured number (every `{...}` that is not
/// one exact value), its spread over all runs: min, 1st percentile, median,
/// max; then the same over the runs whose cores were free, where the spec
/// has free-cores checks. A bound belongs between a program's spread and its
/// wrong twin's (`xtask/README.md`).
pub fn distributions(rows: &[Row]) -> String {
    /// One number of one spec line: which, and its values over the runs.
    struct Spread {
        example: String,
        spec_line: usize,
        place: usize,
        bounds: String,
        context: String,
        /// Each value with its text as printed (`1.00`, not `1`).
        all: Vec<(f64, String)>,
        free: Vec<(f64, String)>,
    }
    let mut seen: Vec<Spread> = Vec::new();
    for r in rows {
        let free = r.verdict.cores.as_ref().is_some_and(|c| c.enforced);
        let mut place = (0, 0);
        for n in &r.verdict.numbers {
            place = match place {
                (line, k) if line == n.spec_line => (line, k + 1),
                _ => (n.spec_line, 0),
            };
            let Ok(value) = n.value.parse::<f64>() else {
                continue;
            };
            if !n.bounds.contains("..") {
                continue;
            }
            let at = seen
                .iter()
                .position(|s| (&s.example, s.spec_line, s.place) == (&r.name, place.0, place.1))
                .unwrap_or_else(|| {
                    seen.push(Spread {
                        example: r.name.clone(),
                        spec_line: place.0,
                        place: place.1,
                        bounds: n.bounds.clone(),
                        context: around(&n.line, &n.value),
                        all: Vec::new(),
                        free: Vec::new(),
                    });
                    seen.len() - 1
                });
            seen[at].all.push((value, n.value.clone()));
            if free {
                seen[at].free.push((value, n.value.clone()));
            }
        }
    }
    let stats = |v: &[(f64, String)]| {
        let mut v = v.to_vec();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        let at = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize].1.clone();
        format!(
            "{:>5} {:>10} {:>10} {:>10} {:>10}",
            v.len(),
            at(0.0),
            at(0.01),
            at(0.5),
            at(1.0)
        )
    };
    let mut out = String::from(
        "\ndistributions (n, min, 1st percentile, median, max; then free-cores runs only)\n",
    );
    for s in &seen {
        writeln!(
            out,
            "{}:{} {{{}}} {}",
            s.example, s.spec_line, s.bounds, s.context
        )
        .unwrap();
        writeln!(out, "    all  {}", stats(&s.all)).unwrap();
        if !s.free.is_empty() {
            writeln!(out, "    free {}", stats(&s.free)).unwrap();
        }
    }
    out
}

/// The words around `value` in `line`, the value itself as `#`: enough to
/// tell which number of the line it is.
fn around(line: &str, value: &str) -> String {
    let at = line.find(value).unwrap_or(0);
    let before: String = line[..at]
        .chars()
        .rev()
        .take(18)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after: String = line[at + value.len()..].chars().take(14).collect();
    format!("…{before}#{after}…")
}

/// Lines worth a reader's attention after the table: free-cores checks that
/// were never judged, and `beside-others` examples that were not idle.
pub fn warnings(rows: &[Row], rounds: u32) -> String {
    let mut out = String::new();
    let mut names: Vec<&str> = Vec::new();
    for r in rows {
        if !names.contains(&r.name.as_str()) {
            names.push(&r.name);
        }
    }
    for name in names {
        let runs: Vec<&Row> = rows.iter().filter(|r| r.name == name).collect();
        let judged: Vec<bool> = runs
            .iter()
            .filter_map(|r| r.verdict.cores.as_ref().map(|c| c.enforced))
            .collect();
        if !judged.is_empty() && judged.iter().all(|&e| !e) {
            let last = runs
                .last()
                .and_then(|r| r.skip_reason())
                .unwrap_or_default();
            let text = format!(
                "{name}: its free-cores checks were skipped in every round ({} of {rounds}); {last}",
                judged.len()
            );
            wrap(&mut out, "warning: ", &text, 2);
        }
        // A run of a few milliseconds (mostly process start-up) says
        // nothing about the example's load; a tenth of a second of CPU does.
        let busiest = runs
            .iter()
            .filter(|r| r.beside_others && r.cpu >= BUSY_MIN_CPU)
            .map(|r| r.cores_used())
            .fold(0.0, f64::max);
        if busiest > BUSY_BESIDE_OTHERS {
            writeln!(
                out,
                "warning: {name} (mode: beside-others) kept {busiest:.2} cores busy on average; \
                 a CPU-bound example belongs in `mode: alone`"
            )
            .unwrap();
        }
    }
    out
}

/// One line on a run's free-cores decision and its evidence.
pub fn decision(row: &Row) -> String {
    match &row.verdict.cores {
        None => format!("{}: no free-cores checks", row.name),
        Some(c) => format!(
            "{}: free-cores checks {} ({})",
            row.name,
            if c.enforced { "enforced" } else { "skipped" },
            c.evidence
        ),
    }
}

/// `free-cores checks: enforced in N runs, skipped in M`, if any ran.
pub fn free_cores_line(rows: &[Row]) -> Option<String> {
    let decisions: Vec<bool> = rows
        .iter()
        .filter_map(|r| r.verdict.cores.as_ref().map(|c| c.enforced))
        .collect();
    if decisions.is_empty() {
        return None;
    }
    let enforced = decisions.iter().filter(|&&e| e).count();
    Some(format!(
        "free-cores checks: enforced in {enforced} runs, skipped in {} (cores not free)",
        decisions.len() - enforced
    ))
}

/// The outcome's label, in colour on a terminal unless `NO_COLOR` is set.
fn paint(outcome: Outcome) -> String {
    use std::io::IsTerminal;
    let label = format!("{:<4}", outcome.label());
    let colour = std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal();
    let code = match outcome {
        Outcome::Passed => "32",
        Outcome::Skipped => "33",
        Outcome::Failed => "31;1",
    };
    if colour {
        format!("\x1b[{code}m{label}\x1b[0m")
    } else {
        label
    }
}

/// Counts of each outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Summary {
    pub fn of(rows: &[Row]) -> Summary {
        let count = |o| rows.iter().filter(|r| r.outcome == o).count();
        Summary {
            passed: count(Outcome::Passed),
            failed: count(Outcome::Failed),
            skipped: count(Outcome::Skipped),
        }
    }

    /// The closing line, in the form test runners and CI read.
    pub fn line(&self) -> String {
        format!(
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{Exit, Run, Spec};

    fn row(stdout: &str, cores_free: bool) -> Row {
        let spec = Spec::parse(
            "section: 4\nabout: x\n--- stdout\nTotal time: {2.00..2.10} seconds\nSpeedup: {1.5.. | free-cores}x\n",
        )
        .unwrap();
        let run = Run {
            exit: Exit::Code(0),
            stdout: stdout.to_string(),
            stderr: String::new(),
            left_processes: false,
            wall: Duration::from_millis(2040),
        };
        let machine = crate::spec::Machine {
            free: cores_free,
            evidence: "steal 0.00 cores".to_string(),
        };
        let verdict = spec.check(&run, &machine);
        Row {
            name: "gil".to_string(),
            section: "4".to_string(),
            cpu: Duration::from_millis(1020),
            beside_others: false,
            outcome: Outcome::of(&verdict),
            wall: Duration::from_millis(2040),
            verdict,
            not_run: None,
            machine: machine.evidence.clone(),
        }
    }

    #[test]
    fn distributions_give_each_measured_number_its_spread() {
        let rows = [
            row("Total time: 2.03 seconds\nSpeedup: 1.9x\n", true),
            row("Total time: 2.05 seconds\nSpeedup: 1.1x\n", false),
        ];
        let d = distributions(&rows);
        assert!(
            d.contains("gil:4 {2.00..2.10} …Total time: # seconds…\n"),
            "{d}"
        );
        assert!(
            d.contains("    all      2       2.03       2.03       2.05       2.05\n"),
            "{d}"
        );
        // The speedup: both runs, then the one whose cores were free.
        assert!(d.contains("gil:5 {1.5..} …Speedup: #x…\n"), "{d}");
        assert!(
            d.contains("    free     1        1.9        1.9        1.9        1.9\n"),
            "{d}"
        );
    }

    #[test]
    fn a_pass_shows_its_first_check() {
        let r = row("Total time: 2.03 seconds\nSpeedup: 1.9x\n", true);
        assert_eq!(r.outcome, Outcome::Passed);
        let p = progress(&r, 3, 37);
        assert!(p.starts_with(" [3/37] ok   gil"), "{p}");
        assert!(p.contains("2.00 ≤ 2.03 ≤ 2.10"), "{p}");
        assert!(p.ends_with("cores free"), "{p}");
    }

    #[test]
    fn a_failure_shows_spec_line_output_line_reason_and_output() {
        let r = row("Total time: 3.01 seconds\nSpeedup: 1.9x\n", true);
        assert_eq!(r.outcome, Outcome::Failed);
        let d = details(
            &r,
            "examples-gil-analog/expected/gil.txt",
            "Total time: 3.01 seconds\n",
            "",
        );
        assert!(d.contains("3.01 is above the upper bound 2.10"), "{d}");
        assert!(
            d.contains("examples-gil-analog/expected/gil.txt:4: Total time: {2.00..2.10} seconds"),
            "{d}"
        );
        assert!(d.contains("output line 1: Total time: 3.01 seconds"), "{d}");
        assert!(d.contains("   1 | Total time: 3.01 seconds"), "{d}");
        // What the machine did meanwhile, whatever check failed.
        assert!(d.contains("  the machine: steal 0.00 cores\n"), "{d}");
    }

    #[test]
    fn a_skipped_check_is_visible() {
        let r = row("Total time: 2.03 seconds\nSpeedup: 1.1x\n", false);
        assert_eq!(r.outcome, Outcome::Skipped);
        let d = details(&r, "gil.txt", "", "");
        assert!(
            d.contains("skipped: the free-cores checks (gil.txt:5) were not enforced")
                && d.contains("    steal 0.00 cores"),
            "{d}"
        );
        assert_eq!(Summary::of(&[r]).line(), "0 passed, 0 failed, 1 skipped");
    }

    #[test]
    fn a_skip_and_its_warning_fit_a_100_column_terminal() {
        let mut r = row("Total time: 2.03 seconds\nSpeedup: 1.1x\n", false);
        let long = "other processes 0.01 cores (limit 0.15), steal 0.01 cores (limit 0.15) \
                    during this 3.86 s run; this machine has one core";
        if let Some(c) = r.verdict.cores.as_mut() {
            c.evidence = long.to_string();
        }
        let d = details(&r, "examples-gil-analog/expected/gil-analog.txt", "", "");
        let w = warnings(&[r], 1);
        assert!(w.starts_with("warning: gil: its free-cores checks"), "{w}");
        for line in d.lines().chain(w.lines()) {
            assert!(
                line.chars().count() <= WIDTH,
                "{} columns: {line}",
                line.chars().count()
            );
        }
        // Wrapped, not cut: every word is still there.
        let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(words(&d).contains(&words(long)), "{d}");
    }

    #[test]
    fn timing_compares_the_run_with_its_floor() {
        let t = Timing {
            total: Duration::from_millis(31_500),
            alone_lane: Duration::from_millis(30_000),
            longest_beside: Duration::from_millis(7_500),
        };
        assert_eq!(
            t.line(),
            "time: 31.5 s, 1.05× the floor (alone lane 30.0 s, longest beside-others 7.5 s)"
        );
        assert!(Timing::default().line().contains("no floor"));
    }

    #[test]
    fn table_has_a_row_per_run() {
        let rows = [
            row("Total time: 2.03 seconds\nSpeedup: 1.9x\n", true),
            row("", true),
        ];
        let t = table(&rows);
        assert_eq!(t.lines().count(), 4, "{t}");
        assert!(t.contains("FAIL"));
        assert_eq!(Summary::of(&rows).line(), "1 passed, 1 failed, 0 skipped");
    }
}
