//! Parsing a spec file: the header's keys and values, the streams'
//! patterns and blocks. Everything is validated here, with `line: what is
//! wrong` errors, so matching never meets a pattern it cannot handle.

use std::time::Duration;

use super::pattern::number_len;
use super::*;

impl Spec {
    /// Parses the text of a spec file.
    pub fn parse(text: &str) -> Result<Spec, ParseError> {
        if let Some(n) = text.lines().nth(MAX_SPEC_LINES).map(|_| MAX_SPEC_LINES + 1) {
            return err(
                n,
                format!("a spec has at most {MAX_SPEC_LINES} lines; split the example's output"),
            );
        }
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

/// Most lines in a spec file (the longest here has under 60).
const MAX_SPEC_LINES: usize = 2_000;

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
