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
        let mut os = None;
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
                "section" => section.replace(non_empty("section", value, n)?).is_none(),
                "about" => about.replace(non_empty("about", value, n)?).is_none(),
                "args" => args.replace(parse_args(value, n)?).is_none(),
                "status" => status.replace(parse_status(value, n)?).is_none(),
                "timeout" => timeout.replace(parse_duration(value, n)?).is_none(),
                "wall" => wall.replace((n, parse_wall(value, n)?)).is_none(),
                "os" => {
                    let o = match value {
                        "linux" => Os::Linux,
                        "unix" => Os::Unix,
                        _ => return err(n, format!("`os:` is `linux` or `unix`, found `{value}`")),
                    };
                    os.replace(o).is_none()
                }
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
                            "unknown key `{other}` (known: section, about, args, status, timeout, mode, wall, os)"
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
        let timeout = timeout.unwrap_or(Duration::from_secs(30));
        if let Some((n, bound)) = &wall
            && let Some((lo, lo_text)) = &bound.lo
            && lo.as_f64() >= timeout.as_secs_f64()
        {
            return err(
                *n,
                format!(
                    "the `wall:` lower bound {lo_text} s is not below the time limit ({} s): \
                     no run could pass",
                    timeout.as_secs_f64()
                ),
            );
        }
        let wall = wall.map(|(_, bound)| bound);
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
            timeout,
            mode,
            wall,
            os,
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
    if bound.lo.is_none() && bound.hi.is_none() {
        return err(
            n,
            "`wall: {..}` bounds nothing: give a lower bound, an upper bound or both",
        );
    }
    if !inner.contains("..") {
        return err(
            n,
            format!(
                "`wall:` takes a range such as `{{2.00..2.60}}`, found the exact value `{value}`"
            ),
        );
    }
    for (end, text) in [&bound.lo, &bound.hi].into_iter().flatten() {
        if end.as_f64() < 0.0 || end.as_f64() > MAX_SECONDS {
            return err(
                n,
                format!("`wall:` bound {text} s is outside 0 s to 1 hour"),
            );
        }
    }
    Ok(bound)
}

/// The longest `timeout:` and `wall:` bound: an hour.
const MAX_SECONDS: f64 = 3600.0;

fn non_empty(key: &str, value: &str, n: usize) -> Result<String, ParseError> {
    if value.is_empty() {
        return err(n, format!("`{key}:` is empty"));
    }
    Ok(value.to_string())
}

/// `args: 2 100`: split on whitespace, no quoting.
fn parse_args(value: &str, n: usize) -> Result<Vec<String>, ParseError> {
    if let Some(c) = value.chars().find(|c| matches!(c, '"' | '\'' | '\\')) {
        return err(
            n,
            format!(
                "`args:` are split on spaces with no quoting or escapes, found `{c}` in `{value}`"
            ),
        );
    }
    Ok(value.split_whitespace().map(String::from).collect())
}

