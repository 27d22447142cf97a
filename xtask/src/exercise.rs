//! `cargo xtask exercise`: the "what to try" edits as graded exercises.
//!
//! An exercise `NAME` of an example crate `<package>` is, as in rustlings,
//! a learner's file and everything else kept apart:
//!
//! - `<package>/exercises/NAME.rs`: the file the learner edits, the only
//!   file in that folder; a `[[example]]` of its package, so cargo, clippy,
//!   rustfmt and an editor see it (`cargo run -p <package> --example NAME`);
//! - `<package>/solutions/NAME.rs`: a reference solution, opened on purpose;
//! - `<package>/expected/exercises/`: the grader's `NAME.txt` (the spec of
//!   the solved program), `NAME.hints` (a general hint, then one per check
//!   that can fail) and `NAME.starter.rs`, the file as handed out, which
//!   `--reset` copies back (a copy, not git: it works in a tarball and
//!   whatever the learner committed);
//! - `xtask/tests/fixtures/exercises/NAME.wrong.rs`: a plausible wrong
//!   solution, the grader's own test fixture (`tests/exercises.rs` makes
//!   sure it fails).
//!
//! The file to grade is built as a project of its own, exactly as `copies`
//! builds a copied example (its `//!` header states its dependencies), then
//! run against the spec by `verify::check_all`.
//!
//! `docs/exercises.md` is the teachers' guide; the hint format is below
//! ([`Hints::parse`]).

use std::collections::hash_map::DefaultHasher;
use std::fmt::Write as _;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::catalog::{self, Example, Executables};
use crate::copies::{self, Project};
use crate::cores;
use crate::report::{Outcome, Row};
use crate::spec::{Failure, Machine, Spec};
use crate::verify::{self, Error};

/// The program files of one exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// `exercises/NAME.rs`: the learner's file.
    Learner,
    /// `expected/exercises/NAME.starter.rs`: the file as handed out.
    Starter,
    /// `solutions/NAME.rs`: a reference solution.
    Solution,
    /// `xtask/tests/fixtures/exercises/NAME.wrong.rs`: a plausible wrong
    /// solution, which must fail.
    Wrong,
}

impl Variant {
    pub const ALL: [Variant; 4] = [
        Variant::Learner,
        Variant::Starter,
        Variant::Solution,
        Variant::Wrong,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Variant::Learner => "learner",
            Variant::Starter => "starter",
            Variant::Solution => "solution",
            Variant::Wrong => "wrong",
        }
    }

    fn from_label(label: &str) -> Option<Variant> {
        Variant::ALL.into_iter().find(|v| v.label() == label)
    }
}

/// One exercise, its spec and its hints read and checked.
#[derive(Debug, Clone)]
pub struct Exercise {
    pub name: String,
    pub package: String,
    /// The workspace root.
    pub root: PathBuf,
    pub spec: Spec,
    pub hints: Hints,
}

impl Exercise {
    pub fn file(&self, variant: Variant) -> PathBuf {
        let package = self.root.join(&self.package);
        let name = &self.name;
        match variant {
            Variant::Learner => package.join(format!("exercises/{name}.rs")),
            Variant::Starter => package.join(format!("expected/exercises/{name}.starter.rs")),
            Variant::Solution => package.join(format!("solutions/{name}.rs")),
            Variant::Wrong => self
                .root
                .join(format!("xtask/tests/fixtures/exercises/{name}.wrong.rs")),
        }
    }

    /// The grader's folder for this exercise's package.
    fn grader_dir(&self) -> PathBuf {
        self.root.join(&self.package).join("expected/exercises")
    }

    pub fn spec_path(&self) -> PathBuf {
        self.grader_dir().join(format!("{}.txt", self.name))
    }

    pub fn hints_path(&self) -> PathBuf {
        self.grader_dir().join(format!("{}.hints", self.name))
    }

    /// The command that runs the learner's file.
    pub fn run_command(&self) -> String {
        format!("cargo run -p {} --example {}", self.package, self.name)
    }

