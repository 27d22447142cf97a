//! Spec files: parsing and matching. Pure: no I/O, no clocks, no processes.
//!
//! The language is documented in `xtask/README.md`. In short: a header of
//! `key: value` lines, then `--- stdout` / `--- stderr` sections whose lines
//! are patterns. A pattern is literal text with `[..]` (any text) and
//! `{lo..hi}` (a number within bounds); `...` skips lines, `@any-order` ...
//! `@end` matches a block in any order, `@optional` may match nothing and
//! `@not` forbids a line anywhere in the stream.

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
    pub stdout: Stream,
    pub stderr: Stream,
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
}

#[derive(Debug, Clone)]
struct Member {
    pattern: Pattern,
    optional: bool,
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
    /// `| evidence`: never a check. The program's own evidence about its run
    /// (CPU time per unit of work, say); out of bounds, it means the cores
    /// were not free, and the run's free-cores checks are skipped.
    Evidence,
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
    /// Parses the text of a spec file.
    pub fn parse(text: &str) -> Result<Spec, ParseError> {
        let mut section = None;
        let mut about = None;
        let mut args = None;
        let mut status = None;
        let mut timeout = None;
        let mut mode = None;
        let mut wall = None;
        let mut streams: [Option<Stream>; 2] = [None, None];
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l)).peekable();

        // The header: `key: value` lines up to the first `--- ` section.
        while let Some(&(n, line)) = lines.peek() {
            if line.starts_with("--- ") {
                break;
            }
            lines.next();
            if line.trim().is_empty() || is_comment(line) {
                continue;
            }
            let Some((key, value)) = line.split_once(':') else {
                return err(
                    n,
                    format!("expected `key: value` or a `--- stdout` section, found `{line}`"),
                );
            };
            let value = value.trim();
            let slot_was_empty = match key.trim() {
                "section" => section.replace(value.to_string()).is_none(),
                "about" => about.replace(value.to_string()).is_none(),
                "args" => args
                    .replace(value.split_whitespace().map(String::from).collect())
                    .is_none(),
                "status" => {
                    let code = value.parse::<i32>().or_else(|_| {
                        err(n, format!("`status:` takes an exit code, found `{value}`"))
                    })?;
                    status.replace(code).is_none()
                }
                "timeout" => timeout.replace(parse_duration(value, n)?).is_none(),
                "wall" => wall.replace(parse_wall(value, n)?).is_none(),
                "mode" => {
                    let m = match value {
                        "alone" => Mode::Alone,
                        "beside-others" => Mode::BesideOthers,
                        _ => {
                            return err(
                                n,
                                format!("`mode:` is `alone` or `beside-others`, found `{value}`"),
                            );
                        }
                    };
                    mode.replace(m).is_none()
                }
                other => {
                    return err(
                        n,
                        format!(
                            "unknown key `{other}` (known: section, about, args, status, timeout, mode, wall)"
                        ),
                    );
                }
            };
            if !slot_was_empty {
                return err(n, format!("`{}:` is given twice", key.trim()));
            }
        }

        // The sections.
        while let Some((n, line)) = lines.next() {
            let index = match line {
                "--- stdout" => 0,
                "--- stderr" => 1,
                _ => {
                    return err(
                        n,
                        format!("expected `--- stdout` or `--- stderr`, found `{line}`"),
                    );
                }
            };
            if streams[index].is_some() {
                return err(n, format!("`{line}` is given twice"));
            }
            let mut body = Vec::new();
            while let Some(&(m, l)) = lines.peek() {
                if l.starts_with("--- ") {
                    break;
                }
                body.push((m, l));
                lines.next();
            }
            streams[index] = Some(parse_stream(&body)?);
        }

        let [stdout, stderr] = streams;
        let mode = mode.unwrap_or(Mode::Alone);
        if mode != Mode::Alone
            && let Some(p) = [&stdout, &stderr]
                .into_iter()
                .flatten()
                .flat_map(Stream::patterns)
                .find(|p| p.has(Kind::FreeCores))
        {
            return err(
                p.spec_line,
                "a `free-cores` check needs `mode: alone` (its example must not share the CPU)",
            );
        }
        let patterns = || {
            [&stdout, &stderr]
                .into_iter()
                .flatten()
                .flat_map(Stream::patterns)
        };
        if let Some(p) = patterns().find(|p| p.has(Kind::Evidence))
            && !patterns().any(|p| p.has(Kind::FreeCores))
        {
            return err(
                p.spec_line,
                "an `evidence` number decides whether `free-cores` checks are enforced, \
                 but this spec has none",
            );
        }
        Ok(Spec {
            section: section.ok_or_else(|| missing("section"))?,
            about: about.ok_or_else(|| missing("about"))?,
            args: args.unwrap_or_default(),
            status: status.unwrap_or(0),
            timeout: timeout.unwrap_or(Duration::from_secs(30)),
            mode,
            wall,
            stdout: stdout.unwrap_or_default(),
            stderr: stderr.unwrap_or_default(),
        })
    }

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

    /// Checks one finished run against the spec. `machine` is what the
    /// verifier saw of the rest of the machine during the run.
    ///
    /// Whether free-cores checks are enforced is decided from this run
    /// alone: the machine must have looked free, and every `| evidence`
    /// number the program printed must be within its bounds. The output is
    /// first matched with no free-cores check enforced (to read the
    /// evidence), then, if the cores were free, matched again enforcing them.
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
        let probe = self.match_streams(run, false);
        let mut cores_free = false;
        if self.needs_free_cores() {
            let mut evidence = vec![machine.evidence.clone()];
            let mut program_free = true;
            for c in probe.numbers.iter().filter(|c| c.kind == Kind::Evidence) {
                program_free &= c.in_bounds;
                let verdict = if c.in_bounds { "within" } else { "outside" };
                evidence.push(format!(
                    "the program printed {} {verdict} {{{}}} (spec line {})",
                    c.value, c.bounds, c.spec_line
                ));
            }
            cores_free = machine.free && program_free;
            verdict.cores = Some(CoresDecision {
                enforced: cores_free,
                evidence,
            });
        }
        let streams = if cores_free {
            self.match_streams(run, true)
        } else {
            probe
        };
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

