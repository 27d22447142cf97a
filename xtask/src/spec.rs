//! Spec files: parsing and matching. Pure: no I/O, no clocks, no processes.
//!
//! The language is documented in `xtask/README.md`. In short: a header of
//! `key: value` lines, then `--- stdout` / `--- stderr` sections whose lines
//! are patterns. A pattern is literal text with `[..]` (any text) and
//! `{lo..hi}` (a number within bounds); `...` skips lines, `@any-order` ...
//! `@end` matches a block in any order, `@interleaved` `@lane` ... `@end`
//! matches lanes each in its own order, interleaved freely (`@next`: right
//! after its lane's previous line), `@optional` may match nothing and `@not`
//! forbids a line anywhere in the stream.
//!
//! Parsing validates everything (ranges, directives, numbers that could
//! never be compared or matched) and never panics; matching is polynomial
//! in the output (memoized states, a bipartite matching for `@any-order`),
//! except an `@interleaved` block, whose states are bounded at parse time.

use std::collections::HashSet;
use std::fmt;
use std::time::Duration;

/// A parsed spec file.
#[derive(Debug, Clone)]
pub struct Spec {
    pub section: String,
    pub about: String,
    pub args: Vec<String>,
    pub status: i32,
    pub timeout: Duration,
    pub mode: Mode,
    /// `wall: {lo..hi}`: bounds in seconds on the wall time the verifier
    /// measured for the run, so a program cannot just print a good time.
    wall: Option<Bound>,
    /// `os: linux` or `os: unix`: where the example can run at all.
    pub os: Option<Os>,
    pub stdout: Stream,
    pub stderr: Stream,
}

/// The systems an example needs (`os:`), for the ones that read `/proc`
/// or fork.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    Linux,
    Unix,
}

impl Os {
    fn name(self) -> &'static str {
        match self {
            Os::Linux => "linux",
            Os::Unix => "unix",
        }
    }
}

/// Whether an example may run beside others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Sleeps most of the time: may run beside any other example.
    BesideOthers,
    /// CPU-bound: its timings mean something only without CPU-bound company.
    Alone,
}

/// The patterns of one output stream.
#[derive(Debug, Clone, Default)]
pub struct Stream {
    items: Vec<Item>,
    forbidden: Vec<Pattern>,
}

#[derive(Debug, Clone)]
enum Item {
    Line(Pattern),
    Optional(Pattern),
    AnyLines,
    AnyOrder(Vec<Member>),
    Interleaved(Interleaved),
}

/// A line of an `@any-order` group or of a lane.
#[derive(Debug, Clone)]
struct Member {
    pattern: Pattern,
    optional: bool,
    /// `@next` (lanes only): the output line right after the one this lane's
    /// previous line matched, with no other lane's line between.
    next: bool,
}

/// `@interleaved` ... `@end`: each lane's lines in their order, the lanes
/// interleaved freely, and the whole block one run of output lines.
#[derive(Debug, Clone)]
struct Interleaved {
    /// The spec line of `@interleaved`.
    start: usize,
    lanes: Vec<Lane>,
}

#[derive(Debug, Clone)]
struct Lane {
    /// The spec line of its `@lane`.
    spec_line: usize,
    lines: Vec<Member>,
}

/// One line pattern, remembered with where it came from for error messages.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// 1-based line number in the spec file.
    pub spec_line: usize,
    /// The pattern as written (without its `@optional` / `@not` prefix).
    pub source: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
enum Part {
    Text(String),
    Wildcard,
    Number(Bound),
}

/// The bounds of a `{...}` placeholder. Both ends are inclusive.
#[derive(Debug, Clone)]
struct Bound {
    source: String,
    /// Each bound with its text as written (`6.10`, not `6.1`).
    lo: Option<(Num, String)>,
    hi: Option<(Num, String)>,
    kind: Kind,
}

/// What a `{...}` number is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An ordinary check, always enforced.
    Check,
    /// `| free-cores`: enforced only when the run's cores were free.
    FreeCores,
}