    /// A path relative to the workspace root, for messages.
    pub fn display(&self, root: &Path, path: &Path) -> String {
        path.strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

/// What a failed check is keyed by in a hints file.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    /// Spec lines `first..=last` of `NAME.txt` (one line: `first == last`).
    Lines(usize, usize),
    /// A check that has no spec line: see [`WORDS`].
    Word(&'static str),
}

/// The keys for checks without a pattern line: the exit status (or a
/// signal), the time limit, the `wall:` bounds, processes left behind, and
/// a stream whose failure names no spec line (output where none was
/// expected, or a stream without a section that was not empty).
pub const WORDS: [&str; 6] = ["status", "timeout", "wall", "left", "stdout", "stderr"];

/// The hints of one exercise: `KEY: hint`, one a line.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// `hint: ...`: the exercise's general hint (`--hint`).
    pub general: Option<String>,
    entries: Vec<(Key, String)>,
    /// Variants whose failure shows only when two threads or processes run
    /// at the same moment (a lost update): a pass of theirs on busy cores is
    /// "not judged", not a broken exercise. Only the test reads it.
    pub free_cores: Vec<Variant>,
}

impl Hints {
    /// Parses a hints file. Blank lines and `# ` comments are skipped; one
    /// line `hint: ...` is the general hint, every
    /// other line is `KEY: hint`, where KEY is a spec line number of
    /// `NAME.txt` (`16`), a range of them (`9-13`, for a block whose
    /// failure may name any of its lines), or one of [`WORDS`]. One more
    /// line, `@free-cores starter wrong`, names the variants whose failure
    /// needs two threads at the same moment. A numbered key must name a
    /// pattern line of the spec (`spec_text`): after the first `---`, not
    /// blank, not a comment. Errors are `line: what is wrong`.
    pub fn parse(text: &str, spec_text: &str) -> Result<Hints, String> {
        let spec_lines: Vec<&str> = spec_text.lines().collect();
        let body_start = spec_lines
            .iter()
            .position(|l| l.starts_with("--- "))
            .unwrap_or(spec_lines.len());
        let is_pattern = |n: usize| {
            n > body_start
                && spec_lines.get(n - 1).is_some_and(|l| {
                    let l = l.trim();
                    !l.is_empty() && !l.starts_with("# ") && !l.starts_with("--- ")
                })
        };
        let mut hints = Hints::default();
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(rest) = line.strip_prefix("@free-cores") {
                for word in rest.split_whitespace() {
                    match Variant::from_label(word) {
                        Some(v) if v != Variant::Learner => hints.free_cores.push(v),
                        _ => {
                            return Err(format!(
                                "{n}: `@free-cores` takes starter, solution or wrong, not `{word}`"
                            ));
                        }
                    }
                }
                continue;
            }
            let (key, hint) = line
                .split_once(':')
                .ok_or_else(|| format!("{n}: expected `KEY: hint`"))?;
            let (key, hint) = (key.trim(), hint.trim());
            if hint.is_empty() {
                return Err(format!("{n}: the hint for `{key}` is empty"));
            }
            if key == "hint" {
                if hints.general.replace(hint.to_string()).is_some() {
                    return Err(format!("{n}: a second general hint"));
                }
                continue;
            }
            let key = if let Some(word) = WORDS.iter().find(|w| **w == key) {
                Key::Word(word)
            } else {
                let (a, b) = key.split_once('-').unwrap_or((key, key));
                let parse = |s: &str| s.trim().parse::<usize>().ok();
                let (Some(a), Some(b)) = (parse(a), parse(b)) else {
                    return Err(format!(
                        "{n}: `{key}` is not `hint`, a spec line (`16`), a range (`9-13`) or one of {}",
                        WORDS.join(", ")
                    ));
                };
                if a > b {
                    return Err(format!("{n}: the range `{key}` runs backwards"));
                }
                if let Some(bad) = (a..=b).find(|&l| !is_pattern(l)) {
                    return Err(format!(
                        "{n}: spec line {bad} is not a pattern line of the spec"
                    ));
                }
                Key::Lines(a, b)
            };
            if hints.entries.iter().any(|(k, _)| *k == key) {
                return Err(format!("{n}: a second hint for `{}`", describe(&key)));
            }
            hints.entries.push((key, hint.to_string()));
        }
        if hints.general.is_none() {
            return Err("the general hint (`hint: ...`) is missing".to_string());
        }
        Ok(hints)
    }

