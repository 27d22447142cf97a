//! A bounded fuzz test of the spec parser and matcher: arbitrary bytes and
//! arbitrary mutations of every real spec file are parsed, and whatever
//! parses is checked against random outputs and against its own lines. No
//! input may panic, and none may take long (the matcher is memoized, so many
//! `[..]`, `...` or overlapping group members cost polynomial time).
//!
//! Deterministic: a fixed seed, no dependencies. A panic reports the input.

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::time::{Duration, Instant};

use xtask::spec::{Exit, Machine, Run, Spec};

/// xorshift64*: small, fast, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Pieces of the spec language, and numbers that overflow things.
const TOKENS: &[&str] = &[
    "@",
    "@ ",
    "{",
    "}",
    "{{",
    "..",
    "..=",
    "|",
    "[..]",
    "[..][..][..]",
    "...",
    "0",
    "7",
    "-",
    ".",
    "3.25",
    "99999999999999999999999999999999999999999",
    "170141183460469231731687303715884105728",
    "1e20",
    "NaN",
    "inf",
    " | free-cores",
    " | evidence",
    " | ",
    "{..}",
    "{1.5..}",
    "{..=2}",
    "{2..1}",
    "\\",
    "# ",
    "\t",
    "é",
    "\u{0}",
    ":",
    " ",
];

/// Whole lines worth inserting.
const LINES: &[&str] = &[
    "@",
    "@ foo",
    "@optional",
    "@optional x",
    "@not",
    "@not [..]",
    "@any-order",
    "@interleaved",
    "@lane",
    "@next x",
    "@next [..]",
    "@end",
    "...",
    "--- stdout",
    "--- stderr",
    "timeout: 1e20s",
    "timeout: 10000000000000000000s",
    "timeout: 5ms",
    "status: 300",
    "status: 3",
    "wall: {0.5..1.5}",
    "wall: {..}",
    "mode: alone",
    "mode: beside-others",
    "args: 1 2",
    "section: 1",
    "about: x",
    "x {1.. | free-cores}",
    "y {..=1.2 | evidence}",
    "[..]",
    "",
    "\\",
    "# comment",
];

fn spec_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in fs::read_dir(&root).expect("the workspace root is readable") {
        let dir = dir.expect("a directory entry").path();
        let is_examples = dir
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("examples-"));
        let Ok(entries) = fs::read_dir(dir.join("expected")) else {
            continue;
        };
        if !is_examples {
            continue;
        }
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.extension().is_some_and(|e| e == "txt") {
                let text = fs::read_to_string(&path).expect("a spec file is UTF-8");
                files.push((path.display().to_string(), text));
            }
        }
    }
    files.sort();
    assert!(files.len() >= 10, "found only {} spec files", files.len());
    files
}

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    for _ in 0..=rng.below(4) {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let i = rng.below(lines.len());
        match rng.below(9) {
            0 => {
                lines.remove(i);
            }
            1 => {
                let copy = lines[i].clone();
                lines.insert(i, copy);
            }
            2 => {
                let j = rng.below(lines.len());
                lines.swap(i, j);
            }
            3 => lines.insert(i, rng.pick(LINES).to_string()),
            4 | 5 => {
                // A token inside a line, at a character boundary.
                let line = &mut lines[i];
                let cuts: Vec<usize> = line
                    .char_indices()
                    .map(|(k, _)| k)
                    .chain([line.len()])
                    .collect();
                let at = *rng.pick(&cuts);
                let token = rng.pick::<&str>(TOKENS);
                line.insert_str(at, token);
            }
            6 => {
                // Delete part of a line.
                let line = &mut lines[i];
                let cuts: Vec<usize> = line
                    .char_indices()
                    .map(|(k, _)| k)
                    .chain([line.len()])
                    .collect();
                let (a, b) = (*rng.pick(&cuts), *rng.pick(&cuts));
                line.replace_range(a.min(b)..a.max(b), "");
            }
            7 => {
                // Replace every digit run of a line with a huge number.
                let line: String = lines[i]
                    .split(|c: char| c.is_ascii_digit())
                    .collect::<Vec<_>>()
                    .join("99999999999999999999999999999999999999999999");
                lines[i] = line;
            }
            _ => {
                let n = 1 + rng.below(20);
                for _ in 0..n {
                    lines.insert(i, rng.pick(LINES).to_string());
                }
            }
        }
    }
    let mut out = lines.join("\n");
    if rng.chance(80) {
        out.push('\n');
    }
    out
}