/// Integers are compared exactly; anything with a decimal point as `f64`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Num {
    Int(i128),
    Float(f64),
}

/// A spec file that does not parse: `line` is 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.line, self.message)
    }
}

fn err<T>(line: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        line,
        message: message.into(),
    })
}

impl Spec {
    /// Does any check of this spec need two free cores?
    pub fn needs_free_cores(&self) -> bool {
        [&self.stdout, &self.stderr]
            .into_iter()
            .flat_map(Stream::patterns)
            .any(|p| p.has(Kind::FreeCores))
    }

    /// The `wall:` bounds as written, e.g. `2.00..2.60`.
    pub fn wall_bounds(&self) -> Option<&str> {
        self.wall.as_ref().map(|b| b.source.as_str())
    }

    /// Can the example run on `os` (a `std::env::consts::OS` value)? The
    /// reason it cannot, otherwise.
    pub fn runs_on(&self, os: &str) -> Result<(), String> {
        let unix = [
            "linux",
            "macos",
            "freebsd",
            "netbsd",
            "openbsd",
            "dragonfly",
            "illumos",
            "solaris",
            "android",
            "ios",
        ];
        match self.os {
            Some(Os::Linux) if os != "linux" && os != "android" => {}
            Some(Os::Unix) if !unix.contains(&os) => {}
            _ => return Ok(()),
        }
        let needs = self.os.map_or("", Os::name);
        Err(format!(
            "needs {needs} (`os: {needs}` in its spec), and this is {os}: not run here"
        ))
    }

    /// Checks one finished run against the spec. `machine` is what the
    /// verifier saw of the rest of the machine during the run.
    ///
    /// Whether free-cores checks are enforced is decided from this run
    /// alone, by what the verifier saw of the machine during it.
    pub fn check(&self, run: &Run, machine: &Machine) -> Verdict {
        let mut verdict = Verdict::default();
        match run.exit {
            Exit::TimedOut => verdict.failures.push(Failure::general(format!(
                "timed out after {:.1} s and was killed with its process group",
                self.timeout.as_secs_f64()
            ))),
            Exit::Signal(sig) => verdict
                .failures
                .push(Failure::general(format!("killed by signal {sig}"))),
            Exit::Code(code) if code != self.status => verdict.failures.push(Failure::general(
                format!("exit status {code}, expected {}", self.status),
            )),
            Exit::Code(_) => {}
        }
        if run.left_processes {
            verdict.failures.push(Failure::general(
                "exited but left processes of its group running (they were killed)".to_string(),
            ));
        }
        if let Some(bound) = &self.wall
            && run.exit != Exit::TimedOut
        {
            let measured = format!("{:.3}", run.wall.as_secs_f64());
            if let Some(why) = bound.violation(&measured) {
                verdict.failures.push(Failure::general(format!(
                    "wall time (measured by verify, not printed by the program): {why} s"
                )));
            }
        }
        let cores_free = self.needs_free_cores() && machine.free;
        if self.needs_free_cores() {
            verdict.cores = Some(CoresDecision {
                enforced: cores_free,
                evidence: machine.evidence.clone(),
            });
        }
        let streams = self.match_streams(run, cores_free);
        if !cores_free {
            verdict.skipped = streams
                .numbers
                .iter()
                .filter(|c| c.kind == Kind::FreeCores)
                .cloned()
                .collect();
        }
        verdict.failures.extend(streams.failures);
        verdict.numbers = streams.numbers;
        verdict
    }