/// `wall: {2.00..2.60}`: a number placeholder, in seconds.
fn parse_wall(value: &str, n: usize) -> Result<Bound, ParseError> {
    let inner = value
        .strip_prefix('{')
        .and_then(|v| v.strip_suffix('}'))
        .ok_or_else(|| ParseError {
            line: n,
            message: format!(
                "`wall:` takes bounds in seconds such as `{{2.00..2.60}}`, found `{value}`"
            ),
        })?;
    let bound = Bound::parse(inner, n)?;
    if bound.kind != Kind::Check {
        return err(n, "`wall:` bounds take no condition");
    }
    Ok(bound)
}

fn missing(key: &str) -> ParseError {
    ParseError {
        line: 1,
        message: format!("the header has no `{key}:` line"),
    }
}

fn is_comment(line: &str) -> bool {
    line == "#" || line.starts_with("# ")
}

fn parse_duration(value: &str, n: usize) -> Result<Duration, ParseError> {
    let (number, scale) = if let Some(ms) = value.strip_suffix("ms") {
        (ms, 0.001)
    } else if let Some(s) = value.strip_suffix('s') {
        (s, 1.0)
    } else {
        return err(
            n,
            format!("a duration ends in `s` or `ms`, found `{value}`"),
        );
    };
    match number.trim().parse::<f64>() {
        Ok(x) if x > 0.0 && x.is_finite() => Ok(Duration::from_secs_f64(x * scale)),
        _ => err(n, format!("`{value}` is not a positive duration")),
    }
}