fn random_bytes(rng: &mut Rng) -> String {
    let len = rng.below(300);
    let mut bytes = Vec::with_capacity(len);
    while bytes.len() < len {
        if rng.chance(50) {
            bytes.push(rng.next() as u8);
        } else if rng.chance(30) {
            bytes.extend_from_slice(rng.pick(LINES).as_bytes());
            bytes.push(b'\n');
        } else {
            bytes.extend_from_slice(rng.pick(TOKENS).as_bytes());
        }
    }
    // Sometimes with a valid header, so the body gets parsed too.
    let prefix = if rng.chance(50) {
        "section: 1\nabout: x\nmode: alone\n--- stdout\n"
    } else {
        ""
    };
    format!("{prefix}{}", String::from_utf8_lossy(&bytes))
}

/// An output that a spec's own lines suggest: directives dropped, numbers
/// and wildcards filled in (sometimes), lines shuffled a little (sometimes).
fn output_from(rng: &mut Rng, spec: &str) -> String {
    let mut lines = Vec::new();
    for line in spec.lines().skip_while(|l| !l.starts_with("--- ")) {
        if line.starts_with("--- ") || line.starts_with("# ") {
            continue;
        }
        let line = line
            .strip_prefix("@optional ")
            .or_else(|| line.strip_prefix("@next "))
            .unwrap_or(line);
        if line.starts_with('@') || line == "..." {
            continue;
        }
        let mut out = String::new();
        let mut rest = line;
        while !rest.is_empty() {
            if rng.chance(90)
                && let Some(after) = rest.strip_prefix("[..]")
            {
                out += *rng.pick(&["", "x", "pool-worker-1", "[..]", "1.5"]);
                rest = after;
            } else if rng.chance(90)
                && rest.starts_with('{')
                && let Some(close) = rest.find('}')
            {
                out += *rng.pick(&[
                    "0",
                    "1",
                    "2.05",
                    "3.00",
                    "-1",
                    "1000000",
                    "99999999999999999999999999999999999999999",
                ]);
                rest = &rest[close + 1..];
            } else {
                let c = rest.chars().next().expect("rest is not empty");
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        lines.push(out);
    }
    if rng.chance(50) && lines.len() > 1 {
        let (i, j) = (rng.below(lines.len()), rng.below(lines.len()));
        lines.swap(i, j);
    }
    if rng.chance(20) {
        lines.push("extra".to_string());
    }
    lines.join("\n") + "\n"
}

fn random_output(rng: &mut Rng) -> String {
    let n = rng.below(30);
    (0..n)
        .map(|_| {
            (0..rng.below(6))
                .map(|_| *rng.pick(TOKENS))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parses `text` and, if it parses, checks it against `outputs`; returns a
/// description of the panic, if any.
fn exercise(rng: &mut Rng, text: &str, outputs: &[String]) -> Result<bool, String> {
    let exits = [
        Exit::Code(0),
        Exit::Code(3),
        Exit::Signal(9),
        Exit::TimedOut,
    ];
    let exit = *rng.pick(&exits);
    let free = rng.chance(50);
    let wall = Duration::from_millis(rng.next() % 5000);
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let Ok(spec) = Spec::parse(text) else {
            return false;
        };
        let _ = spec.needs_free_cores();
        let _ = spec.wall_bounds();
        for (k, out) in outputs.iter().enumerate() {
            let run = Run {
                exit,
                stdout: out.clone(),
                stderr: if k % 2 == 0 {
                    String::new()
                } else {
                    out.clone()
                },
                left_processes: false,
                wall,
            };
            let machine = Machine {
                free,
                evidence: "fuzz".to_string(),
            };
            let verdict = spec.check(&run, &machine);
            let _ = (verdict.passed(), verdict.failed_only_on_free_cores());
        }
        true
    }));
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        format!("panicked ({message}) on spec {text:?} with outputs {outputs:?}")
    })
}

