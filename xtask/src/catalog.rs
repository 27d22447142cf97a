//! The examples: every binary of every `examples-*` crate, with its spec.
//!
//! A crate's binaries are its `src/bin/*.rs` files (cargo's own convention);
//! the spec of binary `B` is `expected/B.txt`. A binary without a spec, or a
//! spec without a binary, is an error: every example is verified.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::spec::Spec;

/// One example binary and its spec.
#[derive(Debug, Clone)]
pub struct Example {
    pub package: String,
    pub bin: String,
    /// The package's `default-run` binary: `cargo run -p P` runs it.
    pub default_run: bool,
    pub spec_path: PathBuf,
    pub spec: Spec,
}

impl Example {
    /// The command a reader types to run it.
    pub fn command(&self) -> String {
        if self.default_run {
            format!("cargo run -p {}", self.package)
        } else {
            format!("cargo run -p {} --bin {}", self.package, self.bin)
        }
    }

    /// Its source file, `<package>/src/bin/<bin>.rs`.
    pub fn source_path(&self) -> PathBuf {
        self.spec_path
            .parent()
            .and_then(Path::parent)
            .map(|pkg| pkg.join("src/bin").join(format!("{}.rs", self.bin)))
            .unwrap_or_default()
    }

    /// The spec path relative to the workspace root, for messages.
    pub fn spec_display(&self, root: &Path) -> String {
        self.spec_path
            .strip_prefix(root)
            .unwrap_or(&self.spec_path)
            .display()
            .to_string()
    }
}

/// The workspace the current directory belongs to, as cargo itself finds it
/// (`cargo locate-project --workspace`), at run time: a path compiled into
/// the xtask could be another checkout's when a target directory is shared.
pub fn workspace_root() -> Result<PathBuf, String> {
    let out = crate::run::cargo()
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run `cargo locate-project`: {e}"))?;
    if !out.status.success() {
        return Err(
            "`cargo locate-project --workspace` failed: run the xtask inside the workspace".into(),
        );
    }
    let manifest = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim_end());
    manifest
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("`cargo locate-project` printed `{}`", manifest.display()))
}

/// Where cargo puts build output, as `cargo metadata` reports it (so
/// `CARGO_TARGET_DIR` and `build.target-dir` in any config are honoured).
pub fn target_dir(root: &Path) -> Result<PathBuf, String> {
    let out = crate::run::cargo()
        .current_dir(root)
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run `cargo metadata`: {e}"))?;
    let value: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("`cargo metadata` printed no JSON: {e}"))?;
    value["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| "`cargo metadata` names no target directory".to_string())
}

/// The executable of each example, by package and binary name.
pub type Executables = HashMap<(String, String), PathBuf>;

/// Builds the binaries of every example package in release mode and returns
/// the executable cargo reports for each (`--message-format=json`): the
/// path of this build, in whatever target directory cargo's configuration
/// chose. Always every package, whatever the caller runs: cargo unifies
/// features over the packages of one build, and a build of fewer packages
/// compiles shared dependencies again with other features (nix, tokio).
pub fn build(root: &Path) -> Result<Executables, String> {
    let mut cmd = crate::run::cargo();
    cmd.current_dir(root).args([
        "build",
        "--release",
        "--bins",
        "--workspace",
        "--exclude",
        "xtask",
        "--message-format=json-render-diagnostics",
    ]);
    let out = crate::run::echo_and_capture(&mut cmd)?;
    Ok(executables(&String::from_utf8_lossy(&out)))
}

/// The executables in cargo's `--message-format=json` output, by package
/// directory name and binary name.
pub fn executables(json_lines: &str) -> Executables {
    let mut bins = HashMap::new();
    for line in json_lines.lines() {
        let Ok(m) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let is_bin = m["target"]["kind"]
            .as_array()
            .is_some_and(|k| k.iter().any(|k| k == "bin"));
        let package = m["manifest_path"]
            .as_str()
            .and_then(|p| Path::new(p).parent()?.file_name()?.to_str());
        if let (true, Some(package), Some(name), Some(exe)) = (
            m["reason"] == "compiler-artifact" && is_bin,
            package,
            m["target"]["name"].as_str(),
            m["executable"].as_str(),
        ) {
            bins.insert((package.to_string(), name.to_string()), PathBuf::from(exe));
        }
    }
    bins
}

