//! Every binary of every `examples-*` crate opens with the same `//!` header:
//! paragraphs separated by exactly one blank `//!` line, the first starting
//! `Guide `, then one paragraph for each label below, each once and in that
//! order (a ```toml block may follow `Copy:`). The ten guide programs also
//! stay as thin as the guide: at most 15 header lines besides that block,
//! code within 1.4 x the guide's lines + 4, and no `thread::Builder`.

use std::fs;
use std::path::{Path, PathBuf};

use xtask::copies::GUIDE_PROGRAMS;

const LABELS: [&str; 6] = [
    "Run:",
    "Look for:",
    "What Rust changes:",
    "New here:",
    "Try:",
    "Copy:",
];

/// Lines of the guide's Python program for each section, counted as
/// `grep -cvE '^\s*(#|$)'` counts them on the program (lines that are
/// neither blank nor only a comment).
const GUIDE_LINES: [(&str, usize); 10] = [
    ("sync", 14),
    ("thread", 14),
    ("multithreading", 19),
    ("gil", 18),
    ("race", 22),
    ("deadlock", 28),
    ("process", 16),
    ("multiprocessing", 27),
    ("async-await", 16),
    ("event-loop", 14),
];

const MAX_HEADER_LINES: usize = 15;

/// The leading `//!` lines: (line number from 1, text after `//!` and one space).
fn header(source: &str) -> Vec<Line<'_>> {
    source
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .enumerate()
        .map(|(i, l)| {
            let text = &l[3..];
            (i + 1, text.strip_prefix(' ').unwrap_or(text))
        })
        .collect()
}

fn is_fence_start(text: &str) -> bool {
    text.trim_start().starts_with("```")
}

/// A numbered header line: (line number from 1, its text).
type Line<'a> = (usize, &'a str);

/// The header's paragraphs (a fenced block is one, blank lines and all),
/// and a problem for every blank line that is not a single separator.
fn paragraphs<'a>(file: &str, lines: &[Line<'a>]) -> (Vec<Vec<Line<'a>>>, Vec<String>) {
    let mut paras: Vec<Vec<Line>> = Vec::new();
    let mut problems = Vec::new();
    let mut current: Vec<Line> = Vec::new();
    let mut in_fence = false;
    let mut blank_before = false;
    for &(n, text) in lines {
        if in_fence {
            current.push((n, text));
            in_fence = text.trim() != "```";
        } else if text.trim().is_empty() {
            if current.is_empty() {
                let why = if paras.is_empty() {
                    "the header starts with a blank `//!` line"
                } else {
                    "two blank `//!` lines in a row: one separates paragraphs"
                };
                problems.push(format!("{file}:{n}: {why}"));
            } else {
                paras.push(std::mem::take(&mut current));
            }
            blank_before = true;
            continue;
        } else {
            in_fence = is_fence_start(text);
            current.push((n, text));
        }
        blank_before = false;
    }
    if blank_before {
        let n = lines.last().map_or(1, |&(n, _)| n);
        problems.push(format!(
            "{file}:{n}: the header ends with a blank `//!` line"
        ));
    }
    if in_fence {
        problems.push(format!("{file}: a ``` block in the header is not closed"));
    }
    if !current.is_empty() {
        paras.push(current);
    }
    (paras, problems)
}

/// Every way `source`'s header departs from the layout, as `file:line: what`.
fn layout_problems(file: &str, source: &str) -> Vec<String> {
    let lines = header(source);
    let Some(&(last, _)) = lines.last() else {
        return vec![format!("{file}:1: no `//!` header")];
    };
    let (paras, mut problems) = paragraphs(file, &lines);
    let mut paras = paras.iter();
    if let Some(&(n, text)) = paras.next().map(|first| &first[0])
        && !text.starts_with("Guide ")
    {
        problems.push(format!(
            "{file}:{n}: the first paragraph must start with `Guide ` (`Guide §N, topic:`)"
        ));
    }
    let mut next = 0;
    for para in paras {
        let (n, text) = para[0];
        if next < LABELS.len() && text.starts_with(LABELS[next]) {
            next += 1;
        } else if next == LABELS.len() && is_fence_start(text) {
            // The ```toml block of `Copy: add to Cargo.toml:`.
        } else if let Some(label) = LABELS.iter().find(|l| text.starts_with(**l)) {
            let wanted = LABELS
                .get(next)
                .map_or("nothing".to_string(), |l| format!("`{l}`"));
            problems.push(format!(
                "{file}:{n}: `{label}` repeated or out of order (expected {wanted} here)"
            ));
        } else {
            let wanted = LABELS
                .get(next)
                .map_or("nothing".to_string(), |l| format!("`{l}`"));
            problems.push(format!(
                "{file}:{n}: a paragraph with no label (expected {wanted}; the labels are {LABELS:?})"
            ));
        }
    }
    if next < LABELS.len() {
        problems.push(format!(
            "{file}:{last}: the header ends without {:?}",
            &LABELS[next..]
        ));
    }
    problems
}

/// `//!` lines before the code, not counting a fenced block's lines.
fn header_lines(source: &str) -> usize {
    let mut in_fence = false;
    let mut count = 0;
    for (_, text) in header(source) {
        if in_fence || is_fence_start(text) {
            in_fence = !(in_fence && text.trim() == "```");
        } else {
            count += 1;
        }
    }
    count
}

/// Lines that are neither blank nor only a comment: `grep -cvE '^\s*(//|$)'`.
fn code_lines(source: &str) -> usize {
    source
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            !t.is_empty() && !t.starts_with("//")
        })
        .count()
}

