//! `cargo xtask copies`: does every example copy into a reader's project?
//!
//! A reader pastes a binary into a fresh `cargo new` project and adds the
//! `[dependencies]` lines its header states. This task does exactly that for
//! every binary that does not use its crate's library: a project per binary
//! under `target/copies/`, its `Cargo.toml` the header's lines and nothing
//! else, the workspace's `Cargo.lock` (so versions are the ones verified),
//! an offline build in the dev profile (what `cargo run` gives the reader;
//! the header must state a profile that its numbers need), then a run
//! against the binary's own spec. All projects share one target directory,
//! so each dependency compiles once per feature set.
//!
//! The ten guide programs must copy; the others are listed with the reason
//! when they cannot.

use std::fs;
use std::path::{Path, PathBuf};

use crate::catalog::{self, Executables};
use crate::run;
use crate::verify::{self, Error, Report};

/// The guide's own programs, one per section that has one: these must copy.
pub const GUIDE_PROGRAMS: [&str; 10] = [
    "sync",
    "thread",
    "multithreading",
    "gil",
    "race",
    "deadlock",
    "process",
    "multiprocessing",
    "async-await",
    "event-loop",
];

/// The header line of a binary that needs nothing but std.
pub const STD_ONLY: &str = "//! Copy: std only, no dependencies.";

/// What copying a binary takes, read from its `//!` header.
#[derive(Debug, PartialEq, Eq)]
pub enum Needs {
    /// Nothing but std.
    Std,
    /// These `Cargo.toml` lines (a `[dependencies]` table, maybe a profile).
    Toml(String),
}

/// Reads the header: the line [`STD_ONLY`], or the first ```toml fence.
pub fn needs(source: &str) -> Result<Needs, String> {
    let header: Vec<&str> = source
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| {
            l.strip_prefix("//!")
                .unwrap_or(l)
                .strip_prefix(' ')
                .unwrap_or("")
        })
        .collect();
    if source.lines().any(|l| l.trim_end() == STD_ONLY) {
        return Ok(Needs::Std);
    }
    let start = header
        .iter()
        .position(|l| l.trim() == "```toml")
        .ok_or("its `//!` header states no dependencies (`Copy: std only, no dependencies.` or a ```toml block)")?;
    let body: Vec<&str> = header[start + 1..]
        .iter()
        .take_while(|l| l.trim() != "```")
        .copied()
        .collect();
    if start + 1 + body.len() >= header.len() {
        return Err("its ```toml block in the header is not closed".to_string());
    }
    Ok(Needs::Toml(body.join("\n") + "\n"))
}

/// Does the file use its crate's library (`examples_threads::...`)?
pub fn uses_library(source: &str, package: &str) -> bool {
    let lib = package.replace('-', "_");
    source
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .any(|l| l.contains(&format!("{lib}::")))
}

/// The `Cargo.toml` of a copy: what `cargo new` writes, with the header's
/// lines in place of its empty `[dependencies]` table.
pub fn manifest(name: &str, needs: &Needs) -> String {
    let mut m = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
         # Its own workspace: the copy must not join the one it sits in.\n[workspace]\n\n"
    );
    match needs {
        Needs::Std => m.push_str("[dependencies]\n"),
        Needs::Toml(lines) => m.push_str(lines),
    }
    m
}

/// A project of its own for one copied file: where it goes, its package
/// name, the file, what its header says it needs, the `Cargo.lock` to pin
/// its versions, and the target directory it shares with the others.
pub struct Project<'a> {
    pub dir: &'a Path,
    pub name: &'a str,
    pub source: &'a str,
    pub needs: &'a Needs,
    pub lock: &'a Path,
    pub target_dir: &'a Path,
}