/// Every example, grouped by package in guide order (a package's place is
/// its lowest section), the `default-run` binary first within a package.
/// Errors are one line each, `path:line: what is wrong` for a bad spec.
pub fn load(root: &Path) -> Result<Vec<Example>, String> {
    let (examples, broken) = load_lenient(root)?;
    match broken.into_iter().next() {
        Some(b) => Err(b.message),
        None => Ok(examples),
    }
}

/// A package that could not be loaded.
#[derive(Debug, Clone)]
pub struct Broken {
    pub package: String,
    /// Its binaries (`src/bin/*.rs`), so a name can be traced to it.
    pub bins: Vec<String>,
    /// One line: `path:line: what is wrong` for a bad spec.
    pub message: String,
}

/// Like [`load`], but a package with an error is left out and returned
/// beside the rest, so one broken crate does not stop the verification of
/// another.
pub fn load_lenient(root: &Path) -> Result<(Vec<Example>, Vec<Broken>), String> {
    let mut examples = Vec::new();
    let mut broken = Vec::new();
    for dir in package_dirs(root)? {
        match load_package(root, &dir) {
            Ok(mut e) => examples.append(&mut e),
            Err(message) => broken.push(Broken {
                package: dir
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
                bins: file_stems(&dir.join("src/bin"), "rs").unwrap_or_default(),
                message,
            }),
        }
    }
    Ok((sort(examples), broken))
}

/// The examples `names` picks (all of them when empty). Every package must
/// load when all are picked; otherwise only the ones named, and a name that
/// belongs to a broken package gets that package's error, not "unknown".
pub fn select_sound(root: &Path, names: &[String]) -> Result<Vec<Example>, String> {
    if names.is_empty() {
        return load(root);
    }
    let (all, broken) = load_lenient(root)?;
    for name in names {
        if let Some(b) = broken
            .iter()
            .find(|b| &b.package == name || b.bins.contains(name))
        {
            return Err(b.message.clone());
        }
    }
    select(&all, names)
}

fn load_package(root: &Path, dir: &Path) -> Result<Vec<Example>, String> {
    let mut examples = Vec::new();
    {
        let package = dir
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| format!("{}: not a UTF-8 name", dir.display()))?
            .to_string();
        let manifest = fs::read_to_string(dir.join("Cargo.toml"))
            .map_err(|e| format!("{}: {e}", dir.join("Cargo.toml").display()))?;
        let default_run = manifest_value(&manifest, "default-run");
        let bins = file_stems(&dir.join("src/bin"), "rs")?;
        let specs = file_stems(&dir.join("expected"), "txt")?;
        if let Some(b) = bins.iter().find(|b| !specs.contains(b)) {
            return Err(format!(
                "{package}: binary `{b}` has no spec (add {package}/expected/{b}.txt)"
            ));
        }
        if let Some(s) = specs.iter().find(|s| !bins.contains(s)) {
            return Err(format!(
                "{package}/expected/{s}.txt: there is no binary `{s}` (src/bin/{s}.rs)"
            ));
        }
        for bin in bins {
            let spec_path = dir.join("expected").join(format!("{bin}.txt"));
            let text = fs::read_to_string(&spec_path)
                .map_err(|e| format!("{}: {e}", spec_path.display()))?;
            let rel = spec_path
                .strip_prefix(root)
                .unwrap_or(&spec_path)
                .display()
                .to_string();
            let spec = Spec::parse(&text).map_err(|e| format!("{rel}:{e}"))?;
            examples.push(Example {
                default_run: default_run.as_deref() == Some(bin.as_str()),
                package: package.clone(),
                bin,
                spec_path,
                spec,
            });
        }
    }
    Ok(examples)
}