fn parse_stream(body: &[(usize, &str)]) -> Result<Stream, ParseError> {
    let mut stream = Stream::default();
    // The open `@any-order` group: its first line and its members.
    let mut group: Option<(usize, Vec<Member>)> = None;
    for &(n, line) in body {
        if line.trim().is_empty() || is_comment(line) {
            continue;
        }
        if let Some(rest) = line.strip_prefix('\\') {
            let pattern = Pattern::parse(rest, n)?;
            match &mut group {
                Some((_, members)) => members.push(Member {
                    pattern,
                    optional: false,
                }),
                None => stream.items.push(Item::Line(pattern)),
            }
            continue;
        }
        let (directive, rest) = match line.strip_prefix('@') {
            Some(d) => d.split_once(' ').unwrap_or((d, "")),
            None if line == "..." => ("...", ""),
            None => ("", line),
        };
        match (directive, &mut group) {
            ("", Some((_, members))) => members.push(Member {
                pattern: Pattern::parse(rest, n)?,
                optional: false,
            }),
            ("", None) => stream.items.push(Item::Line(Pattern::parse(rest, n)?)),
            ("optional", Some((_, members))) => members.push(Member {
                pattern: Pattern::parse(rest, n)?,
                optional: true,
            }),
            ("optional", None) => stream.items.push(Item::Optional(Pattern::parse(rest, n)?)),
            ("any-order", None) => group = Some((n, Vec::new())),
            ("end", Some(_)) => {
                let (start, members) = group.take().expect("matched Some above");
                if members.is_empty() {
                    return err(start, "`@any-order` group has no lines");
                }
                stream.items.push(Item::AnyOrder(members));
            }
            ("end", None) => return err(n, "`@end` without an open `@any-order`"),
            ("any-order" | "not" | "...", Some((start, _))) => {
                return err(
                    n,
                    format!("`{line}` cannot stand inside the `@any-order` group of line {start}"),
                );
            }
            ("not", None) => stream.forbidden.push(Pattern::parse(rest, n)?),
            ("...", None) => stream.items.push(Item::AnyLines),
            (other, _) => {
                return err(
                    n,
                    format!(
                        "unknown directive `@{other}` (known: @any-order, @end, @optional, @not; \
                         write `\\@` for a literal `@`)"
                    ),
                );
            }
        }
    }
    if let Some((start, _)) = group {
        return err(start, "`@any-order` has no matching `@end`");
    }
    Ok(stream)
}

impl Pattern {
    fn parse(source: &str, spec_line: usize) -> Result<Pattern, ParseError> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut rest = source;
        while let Some(c) = rest.chars().next() {
            if let Some(after) = rest.strip_prefix("{{") {
                text.push('{');
                rest = after;
            } else if let Some(after) = rest.strip_prefix("[..]") {
                parts.extend(take_text(&mut text));
                parts.push(Part::Wildcard);
                rest = after;
            } else if c == '{' {
                let Some(close) = rest.find('}') else {
                    return err(
                        spec_line,
                        "`{` without a closing `}` (write `{{` for a literal `{`)",
                    );
                };
                parts.extend(take_text(&mut text));
                parts.push(Part::Number(Bound::parse(&rest[1..close], spec_line)?));
                rest = &rest[close + 1..];
            } else {
                text.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        parts.extend(take_text(&mut text));
        Ok(Pattern {
            spec_line,
            source: source.to_string(),
            parts,
        })
    }

    /// Does `line` have this pattern's shape, and are its numbers in bounds?
    fn check(&self, line: &str, cores_free: bool) -> LineMatch {
        let mut numbers = Vec::new();
        if !match_parts(&self.parts, line, &mut numbers) {
            return LineMatch::NoShape;
        }
        for (bound, value) in numbers {
            if !bound.enforced(cores_free) {
                continue;
            }
            if let Some(why) = bound.violation(value) {
                return LineMatch::OutOfBounds {
                    reason: why,
                    free_cores: bound.kind == Kind::FreeCores,
                };
            }
        }
        LineMatch::Yes
    }

    fn has(&self, kind: Kind) -> bool {
        self.parts
            .iter()
            .any(|part| matches!(part, Part::Number(b) if b.kind == kind))
    }

    fn matches(&self, line: &str, cores_free: bool) -> bool {
        matches!(self.check(line, cores_free), LineMatch::Yes)
    }

    /// The numbers `line` holds at this pattern's placeholders (it must match).
    fn numbers<'a>(&'a self, line: &'a str) -> Vec<(&'a Bound, &'a str)> {
        let mut numbers = Vec::new();
        match_parts(&self.parts, line, &mut numbers);
        numbers
    }
}