    /// The hint for one failed check: the first entry whose line range
    /// holds its spec line, else the entry of its kind or stream.
    pub fn for_failure(&self, f: &Failure) -> Option<&str> {
        let find = |want: &dyn Fn(&Key) -> bool| {
            self.entries
                .iter()
                .find(|(k, _)| want(k))
                .map(|(_, h)| h.as_str())
        };
        let by_line = f.spec_line.as_ref().and_then(|(n, _)| {
            find(&|k: &Key| matches!(*k, Key::Lines(a, b) if (a..=b).contains(n)))
        });
        by_line.or_else(|| {
            let word = failure_word(f)?;
            find(&|k: &Key| *k == Key::Word(word))
        })
    }
}

fn describe(key: &Key) -> String {
    match key {
        Key::Lines(a, b) if a == b => a.to_string(),
        Key::Lines(a, b) => format!("{a}-{b}"),
        Key::Word(w) => w.to_string(),
    }
}

/// The word key of a failure: its stream, or for a check of the whole run
/// the kind read from the verifier's reason (the tests below pin those
/// reasons, so a rewording cannot silently lose the hints).
fn failure_word(f: &Failure) -> Option<&'static str> {
    if let Some(stream) = f.stream {
        return WORDS.iter().copied().find(|w| *w == stream);
    }
    let r = f.reason.as_str();
    Some(if r.starts_with("timed out") {
        "timeout"
    } else if r.starts_with("exit status") || r.starts_with("killed by signal") {
        "status"
    } else if r.starts_with("wall time") {
        "wall"
    } else if r.contains("left processes") {
        "left"
    } else {
        return None;
    })
}

/// Every exercise of the workspace, in guide order (section, then name):
/// one per spec in an `examples-*/expected/exercises/`. Every file an
/// exercise needs must be there and parse, and its name must be no binary
/// of its package: a missing file, a bad spec or hint line, or a clash is
/// one error line (bad input).
pub fn load(root: &Path) -> Result<Vec<Exercise>, String> {
    let mut exercises = Vec::new();
    let mut packages: Vec<String> = fs::read_dir(root)
        .map_err(|e| format!("{}: {e}", root.display()))?
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with("examples-") && root.join(n).join("expected/exercises").is_dir())
        .collect();
    packages.sort();
    for package in packages {
        let dir = root.join(&package).join("expected/exercises");
        let mut names: Vec<String> = fs::read_dir(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                name.strip_suffix(".txt").map(String::from)
            })
            .collect();
        names.sort();
        for name in names {
            exercises.push(load_one(root, &package, name)?);
        }
    }
    for (i, e) in exercises.iter().enumerate() {
        if let Some(twin) = exercises[..i].iter().find(|o| o.name == e.name) {
            return Err(format!(
                "two exercises are named `{}` ({} and {})",
                e.name, twin.package, e.package
            ));
        }
    }
    exercises.sort_by(|a, b| {
        (catalog::section_rank(&a.spec.section), &a.name)
            .cmp(&(catalog::section_rank(&b.spec.section), &b.name))
    });
    Ok(exercises)
}

fn load_one(root: &Path, package: &str, name: String) -> Result<Exercise, String> {
    let rel = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
    let read = |p: &Path| fs::read_to_string(p).map_err(|e| format!("{}: {e}", rel(p)));
    let bin = root.join(package).join(format!("src/bin/{name}.rs"));
    if bin.is_file() {
        return Err(format!(
            "{}: an exercise and a binary of {package} are both named `{name}`; rename the exercise",
            rel(&bin)
        ));
    }
    let grader = root.join(package).join("expected/exercises");
    let spec_path = grader.join(format!("{name}.txt"));
    let spec_text = read(&spec_path)?;
    let spec = Spec::parse(&spec_text).map_err(|e| format!("{}:{e}", rel(&spec_path)))?;
    let hints_path = grader.join(format!("{name}.hints"));
    let hints = Hints::parse(&read(&hints_path)?, &spec_text)
        .map_err(|e| format!("{}:{e}", rel(&hints_path)))?;
    let exercise = Exercise {
        name,
        package: package.to_string(),
        root: root.to_path_buf(),
        spec,
        hints,
    };
    for v in Variant::ALL {
        let path = exercise.file(v);
        if !path.is_file() {
            return Err(format!(
                "{}: missing (an exercise has its {} file here; docs/exercises.md)",
                rel(&path),
                v.label()
            ));
        }
    }
    Ok(exercise)
}

