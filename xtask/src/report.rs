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
        } else if verdict.skipped.is_empty() {
            Outcome::Passed
        } else {
            Outcome::Skipped
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
    pub outcome: Outcome,
    pub wall: Duration,
    /// How many runs it took (more than one: free-cores retries).
    pub attempts: u32,
    pub verdict: Verdict,
}

/// The progress line printed as soon as a run finishes.
pub fn progress(row: &Row) -> String {
    let mut line = format!(
        "{:<4} {:<22} {:>7.2} s",
        row.outcome.label(),
        row.name,
        row.wall.as_secs_f64()
    );
    if let Some(check) = headline(&row.verdict) {
        write!(line, "   {}", describe_check(check)).unwrap();
    }
    if row.attempts > 1 {
        write!(line, "   (run {} of up to 3)", row.attempts).unwrap();
    }
    line
}

/// Everything a reader needs to see why a run failed, or which checks were
/// skipped: the spec line, the output line, the reason, then the output.
pub fn details(row: &Row, spec_path: &str, stdout: &str, stderr: &str) -> String {
    let mut out = String::new();
    for f in &row.verdict.failures {
        failure(&mut out, f, spec_path);
    }
    for s in &row.verdict.skipped {
        writeln!(
            out,
            "  skipped {spec_path}:{}: {} is outside {{{}}}, but this check needs two free cores",
            s.spec_line, s.value, s.bounds
        )
        .unwrap();
    }
    if row.outcome == Outcome::Failed {
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
    if f.free_cores {
        writeln!(
            out,
            "    (this check needs two free cores; the machine measured free)"
        )
        .unwrap();
    }
}

/// The check worth a column: the first with a window or a one-sided bound
/// (a time, a speedup), else the first exact value (a count, a sum).
fn headline(verdict: &Verdict) -> Option<&NumberCheck> {
    let windowed = |c: &&NumberCheck| c.bounds.contains("..") && c.bounds != "..";
    verdict
        .numbers
        .iter()
        .find(windowed)
        .or_else(|| verdict.numbers.iter().find(|c| c.bounds != ".."))
}

fn describe_check(c: &NumberCheck) -> String {
    format!("{} in {{{}}}", c.value, c.bounds)
}

/// The table printed once all runs are done.
pub fn table(rows: &[Row]) -> String {
    let width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0).max(7);
    let mut out = format!(
        "{:<width$}  result  {:>8}  headline check (or why it failed)\n",
        "example", "wall"
    );
    writeln!(out, "{}", "-".repeat(width + 48)).unwrap();
    for r in rows {
        // A failed run shows why instead: its first failure.
        let check = match r.verdict.failures.first() {
            Some(f) => f.reason.clone(),
            None => headline(&r.verdict)
                .map(|c| format!("`{}`: {}", c.line, describe_check(c)))
                .unwrap_or_default(),
        };
        writeln!(
            out,
            "{:<width$}  {:<6}  {:>6.2} s  {check}",
            r.name,
            r.outcome.label(),
            r.wall.as_secs_f64()
        )
        .unwrap();
    }
    out
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
        };
        let verdict = spec.check(&run, cores_free);
        Row {
            name: "gil".to_string(),
            outcome: Outcome::of(&verdict),
            wall: Duration::from_millis(2040),
            attempts: 1,
            verdict,
        }
    }

    #[test]
    fn a_pass_shows_its_first_check() {
        let r = row("Total time: 2.03 seconds\nSpeedup: 1.9x\n", true);
        assert_eq!(r.outcome, Outcome::Passed);
        let p = progress(&r);
        assert!(p.starts_with("ok   gil"), "{p}");
        assert!(p.contains("2.03 in {2.00..2.10}"), "{p}");
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
    }

    #[test]
    fn a_skipped_check_is_visible() {
        let r = row("Total time: 2.03 seconds\nSpeedup: 1.1x\n", false);
        assert_eq!(r.outcome, Outcome::Skipped);
        let d = details(&r, "gil.txt", "", "");
        assert!(
            d.contains("skipped gil.txt:5: 1.1 is outside {1.5..}"),
            "{d}"
        );
        assert_eq!(Summary::of(&[r]).line(), "0 passed, 0 failed, 1 skipped");
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