fn take_text(text: &mut String) -> Option<Part> {
    (!text.is_empty()).then(|| Part::Text(std::mem::take(text)))
}

enum LineMatch {
    Yes,
    NoShape,
    OutOfBounds { reason: String, free_cores: bool },
}

/// Matches `parts` against the whole of `line`, backtracking over `[..]`.
/// On success `numbers` holds each placeholder with the text it matched.
fn match_parts<'a>(
    parts: &'a [Part],
    line: &'a str,
    numbers: &mut Vec<(&'a Bound, &'a str)>,
) -> bool {
    let Some((first, rest)) = parts.split_first() else {
        return line.is_empty();
    };
    match first {
        Part::Text(t) => line
            .strip_prefix(t.as_str())
            .is_some_and(|after| match_parts(rest, after, numbers)),
        Part::Wildcard => line
            .char_indices()
            .map(|(i, _)| i)
            .chain([line.len()])
            .any(|i| {
                let saved = numbers.len();
                let ok = match_parts(rest, &line[i..], numbers);
                if !ok {
                    numbers.truncate(saved);
                }
                ok
            }),
        Part::Number(bound) => {
            let len = number_len(line);
            if len == 0 {
                return false;
            }
            numbers.push((bound, &line[..len]));
            let ok = match_parts(rest, &line[len..], numbers);
            if !ok {
                numbers.pop();
            }
            ok
        }
    }
}

/// The length of the number at the start of `s` (`-`? digits (`.` digits)?).
fn number_len(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits_start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    if i == digits_start {
        return 0;
    }
    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    i
}

impl Bound {
    fn parse(inner: &str, n: usize) -> Result<Bound, ParseError> {
        let (range, flag) = match inner.split_once('|') {
            Some((r, f)) => (r.trim(), Some(f.trim())),
            None => (inner.trim(), None),
        };
        let kind = match flag {
            None => Kind::Check,
            Some("free-cores") => Kind::FreeCores,
            Some("evidence") => Kind::Evidence,
            Some(other) => {
                return err(
                    n,
                    format!("unknown condition `{other}` (known: free-cores, evidence)"),
                );
            }
        };
        let num = |s: &str| -> Result<Option<(Num, String)>, ParseError> {
            if s.is_empty() {
                return Ok(None);
            }
            Num::parse(s)
                .map(|v| Some((v, s.to_string())))
                .ok_or_else(|| ParseError {
                    line: n,
                    message: format!("`{s}` is not a number in `{{{inner}}}`"),
                })
        };
        let (lo, hi) = match range.split_once("..") {
            Some((lo, hi)) => (num(lo.trim())?, num(hi.trim_start_matches('=').trim())?),
            None if range.is_empty() => {
                return err(
                    n,
                    "`{}` is empty: write `{..}` for any number, `{{` for a literal `{`",
                );
            }
            None => {
                let exact = num(range)?;
                (exact.clone(), exact)
            }
        };
        if let (Some((lo, _)), Some((hi, _))) = (&lo, &hi)
            && lo.cmp(*hi) == std::cmp::Ordering::Greater
        {
            return err(
                n,
                format!("`{{{inner}}}`: the lower bound is above the upper bound"),
            );
        }
        Ok(Bound {
            source: range.to_string(),
            lo,
            hi,
            kind,
        })
    }

    fn enforced(&self, cores_free: bool) -> bool {
        match self.kind {
            Kind::Check => true,
            Kind::FreeCores => cores_free,
            Kind::Evidence => false,
        }
    }