/// Writes the project (`Cargo.toml`, `src/main.rs`, `Cargo.lock`), builds it
/// offline in the dev profile and returns the executable cargo reports.
/// A failed build is status 1: cargo has shown the compiler's messages.
pub fn build_project(p: &Project) -> Result<PathBuf, Error> {
    let io = |err: std::io::Error| Error {
        message: format!("{}: {err}", p.dir.display()),
        status: 1,
    };
    fs::create_dir_all(p.dir.join("src")).map_err(io)?;
    fs::write(p.dir.join("Cargo.toml"), manifest(p.name, p.needs)).map_err(io)?;
    fs::write(p.dir.join("src/main.rs"), p.source).map_err(io)?;
    fs::copy(p.lock, p.dir.join("Cargo.lock")).map_err(io)?;
    let mut cmd = run::cargo();
    cmd.current_dir(p.dir)
        .args([
            "build",
            "--offline",
            "--message-format=json-render-diagnostics",
        ])
        .arg("--target-dir")
        .arg(p.target_dir);
    let out = run::echo_and_capture(&mut cmd).map_err(|message| Error {
        message: format!("the copy of `{}` does not build: {message}", p.name),
        status: 1,
    })?;
    catalog::executables(&String::from_utf8_lossy(&out))
        .into_values()
        .next()
        .ok_or_else(|| Error {
            message: format!("cargo built no executable for the copy of `{}`", p.name),
            status: 1,
        })
}

pub fn run(root: &Path, names: &[String]) -> Result<Report, Error> {
    let bad_input = |message| Error { message, status: 2 };
    let selected = catalog::select_sound(root, names).map_err(bad_input)?;
    let dir = catalog::target_dir(root).map_err(bad_input)?.join("copies");
    let lock = root.join("Cargo.lock");
    let mut copies = Vec::new();
    let mut bins = Executables::new();
    let mut not_copied = Vec::new();
    for e in &selected {
        let path = e.source_path();
        let source = fs::read_to_string(&path)
            .map_err(|err| bad_input(format!("{}: {err}", path.display())))?;
        let why_not = if uses_library(&source, &e.package) {
            Some(format!("uses the {} library", e.package.replace('-', "_")))
        } else {
            needs(&source).err()
        };
        if let Some(why) = why_not {
            if GUIDE_PROGRAMS.contains(&e.bin.as_str()) {
                return Err(bad_input(format!(
                    "{}: the guide program `{}` must copy alone, but {why}",
                    path.strip_prefix(root).unwrap_or(&path).display(),
                    e.bin
                )));
            }
            not_copied.push(format!("{}: {why}", e.bin));
            continue;
        }
        let needs = needs(&source).expect("checked above");
        let exe = build_project(&Project {
            dir: &dir.join(&e.bin),
            name: &e.bin,
            source: &source,
            needs: &needs,
            lock: &lock,
            target_dir: &dir.join("target"),
        })?;
        bins.insert((e.package.clone(), e.bin.clone()), exe);
        copies.push(e.clone());
    }
    for line in &not_copied {
        println!("not copied: {line}");
    }
    println!(
        "{} binaries copied into projects of their own under {}; running them against their specs",
        copies.len(),
        dir.display()
    );
    Ok(verify::check_all(root, &bins, &copies, 1, ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKIO: &str = "\
//! Guide §10.
//!
//! Copy: add to Cargo.toml:
//!
//! ```toml
//! [dependencies]
//! tokio = { version = \"1.48\", features = [\"rt\", \"macros\", \"time\"] }
//! ```

fn main() {}
";

    #[test]
    fn the_header_says_what_a_copy_needs() {
        assert_eq!(
            needs(TOKIO),
            Ok(Needs::Toml(
                "[dependencies]\ntokio = { version = \"1.48\", features = [\"rt\", \"macros\", \"time\"] }\n"
                    .to_string()
            ))
        );
        let std_only = format!("//! Guide §1.\n//!\n{STD_ONLY}\n\nfn main() {{}}\n");
        assert_eq!(needs(&std_only), Ok(Needs::Std));
        assert!(needs("//! Guide §1.\n\nfn main() {}\n").is_err());
        assert!(
            needs("//! ```toml\n//! [dependencies]\n\nfn main() {}\n")
                .unwrap_err()
                .contains("not closed")
        );
    }

    #[test]
    fn a_use_of_the_crate_library_is_found() {
        assert!(uses_library(
            "use examples_threads::pool::ThreadPool;\n",
            "examples-threads"
        ));
        assert!(!uses_library(
            "// examples_threads::pool is not used here\nfn main() {}\n",
            "examples-threads"
        ));
    }

    #[test]
    fn the_manifest_is_cargo_new_plus_the_header_lines() {
        let m = manifest("async-await", &needs(TOKIO).unwrap());
        assert!(m.starts_with("[package]\nname = \"async-await\"\n"), "{m}");
        assert_eq!(m.matches("[dependencies]").count(), 1, "{m}");
        assert!(m.contains("[workspace]"), "{m}");
        assert!(manifest("sync", &Needs::Std).ends_with("[dependencies]\n"));
    }
}