/// Picks one exercise by name; an unknown name points at the list.
pub fn find<'a>(exercises: &'a [Exercise], name: &str) -> Result<&'a Exercise, String> {
    exercises
        .iter()
        .find(|e| e.name == name)
        .ok_or_else(|| format!("no exercise named `{name}` (see `cargo xtask exercise`)"))
}

/// The result of grading one file of an exercise.
#[derive(Debug)]
pub struct Graded {
    /// The last run's row (verdict, wall and CPU time).
    pub row: Row,
    /// Were the cores free during the run? From the verdict when the spec
    /// has free-cores checks, else judged here over the run's interval.
    pub machine: Machine,
}

impl Graded {
    pub fn outcome(&self) -> Outcome {
        self.row.outcome
    }
}

/// Where grading puts its projects: `target/exercises/`.
pub fn work_dir(root: &Path) -> Result<PathBuf, Error> {
    catalog::target_dir(root)
        .map(|t| t.join("exercises"))
        .map_err(|message| Error { message, status: 2 })
}

/// Builds one file of the exercise as a project of its own and runs it
/// against the spec (`verify::check_all`, which prints the progress line,
/// the details of a failure and the summary). The learner's file goes to
/// `target/exercises/NAME/`, the others to `target/exercises/<variant>/NAME/`;
/// all share one target directory.
pub fn grade(root: &Path, e: &Exercise, variant: Variant) -> Result<Graded, Error> {
    let work = work_dir(root)?;
    let path = e.file(variant);
    let source = fs::read_to_string(&path).map_err(|err| Error {
        message: format!("{}: {err}", e.display(root, &path)),
        status: 2,
    })?;
    let needs = copies::needs(&source).map_err(|why| Error {
        message: format!("{}: {why}", e.display(root, &path)),
        status: 2,
    })?;
    let (dir, package) = match variant {
        Variant::Learner => (work.join(&e.name), e.name.clone()),
        v => (
            work.join(v.label()).join(&e.name),
            format!("{}-{}", e.name, v.label()),
        ),
    };
    let exe = copies::build_project(&Project {
        dir: &dir,
        name: &package,
        source: &source,
        needs: &needs,
        lock: &root.join("Cargo.lock"),
        target_dir: &work.join("target"),
    })?;
    let example = Example {
        package: e.package.clone(),
        bin: e.name.clone(),
        default_run: false,
        spec_path: e.spec_path(),
        spec: e.spec.clone(),
    };
    let mut bins = Executables::new();
    bins.insert((example.package.clone(), example.bin.clone()), exe);
    let before = cores::snapshot();
    let report = verify::check_all(root, &bins, std::slice::from_ref(&example), 1, "");
    let after = cores::snapshot();
    let row = report.rows.into_iter().last().ok_or_else(|| Error {
        message: format!("`{}` produced no run", e.name),
        status: 1,
    })?;
    let machine = match (&row.verdict.cores, before.zip(after)) {
        (Some(c), _) => Machine {
            free: c.enforced,
            evidence: c.evidence.clone(),
        },
        (None, Some((b, a))) => cores::judge(b, a, row.wall, row.cpu),
        (None, None) => Machine {
            free: false,
            evidence: "no evidence about the machine".to_string(),
        },
    };
    Ok(Graded { row, machine })
}