    /// Why `value` is outside the bounds, or `None` if it is inside.
    fn violation(&self, value: &str) -> Option<String> {
        let v = Num::parse(value)?;
        if let Some((lo, lo_text)) = &self.lo
            && v.cmp(*lo) == std::cmp::Ordering::Less
        {
            return Some(format!("{value} is below the lower bound {lo_text}"));
        }
        if let Some((hi, hi_text)) = &self.hi
            && v.cmp(*hi) == std::cmp::Ordering::Greater
        {
            return Some(format!("{value} is above the upper bound {hi_text}"));
        }
        None
    }
}

impl Num {
    fn parse(s: &str) -> Option<Num> {
        if number_len(s) != s.len() {
            return None;
        }
        if s.contains('.') {
            s.parse().ok().map(Num::Float)
        } else {
            s.parse().ok().map(Num::Int)
        }
    }

    fn cmp(self, other: Num) -> std::cmp::Ordering {
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => a.cmp(&b),
            (a, b) => a.as_f64().total_cmp(&b.as_f64()),
        }
    }

    fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
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
    /// The verifier's evidence first, then each `| evidence` number.
    pub evidence: Vec<String>,
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

impl Stream {
    fn patterns(&self) -> impl Iterator<Item = &Pattern> {
        self.items
            .iter()
            .flat_map(|item| match item {
                Item::Line(p) | Item::Optional(p) => vec![p],
                Item::AnyLines => vec![],
                Item::AnyOrder(members) => members.iter().map(|m| &m.pattern).collect(),
            })
            .chain(&self.forbidden)
    }

    fn check(&self, name: &'static str, text: &str, cores_free: bool, verdict: &mut Verdict) {
        let lines: Vec<&str> = text.lines().collect();
        let mut matcher = Matcher {
            items: &self.items,
            lines: &lines,
            cores_free,
            dead: HashSet::new(),
            path: Vec::new(),
            deepest: None,
        };
        if matcher.walk(0, 0) {
            for &(pattern, index) in &matcher.path {
                for (bound, value) in pattern.numbers(lines[index]) {
                    verdict.numbers.push(NumberCheck {
                        spec_line: pattern.spec_line,
                        line: lines[index].to_string(),
                        value: value.to_string(),
                        bounds: bound.source.clone(),
                        kind: bound.kind,
                        in_bounds: bound.violation(value).is_none(),
                    });
                }
            }
        } else {
            let d = matcher
                .deepest
                .expect("a failed walk always records where it failed");
            verdict.failures.push(Failure {
                stream: Some(name),
                spec_line: d.pattern.map(|p| (p.spec_line, p.source.clone())),
                output_line: lines.get(d.line).map(|l| (d.line + 1, l.to_string())),
                reason: d.reason,
                free_cores: d.free_cores,
            });
        }
        for (i, line) in lines.iter().enumerate() {
            if let Some(p) = self.forbidden.iter().find(|p| p.matches(line, cores_free)) {
                verdict.failures.push(Failure {
                    stream: Some(name),
                    spec_line: Some((p.spec_line, format!("@not {}", p.source))),
                    output_line: Some((i + 1, line.to_string())),
                    reason: "a line the spec forbids appeared".to_string(),
                    free_cores: false,
                });
            }
        }
    }
}

/// Where matching got stuck, kept for the furthest output line reached.
struct Stuck<'a> {
    line: usize,
    pattern: Option<&'a Pattern>,
    reason: String,
    free_cores: bool,
}

/// A backtracking matcher of spec items against output lines. States
/// `(item, line)` that failed once are remembered, so `...` stays cheap.
struct Matcher<'a> {
    items: &'a [Item],
    lines: &'a [&'a str],
    cores_free: bool,
    dead: HashSet<(usize, usize)>,
    /// The pattern that matched each output line, on the current path.
    path: Vec<(&'a Pattern, usize)>,
    deepest: Option<Stuck<'a>>,
}

impl<'a> Matcher<'a> {
    fn walk(&mut self, item: usize, line: usize) -> bool {
        if self.dead.contains(&(item, line)) {
            return false;
        }
        let saved = self.path.len();
        let ok = self.step(item, line);
        if !ok {
            self.path.truncate(saved);
            self.dead.insert((item, line));
        }
        ok
    }