    /// Matches both streams; free-cores checks enforced or not.
    fn match_streams(&self, run: &Run, cores_free: bool) -> Verdict {
        let mut v = Verdict::default();
        for (name, stream, text) in [
            ("stdout", &self.stdout, &run.stdout),
            ("stderr", &self.stderr, &run.stderr),
        ] {
            stream.check(name, text, cores_free, &mut v);
        }
        v
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    /// Killed by this signal (number).
    Signal(i32),
    /// Killed by the verifier after the spec's time limit.
    TimedOut,
}

/// What one run of an example produced: the input to [`Spec::check`].
#[derive(Debug, Clone)]
pub struct Run {
    pub exit: Exit,
    pub stdout: String,
    pub stderr: String,
    /// Processes of the example's group were still alive after it exited.
    pub left_processes: bool,
    /// Spawn to exit, as the verifier measured it.
    pub wall: Duration,
}

/// What the verifier saw of the machine during one run, from outside the
/// program (on Linux: steal time and other processes' CPU over exactly the
/// run's interval).
#[derive(Debug, Clone)]
pub struct Machine {
    /// Did the rest of the machine leave two cores to the example?
    pub free: bool,
    /// One line for the report: the numbers behind `free`.
    pub evidence: String,
}

/// Whether a run's free-cores checks were enforced, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct CoresDecision {
    pub enforced: bool,
    /// What the verifier saw of the machine, in words.
    pub evidence: String,
}

/// The result of checking one run.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    pub failures: Vec<Failure>,
    /// Free-cores checks that were not enforced because the machine was busy.
    pub skipped: Vec<NumberCheck>,
    /// Every numeric check of the matched lines, in stdout-then-stderr order.
    pub numbers: Vec<NumberCheck>,
    /// `Some` when the spec has free-cores checks.
    pub cores: Option<CoresDecision>,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// Failed only on checks that need free cores (worth another run).
    pub fn failed_only_on_free_cores(&self) -> bool {
        !self.failures.is_empty() && self.failures.iter().all(|f| f.free_cores)
    }
}

/// Why a run does not match its spec.
#[derive(Debug, Clone)]
pub struct Failure {
    /// `stdout` or `stderr`, or `None` for the exit status and time limit.
    pub stream: Option<&'static str>,
    /// The spec line involved: number and text.
    pub spec_line: Option<(usize, String)>,
    /// The output line involved: 1-based number and text.
    pub output_line: Option<(usize, String)>,
    pub reason: String,
    /// The failing check needs free cores (see `{.. | free-cores}`).
    pub free_cores: bool,
}

impl Failure {
    fn general(reason: String) -> Failure {
        Failure {
            stream: None,
            spec_line: None,
            output_line: None,
            reason,
            free_cores: false,
        }
    }
}

/// One `{...}` placeholder of a matched line, with the number it matched.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberCheck {
    pub spec_line: usize,
    /// The matched output line.
    pub line: String,
    pub value: String,
    /// The bounds as written, e.g. `2.00..2.10`.
    pub bounds: String,
    pub kind: Kind,
    pub in_bounds: bool,
}

impl NumberCheck {
    /// The check in words a reader of any language reads: `2.00 ≤ 2.03 ≤
    /// 2.10`, `1.92 ≥ 1.5`, `200000 = 200000`; out of bounds, `1.38, which is
    /// not ≤ 1.15` (never the spec's `{..=1.15}`).
    pub fn in_words(&self) -> String {
        let v = &self.value;
        let Some((lo, hi)) = self.bounds.split_once("..") else {
            return match self.in_bounds {
                true => format!("{v} = {}", self.bounds),
                false => format!("{v}, which is not {}", self.bounds),
            };
        };
        let (lo, hi) = (lo.trim(), hi.trim_start_matches('=').trim());
        match (lo.is_empty(), hi.is_empty(), self.in_bounds) {
            (true, true, _) => v.clone(),
            (false, false, true) => format!("{lo} ≤ {v} ≤ {hi}"),
            (false, true, true) => format!("{v} ≥ {lo}"),
            (true, false, true) => format!("{v} ≤ {hi}"),
            (false, false, false) => format!("{v}, which is not between {lo} and {hi}"),
            (false, true, false) => format!("{v}, which is not ≥ {lo}"),
            (true, false, false) => format!("{v}, which is not ≤ {hi}"),
        }
    }
}

mod matcher;
mod parse;
mod pattern;

#[cfg(test)]
mod tests;