/// What a learner reads after the verifier's own report: each failed check
/// with its spec line, the output line and the hint; the checks not graded
/// because the cores were busy, with the evidence; and what to do next.
pub fn explain(root: &Path, e: &Exercise, g: &Graded) -> String {
    let spec = e.display(root, &e.spec_path());
    let mut out = String::new();
    let verdict = &g.row.verdict;
    let state = match g.outcome() {
        Outcome::Passed => "solved",
        Outcome::Skipped => "not judged: the cores were busy",
        Outcome::Failed => "not yet",
    };
    writeln!(
        out,
        "\n== exercise {} (guide {}): {state}",
        e.name,
        section_label(&e.spec.section)
    )
    .unwrap();
    let mut shown: Vec<&str> = Vec::new();
    for f in &verdict.failures {
        match &f.spec_line {
            Some((n, text)) => writeln!(out, "  failed: {spec}:{n}: {text}").unwrap(),
            None => writeln!(out, "  failed: {}", f.reason).unwrap(),
        }
        if let Some((n, text)) = &f.output_line {
            writeln!(out, "    output line {n}: {text}").unwrap();
        }
        if f.spec_line.is_some() {
            writeln!(out, "    why: {}", f.reason).unwrap();
        }
        match e.hints.for_failure(f) {
            Some(h) if shown.contains(&h) => writeln!(out, "    hint: (as above)").unwrap(),
            Some(h) => {
                shown.push(h);
                writeln!(out, "    hint: {h}").unwrap();
            }
            None => writeln!(out, "    hint: none for this check").unwrap(),
        }
    }
    if let Some(c) = verdict.cores.as_ref().filter(|c| !c.enforced) {
        for s in &verdict.skipped {
            writeln!(
                out,
                "  not graded (needs two free cores): {spec}:{}: printed {} for {{{}}}",
                s.spec_line, s.value, s.bounds
            )
            .unwrap();
        }
        writeln!(out, "    the cores were busy; the evidence:").unwrap();
        writeln!(out, "      {}", c.evidence).unwrap();
    }
    let file = e.display(root, &e.file(Variant::Learner));
    match g.outcome() {
        Outcome::Passed => writeln!(
            out,
            "Solved: every check of {spec} passed. The reference solution: `cargo xtask exercise {} --solution`.",
            e.name
        ),
        Outcome::Skipped => writeln!(
            out,
            "Every check that could be graded passed; run `cargo xtask exercise {}` again when the machine is quieter.",
            e.name
        ),
        Outcome::Failed => writeln!(
            out,
            "Edit {file} and run `cargo xtask exercise {}` again (`--solution` shows a reference solution).",
            e.name
        ),
    }
    .unwrap();
    out
}

/// The status cached from an exercise's last grading: the outcome and a
/// hash of the file that was graded, in `target/exercises/status/NAME`.
fn status_path(work: &Path, name: &str) -> PathBuf {
    work.join("status").join(name)
}

fn hash(source: &str) -> String {
    let mut h = DefaultHasher::new();
    source.hash(&mut h);
    format!("{:016x}", h.finish())
}

fn label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => "solved",
        Outcome::Skipped => "not judged",
        Outcome::Failed => "not yet",
    }
}

/// Remembers the outcome of grading the learner's file. A cache that cannot
/// be written costs only the list's status, so it is a warning.
pub fn remember(work: &Path, e: &Exercise, source: &str, outcome: Outcome) {
    let path = status_path(work, &e.name);
    let written = path
        .parent()
        .map_or(Ok(()), fs::create_dir_all)
        .and_then(|()| fs::write(&path, format!("{}\n{}\n", label(outcome), hash(source))));
    if let Err(err) = written {
        eprintln!("warning: cannot write {}: {err}", path.display());
    }
}

/// The status shown in the list, without building or running anything.
pub fn status(work: &Path, e: &Exercise) -> String {
    let Ok(source) = fs::read_to_string(e.file(Variant::Learner)) else {
        return "missing".to_string();
    };
    let cached = fs::read_to_string(status_path(work, &e.name)).unwrap_or_default();
    let mut lines = cached.lines();
    match (lines.next(), lines.next()) {
        (Some(outcome), Some(h)) if h == hash(&source) => outcome.to_string(),
        (Some(_), Some(_)) => "edited since graded".to_string(),
        _ if fs::read_to_string(e.file(Variant::Starter)).ok() == Some(source) => {
            "not yet (untouched)".to_string()
        }
        _ => "not graded".to_string(),
    }
}

/// `§5` for a numbered section, `tip 6` as it is.
fn section_label(section: &str) -> String {
    if section.chars().all(|c| c.is_ascii_digit()) {
        format!("§{section}")
    } else {
        section.to_string()
    }
}

/// The list: one block per exercise, in guide order.
pub fn render_list(root: &Path, work: &Path, exercises: &[Exercise]) -> String {
    let width = exercises.iter().map(|e| e.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for e in exercises {
        let section = section_label(&e.spec.section);
        writeln!(
            out,
            "{section:<7} {:<width$}  {:<20} {}",
            e.name,
            status(work, e),
            e.display(root, &e.file(Variant::Learner))
        )
        .unwrap();
        writeln!(out, "{:<7} {:<width$}  {}", "", "", e.spec.about).unwrap();
    }
    writeln!(
        out,
        "\n{} exercises. Grade one: `cargo xtask exercise NAME`. The status is the \
         last grading's (kept in target/exercises/status/).",
        exercises.len()
    )
    .unwrap();
    out
}

/// What `cargo xtask exercise` does, by its flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Grade,
    Hint,
    Watch,
    Solution,
    Reset,
}