    fn step(&mut self, item: usize, line: usize) -> bool {
        let items = self.items;
        let Some(current) = items.get(item) else {
            if line == self.lines.len() {
                return true;
            }
            self.stuck(line, None, "unexpected line: the spec has no pattern left for it (end a spec with `...` to allow more)".to_string(), false);
            return false;
        };
        match current {
            Item::Line(p) => self.one(p, item, line),
            Item::Optional(p) => self.one(p, item, line) || self.walk(item + 1, line),
            Item::AnyLines => (line..=self.lines.len()).any(|l| self.walk(item + 1, l)),
            Item::AnyOrder(members) => {
                let required = members.iter().filter(|m| !m.optional).count();
                (required..=members.len()).any(|size| {
                    if line + size > self.lines.len() {
                        if size == required {
                            self.stuck(
                                self.lines.len(),
                                Some(&members[0].pattern),
                                format!(
                                    "the output ended inside the @any-order group of spec line {} ({} lines needed)",
                                    members[0].pattern.spec_line, required
                                ),
                                false,
                            );
                        }
                        return false;
                    }
                    let saved = self.path.len();
                    let mut used = vec![false; members.len()];
                    if self.assign(members, &mut used, line, line + size)
                        && self.walk(item + 1, line + size)
                    {
                        return true;
                    }
                    self.path.truncate(saved);
                    false
                })
            }
        }
    }

    /// Matches one line pattern at `line`, then the rest of the items.
    fn one(&mut self, p: &'a Pattern, item: usize, line: usize) -> bool {
        let Some(text) = self.lines.get(line) else {
            self.stuck(
                line,
                Some(p),
                "the output ended before this line".to_string(),
                false,
            );
            return false;
        };
        match p.check(text, self.cores_free) {
            LineMatch::Yes => {
                self.path.push((p, line));
                self.walk(item + 1, line + 1)
            }
            LineMatch::NoShape => {
                self.stuck(
                    line,
                    Some(p),
                    "the output line does not match this pattern".to_string(),
                    false,
                );
                false
            }
            LineMatch::OutOfBounds { reason, free_cores } => {
                self.stuck(line, Some(p), reason, free_cores);
                false
            }
        }
    }

    /// Gives each of the lines `from..to` a distinct member of the group,
    /// using every required member.
    fn assign(&mut self, members: &'a [Member], used: &mut [bool], from: usize, to: usize) -> bool {
        if from == to {
            return members
                .iter()
                .zip(used.iter())
                .all(|(m, &u)| u || m.optional);
        }
        let text = self.lines[from];
        let mut any_shape = None;
        for (k, m) in members.iter().enumerate() {
            if used[k] {
                continue;
            }
            match m.pattern.check(text, self.cores_free) {
                LineMatch::Yes => {
                    used[k] = true;
                    self.path.push((&m.pattern, from));
                    if self.assign(members, used, from + 1, to) {
                        return true;
                    }
                    self.path.pop();
                    used[k] = false;
                }
                LineMatch::OutOfBounds { reason, free_cores } => {
                    any_shape.get_or_insert((&m.pattern, reason, free_cores));
                }
                LineMatch::NoShape => {}
            }
        }
        match any_shape {
            Some((p, reason, free_cores)) => self.stuck(from, Some(p), reason, free_cores),
            None => self.stuck(
                from,
                Some(&members[0].pattern),
                format!(
                    "no unused line of the @any-order group of spec line {} matches this output line",
                    members[0].pattern.spec_line
                ),
                false,
            ),
        }
        false
    }

    fn stuck(
        &mut self,
        line: usize,
        pattern: Option<&'a Pattern>,
        reason: String,
        free_cores: bool,
    ) {
        if self.deepest.as_ref().is_none_or(|d| line > d.line) {
            self.deepest = Some(Stuck {
                line,
                pattern,
                reason,
                free_cores,
            });
        }
    }
}

#[cfg(test)]
mod tests;
