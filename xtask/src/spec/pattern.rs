//! One line pattern: literal text, `[..]` wildcards and `{lo..hi}` numbers
//! with bounds, and how a line is matched against it.

use super::*;

/// Most `[..]` and `{...}` in one pattern.
const MAX_PLACEHOLDERS: usize = 64;

impl Pattern {
    pub(super) fn parse(source: &str, spec_line: usize) -> Result<Pattern, ParseError> {
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
        let placeholders = parts.iter().filter(|p| !matches!(p, Part::Text(_))).count();
        if placeholders > MAX_PLACEHOLDERS {
            return err(
                spec_line,
                format!(
                    "{placeholders} `[..]` and `{{...}}` in one line; at most {MAX_PLACEHOLDERS} \
                     (matching a line costs placeholders x characters)"
                ),
            );
        }
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
    pub(super) fn check(&self, line: &str, cores_free: bool) -> LineMatch {
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

    pub(super) fn has(&self, kind: Kind) -> bool {
        self.parts
            .iter()
            .any(|part| matches!(part, Part::Number(b) if b.kind == kind))
    }

    pub(super) fn matches(&self, line: &str, cores_free: bool) -> bool {
        matches!(self.check(line, cores_free), LineMatch::Yes)
    }

    /// The numbers `line` holds at this pattern's placeholders (it must match).
    pub(super) fn numbers<'a>(&'a self, line: &'a str) -> Vec<(&'a Bound, &'a str)> {
        let mut numbers = Vec::new();
        match_parts(&self.parts, line, &mut numbers);
        numbers
    }
}

fn take_text(text: &mut String) -> Option<Part> {
    (!text.is_empty()).then(|| Part::Text(std::mem::take(text)))
}

pub(super) enum LineMatch {
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
pub(super) fn number_len(s: &str) -> usize {
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
    pub(super) fn parse(inner: &str, n: usize) -> Result<Bound, ParseError> {
        let (range, flag) = match inner.split_once('|') {
            Some((r, f)) => (r.trim(), Some(f.trim())),
            None => (inner.trim(), None),
        };
        let kind = match flag {
            None => Kind::Check,
            Some("free-cores") => Kind::FreeCores,
            Some(other) => {
                return err(
                    n,
                    format!("unknown condition `{other}` (known: free-cores)"),
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

    pub(super) fn enforced(&self, cores_free: bool) -> bool {
        match self.kind {
            Kind::Check => true,
            Kind::FreeCores => cores_free,
        }
    }

    /// Why `value` is outside the bounds, or `None` if it is inside.
    pub(super) fn violation(&self, value: &str) -> Option<String> {
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
    pub(super) fn parse(s: &str) -> Option<Num> {
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

    pub(super) fn cmp(self, other: Num) -> std::cmp::Ordering {
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => a.cmp(&b),
            (a, b) => a.as_f64().total_cmp(&b.as_f64()),
        }
    }

    pub(super) fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}