/// How often `--watch` looks at the file. Polling one small file costs
/// nothing measurable, works with every editor's way of saving (in place,
/// or a new file renamed over the old), on every system, with no crate.
const WATCH_POLL: Duration = Duration::from_millis(300);

/// Runs the command: the list, a grading, a hint, watching, the solution or
/// a reset. Returns the exit status: 0 solved (or done), 1 not yet, 2 bad
/// input.
pub fn run(root: &Path, name: Option<&str>, action: Action) -> Result<u8, Error> {
    let bad = |message| Error { message, status: 2 };
    let exercises = load(root).map_err(bad)?;
    let work = work_dir(root)?;
    if action == Action::Watch {
        return watch(root, &work, &exercises, name);
    }
    let Some(name) = name else {
        print!("{}", render_list(root, &work, &exercises));
        return Ok(0);
    };
    let e = find(&exercises, name).map_err(bad)?;
    let io = |path: &Path| {
        let shown = e.display(root, path);
        move |err: std::io::Error| Error {
            message: format!("{shown}: {err}"),
            status: 1,
        }
    };
    match action {
        Action::Hint => {
            println!(
                "{}: {}",
                e.name,
                e.hints.general.as_deref().unwrap_or("no hint")
            );
            Ok(0)
        }
        Action::Solution => {
            let path = e.file(Variant::Solution);
            let text = fs::read_to_string(&path).map_err(io(&path))?;
            println!("// {}", e.display(root, &path));
            print!("{text}");
            Ok(0)
        }
        Action::Reset => {
            let learner = e.file(Variant::Learner);
            let starter = e.file(Variant::Starter);
            let saved = work.join(&e.name).join("before-reset.rs");
            if let Ok(current) = fs::read_to_string(&learner) {
                fs::create_dir_all(work.join(&e.name)).map_err(io(&saved))?;
                fs::write(&saved, current).map_err(io(&saved))?;
            }
            fs::copy(&starter, &learner).map_err(io(&learner))?;
            let _ = fs::remove_file(status_path(&work, &e.name));
            println!(
                "{} restored as it was handed out ({}); the edited file was saved to {}",
                e.display(root, &learner),
                e.display(root, &starter),
                saved.display()
            );
            Ok(0)
        }
        Action::Grade | Action::Watch => {
            let outcome = grade_learner(root, &work, e)?;
            Ok(u8::from(outcome != Outcome::Passed))
        }
    }
}

/// Grades the learner's file and prints what the learner reads; a file that
/// does not compile is "not yet" (cargo has shown why).
fn grade_learner(root: &Path, work: &Path, e: &Exercise) -> Result<Outcome, Error> {
    let path = e.file(Variant::Learner);
    let source = fs::read_to_string(&path).map_err(|err| Error {
        message: format!("{}: {err}", e.display(root, &path)),
        status: 1,
    })?;
    let graded = match grade(root, e, Variant::Learner) {
        Ok(g) => g,
        Err(err) if err.status == 1 => {
            remember(work, e, &source, Outcome::Failed);
            println!(
                "\n== exercise {}: not yet: {}\nFix the compiler's errors above in {} and run `cargo xtask exercise {}` again.",
                e.name,
                err.message,
                e.display(root, &path),
                e.name
            );
            return Ok(Outcome::Failed);
        }
        Err(err) => return Err(err),
    };
    remember(work, e, &source, graded.outcome());
    print!("{}", explain(root, e, &graded));
    Ok(graded.outcome())
}

