//! Matching a stream's patterns against output lines: ordered lines, `...`,
//! `@optional`, `@any-order` groups (a bipartite matching) and
//! `@interleaved` lanes, backtracking with memoized dead states, and the
//! furthest point reached for the failure message.

use std::collections::HashSet;

use super::pattern::LineMatch;
use super::*;

/// Most lines of one output stream that are matched.
pub(super) const MAX_OUTPUT_LINES: usize = 20_000;

impl Stream {
    pub(super) fn patterns(&self) -> impl Iterator<Item = &Pattern> {
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

    /// Output longer than this is refused, not matched: matching costs up to
    /// output lines x spec lines (see `xtask/README.md`), and no example
    /// prints a tenth of it.
    pub(super) fn check(
        &self,
        name: &'static str,
        text: &str,
        cores_free: bool,
        verdict: &mut Verdict,
    ) {
        let lines: Vec<&str> = text.lines().collect();
        if lines.len() > MAX_OUTPUT_LINES {
            verdict.failures.push(Failure {
                stream: Some(name),
                spec_line: None,
                output_line: None,
                reason: format!(
                    "printed {} lines on {name}; the verifier matches at most \
                     {MAX_OUTPUT_LINES} (a runaway example, or a spec for another program)",
                    lines.len()
                ),
                free_cores: false,
            });
            return;
        }
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