fn sort(examples: Vec<Example>) -> Vec<Example> {
    let package_rank = |p: &str| {
        examples
            .iter()
            .filter(|e| e.package == p)
            .map(|e| section_rank(&e.spec.section))
            .min()
    };
    let mut ranked: Vec<_> = examples
        .iter()
        .map(|e| {
            let key = (
                package_rank(&e.package),
                e.package.clone(),
                !e.default_run,
                section_rank(&e.spec.section),
                e.bin.clone(),
            );
            (key, e.clone())
        })
        .collect();
    ranked.sort_by(|a, b| a.0.cmp(&b.0));
    ranked.into_iter().map(|(_, e)| e).collect()
}

/// Picks examples by binary or package name; an unknown name is an error
/// that points at `cargo xtask list`.
pub fn select(all: &[Example], names: &[String]) -> Result<Vec<Example>, String> {
    if names.is_empty() {
        return Ok(all.to_vec());
    }
    for name in names {
        if !all.iter().any(|e| &e.bin == name || &e.package == name) {
            return Err(format!(
                "no example or package named `{name}` (see `cargo xtask list`)"
            ));
        }
    }
    Ok(all
        .iter()
        .filter(|e| names.iter().any(|n| n == &e.bin || n == &e.package))
        .cloned()
        .collect())
}

/// Sections sort by number: `3` < `10`; `tip 6`, `extra 2` and `table`
/// (the guide's summary table) go after the numbered sections, in that order.
pub fn section_rank(section: &str) -> (u32, u32) {
    let number = |s: &str| s.trim().parse::<u32>().unwrap_or(u32::MAX);
    if let Some(rest) = section.strip_prefix("tip") {
        (1, number(rest))
    } else if let Some(rest) = section.strip_prefix("extra") {
        (2, number(rest))
    } else if section == "table" {
        (3, 0)
    } else {
        (0, number(section))
    }
}

fn package_dirs(root: &Path) -> Result<Vec<PathBuf>, String> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(root)
        .map_err(|e| format!("{}: {e}", root.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("examples-"))
                && p.join("Cargo.toml").is_file()
        })
        .collect();
    dirs.sort();
    Ok(dirs)
}

fn file_stems(dir: &Path, extension: &str) -> Result<Vec<String>, String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut stems: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(String::from))
        .collect();
    stems.sort();
    Ok(stems)
}

/// The string value of a top-level `key = "value"` line of a manifest.
fn manifest_value(manifest: &str, key: &str) -> Option<String> {
    manifest.lines().find_map(|line| {
        let (k, v) = line.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_sort_numerically_then_tips_then_extras() {
        let mut s = ["table", "extra 2", "10", "tip 6", "3", "1"];
        s.sort_by_key(|x| section_rank(x));
        assert_eq!(s, ["1", "3", "10", "tip 6", "extra 2", "table"]);
    }

    #[test]
    fn executables_come_from_cargos_messages() {
        let json = concat!(
            r#"{"reason":"compiler-artifact","manifest_path":"/w/examples-sync/Cargo.toml","#,
            r#""target":{"kind":["bin"],"name":"sync"},"executable":"/t/release/sync"}"#,
            "\n",
            r#"{"reason":"compiler-artifact","manifest_path":"/w/examples-async/Cargo.toml","#,
            r#""target":{"kind":["lib"],"name":"examples_async"},"executable":null}"#,
            "\n",
            "not json\n",
            r#"{"reason":"build-finished","success":true}"#,
        );
        let bins = executables(json);
        assert_eq!(bins.len(), 1);
        assert_eq!(
            bins[&("examples-sync".to_string(), "sync".to_string())],
            PathBuf::from("/t/release/sync")
        );
    }

    #[test]
    fn manifest_values_are_read() {
        let m = "[package]\nname = \"examples-threads\"\ndefault-run = \"thread\"\n";
        assert_eq!(manifest_value(m, "default-run").as_deref(), Some("thread"));
        assert_eq!(manifest_value(m, "missing"), None);
    }
}