/// `--watch`, like `rustlings watch`: grades the exercise (`name`, else the
/// first in list order not solved), then again each time its file changes;
/// once it passes, moves on to the next one in list order. Ends when every
/// exercise from there on is solved, or on Ctrl-C, which the interrupt
/// handler turns into killing and reaping whatever grading was running.
fn watch(
    root: &Path,
    work: &Path,
    exercises: &[Exercise],
    name: Option<&str>,
) -> Result<u8, Error> {
    crate::interrupt::install();
    let mut at = match name {
        Some(n) => exercises
            .iter()
            .position(|e| e.name == n)
            .ok_or_else(|| Error {
                message: find(exercises, n).err().unwrap_or_default(),
                status: 2,
            })?,
        None => exercises
            .iter()
            .position(|e| status(work, e) != "solved")
            .unwrap_or(0),
    };
    loop {
        let e = &exercises[at];
        let path = e.file(Variant::Learner);
        let mut seen = fs::read(&path).ok();
        if grade_learner(root, work, e)? == Outcome::Passed {
            match exercises[at + 1..]
                .iter()
                .position(|next| status(work, next) != "solved")
            {
                Some(k) => {
                    at += 1 + k;
                    let next = &exercises[at];
                    println!(
                        "\n== next: {} (guide {}), {}: {}",
                        next.name,
                        section_label(&next.spec.section),
                        next.display(root, &next.file(Variant::Learner)),
                        next.spec.about
                    );
                    continue;
                }
                None => {
                    println!("\nEvery exercise from {} on is solved.", e.name);
                    return Ok(0);
                }
            }
        }
        println!(
            "\nWatching {} (run it: `{}`; Ctrl-C stops).",
            e.display(root, &path),
            e.run_command()
        );
        loop {
            std::thread::sleep(WATCH_POLL);
            let now = fs::read(&path).ok();
            if now != seen {
                seen = now;
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{Exit, Run};
    use std::time::Duration;

    const SPEC: &str = "\
section: 1
about: x
wall: {2.00..2.60}
timeout: 5s

--- stdout
# a comment
Starting
Total time: {2.00..2.10} seconds
";

    fn failures(stdout: &str, exit: Exit, wall: f64) -> Vec<Failure> {
        let spec = Spec::parse(SPEC).unwrap();
        let run = Run {
            exit,
            stdout: stdout.to_string(),
            stderr: "oops\n".to_string(),
            left_processes: true,
            wall: Duration::from_secs_f64(wall),
        };
        let machine = Machine {
            free: true,
            evidence: String::new(),
        };
        spec.check(&run, &machine).failures
    }

    #[test]
    fn hints_parse_and_refuse_bad_keys() {
        let h = Hints::parse(
            "# c\nhint: start here\n8-9: the lines\nwall: too quick\n@free-cores starter wrong\n",
            SPEC,
        )
        .unwrap();
        assert_eq!(h.free_cores, [Variant::Starter, Variant::Wrong]);
        assert_eq!(h.general.as_deref(), Some("start here"));
        let e = Hints::parse("8: lines\n", SPEC).unwrap_err();
        assert!(e.contains("general hint"), "{e}");
        for (bad, why) in [
            ("7: a comment line", "not a pattern line"),
            ("3: header", "not a pattern line"),
            ("42: past the end", "not a pattern line"),
            ("9-8: backwards", "backwards"),
            ("speed: x", "is not `hint`, a spec line"),
            ("8 no colon", "KEY: hint"),
            ("8:", "empty"),
            ("8: a\n8-8: b", "a second hint"),
            ("@free-cores learner", "takes starter"),
            ("hint: again", "a second general hint"),
        ] {
            let e = Hints::parse(&format!("hint: h\n{bad}"), SPEC).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn every_kind_of_failure_finds_its_hint() {
        let h = Hints::parse(
            "hint: h\n8-9: lines\nstatus: status\ntimeout: timeout\nwall: wall\nleft: left\nstderr: stderr\n",
            SPEC,
        )
        .unwrap();
        let hint_of = |fs: &[Failure]| -> Vec<String> {
            fs.iter()
                .map(|f| h.for_failure(f).unwrap_or("NONE").to_string())
                .collect()
        };
        let fs = failures("Starting\nTotal time: 6.00 seconds\n", Exit::Code(3), 6.0);
        assert_eq!(hint_of(&fs), ["status", "left", "wall", "lines", "stderr"]);
        let fs = failures("", Exit::TimedOut, 5.0);
        assert!(hint_of(&fs).contains(&"timeout".to_string()), "{fs:?}");
        let fs = failures("", Exit::Signal(9), 1.0);
        assert_eq!(hint_of(&fs)[0], "status");
    }
}