#[test]
fn no_spec_input_panics_or_takes_long() {
    let files = spec_files();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let start = Instant::now();
    let mut cases = 0;
    let mut parsed = 0;
    let mut slowest = (Duration::ZERO, String::new());
    let mut run_case = |rng: &mut Rng, text: String, outputs: Vec<String>| {
        let t = Instant::now();
        match exercise(rng, &text, &outputs) {
            Ok(did_parse) => parsed += usize::from(did_parse),
            Err(why) => panic!("{why}"),
        }
        let took = t.elapsed();
        if took > slowest.0 {
            slowest = (took, text);
        }
        cases += 1;
    };

    // The real specs, unchanged, against their own lines and noise.
    for (path, text) in &files {
        Spec::parse(text).unwrap_or_else(|e| panic!("{path}:{e}"));
        for _ in 0..5 {
            let outputs = vec![output_from(&mut rng, text), random_output(&mut rng)];
            run_case(&mut rng, text.clone(), outputs);
        }
    }
    // Mutations of the real specs.
    for _ in 0..2500 {
        let (_, original) = rng.pick(&files);
        let text = mutate(&mut rng, original);
        let outputs = vec![
            output_from(&mut rng, &text),
            output_from(&mut rng, original),
            random_output(&mut rng),
        ];
        run_case(&mut rng, text, outputs);
    }
    // Arbitrary bytes.
    for _ in 0..1000 {
        let text = random_bytes(&mut rng);
        let outputs = vec![output_from(&mut rng, &text), random_output(&mut rng)];
        run_case(&mut rng, text, outputs);
    }

    let (took, text) = slowest;
    eprintln!(
        "{cases} cases ({parsed} parsed and were matched) in {:.2} s; slowest {:.1} ms",
        start.elapsed().as_secs_f64(),
        took.as_secs_f64() * 1000.0
    );
    // Not vacuous: many mutated specs still parse and reach the matcher.
    assert!(parsed * 5 > cases, "only {parsed} of {cases} cases parsed");
    assert!(
        took < Duration::from_secs(1),
        "one case took {took:?}: {text:?}"
    );
}

#[test]
fn adversarial_patterns_stay_fast() {
    // Shapes that are exponential for a naive backtracking matcher.
    let header = "section: 1\nabout: x\nmode: beside-others\n--- stdout\n";
    let many_gaps = format!("{header}{}end\n", "...\nx\n".repeat(40));
    let many_wildcards = format!("{header}{}!\n", "[..]x".repeat(40));
    let group = format!("{header}@any-order\n{}z\n@end\n", "[..]\n".repeat(40));
    let lanes = format!(
        "{header}@interleaved\n{}@end\nz\n",
        "@lane\n[..]\n@optional [..]\n[..]\n".repeat(6)
    );
    for (text, out) in [
        (many_gaps, "x\n".repeat(400)),
        (many_wildcards, format!("{}\n", "x".repeat(400))),
        (group, "q\n".repeat(41)),
        (lanes, "q\n".repeat(19)),
    ] {
        let spec = Spec::parse(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        let t = Instant::now();
        let run = Run {
            exit: Exit::Code(0),
            stdout: out,
            stderr: String::new(),
            left_processes: false,
            wall: Duration::from_secs(1),
        };
        let machine = Machine {
            free: true,
            evidence: String::new(),
        };
        assert!(!spec.check(&run, &machine).passed());
        eprintln!("{:?}", t.elapsed());
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "{:?} for {text}",
            t.elapsed()
        );
    }
}