/// `status: 3`: an exit status, 0 to 255.
fn parse_status(value: &str, n: usize) -> Result<i32, ParseError> {
    match value.parse::<u8>() {
        Ok(code) if value.bytes().all(|b| b.is_ascii_digit()) => Ok(i32::from(code)),
        _ => err(
            n,
            format!("`status:` takes an exit status from 0 to 255, found `{value}`"),
        ),
    }
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
    let number = number.trim();
    // Plain decimals only: `1e3`, `inf`, `+5` and `-1` are refused.
    if number.is_empty() || number.starts_with('-') || number_len(number) != number.len() {
        return err(
            n,
            format!("`{value}` is not a duration such as `10s` or `500ms`"),
        );
    }
    let seconds = number.parse::<f64>().unwrap_or(f64::INFINITY) * scale;
    if !(0.001..=MAX_SECONDS).contains(&seconds) {
        return err(n, format!("`timeout: {value}` is outside 1 ms to 1 hour"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// The block a stream body is inside of, while parsing.
enum Open {
    AnyOrder { start: usize, members: Vec<Member> },
    Interleaved { start: usize, lanes: Vec<Lane> },
}

/// The directives, for error messages.
const DIRECTIVES: &str = "@any-order, @interleaved, @lane, @next, @end, @optional, @not";

/// At most this many states `(lane positions)` per `@interleaved` block:
/// matching is memoized on them, and in general (many lanes whose patterns
/// overlap) their number is what it costs.
const MAX_LANE_STATES: usize = 10_000;

fn parse_stream(body: &[(usize, &str)]) -> Result<Stream, ParseError> {
    let mut stream = Stream::default();
    let mut open: Option<Open> = None;
    for &(n, line) in body {
        if line.trim().is_empty() || is_comment(line) {
            continue;
        }
        let (directive, rest) = if let Some(rest) = line.strip_prefix('\\') {
            ("", rest)
        } else if let Some(d) = line.strip_prefix('@') {
            let (d, rest) = d.split_once(' ').unwrap_or((d, ""));
            if d.is_empty() {
                return err(
                    n,
                    format!(
                        "`@` must be followed by a directive (known: {DIRECTIVES}); \
                         write `\\@` for a literal `@`"
                    ),
                );
            }
            (d, rest)
        } else if line == "..." {
            ("...", "")
        } else {
            ("", line)
        };
        let needs_pattern = matches!(directive, "optional" | "not" | "next");
        let takes_nothing = matches!(directive, "any-order" | "interleaved" | "lane" | "end");
        if needs_pattern && rest.trim().is_empty() {
            return err(
                n,
                format!("`@{directive}` needs a pattern after it: `@{directive} <line>`"),
            );
        }
        if takes_nothing && !rest.trim().is_empty() {
            return err(
                n,
                format!("`@{directive}` takes nothing after it, found `{line}`"),
            );
        }
        let member = |optional, next| -> Result<Member, ParseError> {
            Ok(Member {
                pattern: Pattern::parse(rest, n)?,
                optional,
                next,
            })
        };
        match (directive, &mut open) {
            ("" | "optional", None) => {
                let pattern = Pattern::parse(rest, n)?;
                stream.items.push(if directive == "optional" {
                    Item::Optional(pattern)
                } else {
                    Item::Line(pattern)
                });
            }
            ("" | "optional", Some(Open::AnyOrder { members, .. })) => {
                members.push(member(directive == "optional", false)?);
            }
            ("" | "optional" | "next", Some(Open::Interleaved { start, lanes })) => {
                let Some(lane) = lanes.last_mut() else {
                    return err(
                        n,
                        format!(
                            "a line of the `@interleaved` block of line {start} must come \
                             after a `@lane` line"
                        ),
                    );
                };
                if directive == "next" && lane.lines.is_empty() {
                    return err(
                        n,
                        "`@next` needs a line of its lane before it (it matches the output line \
                         right after that one)",
                    );
                }
                lane.lines
                    .push(member(directive == "optional", directive == "next")?);
            }
            ("next", _) => {
                return err(n, "`@next` stands only inside a `@lane` of `@interleaved`");
            }
            ("any-order", None) => {
                open = Some(Open::AnyOrder {
                    start: n,
                    members: Vec::new(),
                })
            }
            ("interleaved", None) => {
                open = Some(Open::Interleaved {
                    start: n,
                    lanes: Vec::new(),
                })
            }
            ("lane", Some(Open::Interleaved { lanes, .. })) => lanes.push(Lane {
                spec_line: n,
                lines: Vec::new(),
            }),
            ("lane", _) => {
                return err(n, "`@lane` without an open `@interleaved`");
            }
            ("end", Some(_)) => match open.take().expect("matched Some above") {
                Open::AnyOrder { start, members } => {
                    if members.is_empty() {
                        return err(start, "`@any-order` group has no lines");
                    }
                    stream.items.push(Item::AnyOrder(members));
                }
                Open::Interleaved { start, lanes } => {
                    stream
                        .items
                        .push(Item::Interleaved(check_lanes(start, lanes)?));
                }
            },
            ("end", None) => {
                return err(n, "`@end` without an open `@any-order` or `@interleaved`");
            }
            ("any-order" | "interleaved" | "not" | "...", Some(Open::AnyOrder { start, .. })) => {
                return err(
                    n,
                    format!("`{line}` cannot stand inside the `@any-order` group of line {start}"),
                );
            }
            (
                "any-order" | "interleaved" | "not" | "...",
                Some(Open::Interleaved { start, .. }),
            ) => {
                return err(
                    n,
                    format!(
                        "`{line}` cannot stand inside the `@interleaved` block of line {start} \
                         (a lane holds lines, `@optional` lines and `@next` lines)"
                    ),
                );
            }
            ("not", None) => stream.forbidden.push(Pattern::parse(rest, n)?),
            ("...", None) => stream.items.push(Item::AnyLines),
            (other, _) => {
                return err(
                    n,
                    format!(
                        "unknown directive `@{other}` (known: {DIRECTIVES}; \
                         write `\\@` for a literal `@`)"
                    ),
                );
            }
        }
    }
    match open {
        Some(Open::AnyOrder { start, .. }) => err(start, "`@any-order` has no matching `@end`"),
        Some(Open::Interleaved { start, .. }) => {
            err(start, "`@interleaved` has no matching `@end`")
        }
        None => Ok(stream),
    }
}

/// A finished `@interleaved` block: at least two lanes, none empty, and few
/// enough matching states.
fn check_lanes(start: usize, lanes: Vec<Lane>) -> Result<Interleaved, ParseError> {
    if lanes.len() < 2 {
        return err(
            start,
            "`@interleaved` needs at least two `@lane`s (one lane is just ordered lines)",
        );
    }
    if let Some(lane) = lanes.iter().find(|l| l.lines.is_empty()) {
        return err(lane.spec_line, "`@lane` has no lines");
    }
    let states = lanes
        .iter()
        .try_fold(1usize, |acc, l| acc.checked_mul(l.lines.len() + 1));
    if states.is_none_or(|s| s > MAX_LANE_STATES) {
        return err(
            start,
            format!(
                "this `@interleaved` block is too big to match: {} lanes of {} lines make \
                 more than {MAX_LANE_STATES} states; split it into blocks that follow each other",
                lanes.len(),
                lanes.iter().map(|l| l.lines.len()).sum::<usize>()
            ),
        );
    }
    Ok(Interleaved { start, lanes })
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
                // `[..][..]` is `[..]`.
                if !matches!(parts.last(), Some(Part::Wildcard)) {
                    parts.push(Part::Wildcard);
                }
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
        for pair in parts.windows(2) {
            let never = match pair {
                [Part::Number(_), Part::Number(_)] => true,
                [Part::Number(_), Part::Text(t)] => {
                    let b = t.as_bytes();
                    b[0].is_ascii_digit()
                        || (b[0] == b'.' && b.get(1).is_some_and(u8::is_ascii_digit))
                }
                _ => false,
            };
            if never {
                return err(
                    spec_line,
                    "a `{...}` number followed directly by a digit or another number can never \
                     match: numbers are read whole (put text between them)",
                );
            }
        }
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
/// A wildcard that failed at a position is remembered, so many `[..]` in one
/// pattern cost at most parts x positions tries, not exponential time.
fn match_parts<'a>(
    parts: &'a [Part],
    line: &'a str,
    numbers: &mut Vec<(&'a Bound, &'a str)>,
) -> bool {
    let mut dead = HashSet::new();
    match_from(parts, 0, line, 0, numbers, &mut dead)
}

fn match_from<'a>(
    parts: &'a [Part],
    part: usize,
    line: &'a str,
    at: usize,
    numbers: &mut Vec<(&'a Bound, &'a str)>,
    dead: &mut HashSet<(usize, usize)>,
) -> bool {
    let rest = &line[at..];
    let Some(first) = parts.get(part) else {
        return rest.is_empty();
    };
    match first {
        Part::Text(t) => {
            rest.starts_with(t.as_str())
                && match_from(parts, part + 1, line, at + t.len(), numbers, dead)
        }
        Part::Wildcard => {
            if dead.contains(&(part, at)) {
                return false;
            }
            let ok = rest
                .char_indices()
                .map(|(i, _)| at + i)
                .chain([line.len()])
                .any(|i| {
                    let saved = numbers.len();
                    let ok = match_from(parts, part + 1, line, i, numbers, dead);
                    if !ok {
                        numbers.truncate(saved);
                    }
                    ok
                });
            if !ok {
                dead.insert((part, at));
            }
            ok
        }
        Part::Number(bound) => {
            let len = number_len(rest);
            if len == 0 {
                return false;
            }
            numbers.push((bound, &rest[..len]));
            let ok = match_from(parts, part + 1, line, at + len, numbers, dead);
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
            match Num::parse(s) {
                Some(Num::Float(f)) if !f.is_finite() => {
                    err(n, format!("`{s}` in `{{{inner}}}` is too large to compare"))
                }
                Some(Num::Float(_)) if !s.contains('.') => err(
                    n,
                    format!(
                        "`{s}` in `{{{inner}}}` is too large for an exact integer \
                         (at most 38 digits); write it with a decimal point to compare it \
                         as a float"
                    ),
                ),
                Some(v) => Ok(Some((v, s.to_string()))),
                None => err(n, format!("`{s}` is not a number in `{{{inner}}}`")),
            }
        };
        let (lo, hi) = match range.split_once("..") {
            Some((lo, hi)) => {
                let inclusive = hi.trim_start().strip_prefix('=');
                if inclusive.is_some_and(|h| h.trim().is_empty()) {
                    return err(n, format!("`{{{inner}}}`: `..=` needs an upper bound"));
                }
                (num(lo.trim())?, num(inclusive.unwrap_or(hi).trim())?)
            }
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
            // Beyond i128 an integer is still a number: compared as a float
            // (infinite past f64, which is above any bound).
            s.parse()
                .map(Num::Int)
                .or_else(|_| s.parse().map(Num::Float))
                .ok()
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
                Item::Interleaved(block) => block
                    .lanes
                    .iter()
                    .flat_map(|lane| &lane.lines)
                    .map(|m| &m.pattern)
                    .collect(),
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
            dead_lanes: HashSet::new(),
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
            let d = matcher.deepest.unwrap_or_else(|| Stuck {
                line: 0,
                pattern: None,
                reason: "the output does not match the spec".to_string(),
                free_cores: false,
            });
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
    /// Failed states of `@interleaved` blocks: (item, line, lane positions
    /// as one number, the lane that matched the previous line).
    dead_lanes: HashSet<(usize, usize, usize, Option<usize>)>,
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
                    if self.assign(members, line, line + size)
                        && self.walk(item + 1, line + size)
                    {
                        return true;
                    }
                    self.path.truncate(saved);
                    false
                })
            }
            Item::Interleaved(block) => {
                let mut pos = vec![0; block.lanes.len()];
                self.lanes(block, item, line, &mut pos, None)
            }
        }
    }

    /// Matches the rest of an `@interleaved` block from `line`, each lane
    /// `k` at its line `pos[k]`; `last` is the lane that matched the
    /// previous output line (for `@next`). Then the rest of the items.
    fn lanes(
        &mut self,
        block: &'a Interleaved,
        item: usize,
        line: usize,
        pos: &mut [usize],
        last: Option<usize>,
    ) -> bool {
        let code = block
            .lanes
            .iter()
            .zip(pos.iter())
            .fold(0, |acc, (lane, &p)| acc * (lane.lines.len() + 1) + p);
        // `last` matters only to a lane whose next line is `@next`.
        let last = last.filter(|&k| block.lanes[k].lines.get(pos[k]).is_some_and(|m| m.next));
        let key = (item, line, code, last);
        if self.dead_lanes.contains(&key) {
            return false;
        }
        let saved = self.path.len();
        let ok = self.lanes_step(block, item, line, pos, last);
        if !ok {
            self.path.truncate(saved);
            self.dead_lanes.insert(key);
        }
        ok
    }

    fn lanes_step(
        &mut self,
        block: &'a Interleaved,
        item: usize,
        line: usize,
        pos: &mut [usize],
        last: Option<usize>,
    ) -> bool {
        let lanes = &block.lanes;
        if lanes
            .iter()
            .zip(pos.iter())
            .all(|(l, &p)| p == l.lines.len())
        {
            return self.walk(item + 1, line);
        }
        let text = self.lines.get(line).copied();
        let mut any_match = false;
        let mut out_of_bounds = None;
        for k in 0..lanes.len() {
            let Some(m) = lanes[k].lines.get(pos[k]) else {
                continue;
            };
            let allowed = !m.next || last == Some(k);
            if let Some(text) = text
                && allowed
            {
                match m.pattern.check(text, self.cores_free) {
                    LineMatch::Yes => {
                        any_match = true;
                        self.path.push((&m.pattern, line));
                        pos[k] += 1;
                        let ok = self.lanes(block, item, line + 1, pos, Some(k));
                        pos[k] -= 1;
                        if ok {
                            return true;
                        }
                        self.path.pop();
                    }
                    LineMatch::OutOfBounds { reason, free_cores } => {
                        out_of_bounds.get_or_insert((&m.pattern, reason, free_cores));
                    }
                    LineMatch::NoShape => {}
                }
            }
        }
        if !any_match {
            match out_of_bounds {
                Some((p, reason, free_cores)) => self.stuck(line, Some(p), reason, free_cores),
                None => {
                    let expected: Vec<String> = lanes
                        .iter()
                        .zip(pos.iter())
                        .enumerate()
                        .filter_map(|(k, (lane, &p))| {
                            let m = lane.lines.get(p)?;
                            let next = if m.next && last != Some(k) {
                                ", right after its previous line"
                            } else {
                                ""
                            };
                            Some(format!(
                                "lane of spec line {} expects `{}` (spec line {}{next})",
                                lane.spec_line, m.pattern.source, m.pattern.spec_line
                            ))
                        })
                        .collect();
                    let first = lanes
                        .iter()
                        .zip(pos.iter())
                        .find_map(|(lane, &p)| lane.lines.get(p))
                        .map(|m| &m.pattern);
                    let reason = if text.is_some() {
                        format!("no lane's next line matches: {}", expected.join("; "))
                    } else {
                        format!(
                            "the output ended inside the @interleaved block of spec line {}: {}",
                            block.start,
                            expected.join("; ")
                        )
                    };
                    self.stuck(line, first, reason, false);
                }
            }
        }
        // An optional line may match nothing: its lane moves on.
        for k in 0..lanes.len() {
            if lanes[k].lines.get(pos[k]).is_some_and(|m| m.optional) {
                pos[k] += 1;
                let ok = self.lanes(block, item, line, pos, last);
                pos[k] -= 1;
                if ok {
                    return true;
                }
            }
        }
        false
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
    /// using every required member: a bipartite matching (lines and
    /// members), so overlapping patterns are assigned correctly in
    /// polynomial time. First every required member gets a line, then every
    /// line a member: augmenting paths keep what is matched matched, and a
    /// matching covering both exists whenever each side can be covered
    /// (Mendelsohn-Dulmage).
    fn assign(&mut self, members: &'a [Member], from: usize, to: usize) -> bool {
        let mut edges: Vec<Vec<usize>> = Vec::with_capacity(to - from);
        for (i, text) in self.lines[from..to].iter().enumerate() {
            let mut out_of_bounds = None;
            let mut fits = Vec::new();
            for (k, m) in members.iter().enumerate() {
                match m.pattern.check(text, self.cores_free) {
                    LineMatch::Yes => fits.push(k),
                    LineMatch::OutOfBounds { reason, free_cores } => {
                        out_of_bounds.get_or_insert((&m.pattern, reason, free_cores));
                    }
                    LineMatch::NoShape => {}
                }
            }
            if fits.is_empty() {
                match out_of_bounds {
                    Some((p, reason, free_cores)) => {
                        self.stuck(from + i, Some(p), reason, free_cores)
                    }
                    None => self.no_member(members, from + i),
                }
                return false;
            }
            edges.push(fits);
        }
        let mut line_of: Vec<Option<usize>> = vec![None; members.len()];
        let mut member_of: Vec<Option<usize>> = vec![None; edges.len()];
        for k in (0..members.len()).filter(|&k| !members[k].optional) {
            let mut seen = vec![false; edges.len()];
            if !augment_from_member(k, &edges, &mut line_of, &mut member_of, &mut seen) {
                let p = &members[k].pattern;
                self.stuck(
                    to,
                    Some(p),
                    format!(
                        "no output line is left for this line of the @any-order group of spec line {}",
                        members[0].pattern.spec_line
                    ),
                    false,
                );
                return false;
            }
        }
        for i in 0..edges.len() {
            if member_of[i].is_none() {
                let mut seen = vec![false; members.len()];
                if !augment_from_line(i, &edges, &mut line_of, &mut member_of, &mut seen) {
                    self.no_member(members, from + i);
                    return false;
                }
            }
        }
        for (i, k) in member_of.iter().enumerate() {
            let k = k.expect("every line was given a member above");
            self.path.push((&members[k].pattern, from + i));
        }
        true
    }

    fn no_member(&mut self, members: &'a [Member], line: usize) {
        self.stuck(
            line,
            Some(&members[0].pattern),
            format!(
                "no unused line of the @any-order group of spec line {} matches this output line",
                members[0].pattern.spec_line
            ),
            false,
        );
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

/// Kuhn's augmenting path from output line `i` (`edges[i]`: the members
/// that match it).
fn augment_from_line(
    i: usize,
    edges: &[Vec<usize>],
    line_of: &mut [Option<usize>],
    member_of: &mut [Option<usize>],
    seen: &mut [bool],
) -> bool {
    for &k in &edges[i] {
        if seen[k] {
            continue;
        }
        seen[k] = true;
        if line_of[k].is_none_or(|j| augment_from_line(j, edges, line_of, member_of, seen)) {
            line_of[k] = Some(i);
            member_of[i] = Some(k);
            return true;
        }
    }
    false
}

/// Kuhn's augmenting path from member `k`, over the same edges.
fn augment_from_member(
    k: usize,
    edges: &[Vec<usize>],
    line_of: &mut [Option<usize>],
    member_of: &mut [Option<usize>],
    seen: &mut [bool],
) -> bool {
    for i in 0..edges.len() {
        if seen[i] || !edges[i].contains(&k) {
            continue;
        }
        seen[i] = true;
        if member_of[i].is_none_or(|j| augment_from_member(j, edges, line_of, member_of, seen)) {
            member_of[i] = Some(k);
            line_of[k] = Some(i);
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests;