/// What keeps a guide program from being as thin as the guide's `python` lines.
fn thinness_problems(file: &str, source: &str, python: usize) -> Vec<String> {
    let mut problems = Vec::new();
    let head = header_lines(source);
    if head > MAX_HEADER_LINES {
        problems.push(format!(
            "{file}:1: {head} header lines besides the ```toml block, at most {MAX_HEADER_LINES}"
        ));
    }
    let code = code_lines(source);
    // 1.4 x python + 4, in whole tenths so that no float rounds.
    if code * 10 > python * 14 + 40 {
        problems.push(format!(
            "{file}:1: {code} code lines, at most {} (1.4 x the guide's {python} + 4)",
            (python * 14 + 40) / 10
        ));
    }
    for (i, line) in source.lines().enumerate() {
        if line.contains("Builder") {
            problems.push(format!(
                "{file}:{}: `Builder` in a guide program: call `thread::spawn` and let a refusal panic",
                i + 1
            ));
        }
    }
    problems
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

/// Every `examples-*/src/bin/*.rs`, as (path from the root, binary name).
fn binaries() -> Vec<(String, String)> {
    let mut bins = Vec::new();
    for krate in fs::read_dir(root()).expect("read the workspace root") {
        let krate = krate.expect("a directory entry").path();
        let name = krate.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(files) = fs::read_dir(krate.join("src/bin")) else {
            continue;
        };
        if !name.starts_with("examples-") {
            continue;
        }
        for file in files {
            let path = file.expect("a directory entry").path();
            if path.extension().is_some_and(|e| e == "rs") {
                let bin = path.file_stem().unwrap().to_string_lossy().into_owned();
                let shown = path.strip_prefix(root()).unwrap().display().to_string();
                bins.push((shown, bin));
            }
        }
    }
    bins.sort();
    bins
}

fn read(file: &str) -> String {
    fs::read_to_string(root().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn every_binary_has_the_header_layout() {
    let bins = binaries();
    assert!(bins.len() > 20, "found only {bins:?}");
    let problems: Vec<String> = bins
        .iter()
        .flat_map(|(file, _)| layout_problems(file, &read(file)))
        .collect();
    assert!(
        problems.is_empty(),
        "{} header problems (the layout: `Guide ...`, then {LABELS:?}):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn guide_programs_are_as_thin_as_the_guide() {
    let names: Vec<&str> = GUIDE_LINES.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        names, GUIDE_PROGRAMS,
        "GUIDE_LINES must list the guide programs"
    );
    let bins = binaries();
    let mut problems = Vec::new();
    for (name, python) in GUIDE_LINES {
        let Some((file, _)) = bins.iter().find(|(_, bin)| bin == name) else {
            problems.push(format!("no examples-*/src/bin/{name}.rs"));
            continue;
        };
        problems.extend(thinness_problems(file, &read(file), python));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

const GOOD: &str = r#"//! Guide §10, async/await: two tasks wait at once.
//!
//! Run: `cargo run -p examples-async`
//!
//! Look for: `Total time: 2.00 seconds`.
//!
//! What Rust changes: futures are lazy.
//!
//! New here: `async fn`, `.await`.
//!
//! Try: await one task, then the other: 3 s.
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//!
//! tokio = { version = "1.48", features = ["rt"] }
//! ```

fn main() {
    println!("one code line, and this is two");
}
"#;

const BAD: &str = r#"//! Section 10: two tasks.
//! Look for: the total.
//!
//! Run: `cargo run -p examples-async`
//!
//!
//! What Rust changes: futures are lazy. Try: await them in turn.
//!
//! Builder, and a paragraph with no label.
//!
//! Copy: std only, no dependencies.
fn main() {}
"#;

#[test]
fn a_good_header_passes() {
    assert_eq!(layout_problems("good.rs", GOOD), Vec::<String>::new());
    assert_eq!(header_lines(GOOD), 14);
    assert_eq!(code_lines(GOOD), 3);
    assert_eq!(thinness_problems("good.rs", GOOD, 1), Vec::<String>::new());
}

#[test]
fn a_bad_header_fails_with_file_and_line() {
    let problems = layout_problems("bad.rs", BAD);
    let expected = [
        "bad.rs:6: two blank `//!` lines in a row: one separates paragraphs",
        "bad.rs:1: the first paragraph must start with `Guide ` (`Guide §N, topic:`)",
        "bad.rs:7: `What Rust changes:` repeated or out of order (expected `Look for:` here)",
        "bad.rs:9: a paragraph with no label (expected `Look for:`; the labels are \
         [\"Run:\", \"Look for:\", \"What Rust changes:\", \"New here:\", \"Try:\", \"Copy:\"])",
        "bad.rs:11: `Copy:` repeated or out of order (expected `Look for:` here)",
        "bad.rs:11: the header ends without [\"Look for:\", \"What Rust changes:\", \
         \"New here:\", \"Try:\", \"Copy:\"]",
    ];
    assert_eq!(problems, expected);
    assert_eq!(
        thinness_problems("bad.rs", BAD, 0),
        ["bad.rs:9: `Builder` in a guide program: call `thread::spawn` and let a refusal panic"]
    );
    let long = format!(
        "{}fn main() {{\n    a();\n    b();\n}}\n",
        "//! Guide.\n".repeat(16)
    );
    assert_eq!(
        thinness_problems("long.rs", &long, 0),
        ["long.rs:1: 16 header lines besides the ```toml block, at most 15"]
    );
    let five = format!("{long}fn more() {{}}\n");
    assert_eq!(
        thinness_problems("five.rs", &five, 0)[1],
        "five.rs:1: 5 code lines, at most 4 (1.4 x the guide's 0 + 4)"
    );
}
