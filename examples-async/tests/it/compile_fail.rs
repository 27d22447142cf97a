//! Checks the async compile-fail gallery in `compile-fail/`: every
//! `NN-name.rs` must be rejected with what its first line names, and its
//! `NN-name.fixed.rs` must compile. The first line reads
//!
//!     // expect: E0373, "may outlive the current function"
//!     // expect: (no code), "future cannot be sent between threads safely", "MutexGuard"
//!
//! an error code (the `Send` errors have none) and key phrases that must
//! appear in the compiler's messages, never whole messages, which change
//! between releases. The snippets need tokio, so they are checked as the
//! binaries of a throwaway cargo project under `CARGO_TARGET_TMPDIR`, with
//! this workspace's `Cargo.lock` (the same tokio, offline) and its own
//! target directory; `cargo check` runs type and borrow checking, the point,
//! and skips code generation. The first run builds tokio once (~15 s).
//!
//!     cargo test -p examples-async --test it compile_fail::

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Snippet {
    path: PathBuf,
    fixed: PathBuf,
    code: Option<String>,
    phrases: Vec<String>,
}

fn gallery() -> Vec<Snippet> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("compile-fail");
    let mut snippets: Vec<Snippet> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".rs") && !name.ends_with(".fixed.rs")
        })
        .map(|path| {
            let source = fs::read_to_string(&path).expect("readable snippet");
            let expect = source
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("// expect: "))
                .unwrap_or_else(|| {
                    panic!("{}: first line must be `// expect: ...`", path.display())
                });
            let (code, phrases) = parse_expect(expect)
                .unwrap_or_else(|| panic!("{}: cannot read {expect:?}", path.display()));
            let fixed = path.with_extension("fixed.rs");
            assert!(
                fixed.exists(),
                "{} has no fix at {}",
                path.display(),
                fixed.display()
            );
            Snippet {
                path,
                fixed,
                code,
                phrases,
            }
        })
        .collect();
    snippets.sort_by(|a, b| a.path.cmp(&b.path));
    snippets
}

/// `E0373, "a", "b"` or `(no code), "a"`: the code and the quoted phrases.
fn parse_expect(text: &str) -> Option<(Option<String>, Vec<String>)> {
    let (code, rest) = text.split_once(", ")?;
    let code = (code != "(no code)").then(|| code.to_string());
    let phrases: Vec<String> = rest
        .split(", ")
        .map(|p| p.strip_prefix('"')?.strip_suffix('"').map(str::to_string))
        .collect::<Option<_>>()?;
    (!phrases.is_empty()).then_some((code, phrases))
}

/// The throwaway project: one binary per file of the gallery.
fn project(snippets: &[Snippet]) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("async-compile-fail");
    let bins = root.join("src/bin");
    let _ = fs::remove_dir_all(&bins);
    fs::create_dir_all(&bins).expect("create the project");
    fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"snippets\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\ntokio = { version = \"1.48\", features = [\"rt\", \"macros\", \"time\"] }\n\n\
         # Not a member of the enclosing workspace.\n[workspace]\n",
    )
    .expect("write Cargo.toml");
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    fs::copy(&lock, root.join("Cargo.lock")).expect("copy the workspace's Cargo.lock");
    for s in snippets {
        for file in [&s.path, &s.fixed] {
            fs::copy(file, bins.join(bin_name(file) + ".rs")).expect("copy a snippet");
        }
    }
    root
}

/// `01-x.fixed.rs` becomes the binary `01-x-fixed`.
fn bin_name(file: &Path) -> String {
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .expect("UTF-8 file name");
    name.trim_end_matches(".rs").replace('.', "-")
}

/// `cargo check` of one binary: success, and the JSON messages.
fn check(root: &Path, bin: &str) -> (bool, String) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(root)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .args([
            "check",
            "--offline",
            "--quiet",
            "--message-format=json",
            "--bin",
            bin,
        ])
        .arg("--target-dir")
        .arg(root.join("target"))
        .output()
        .expect("run cargo check");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() && !stdout.contains(r#""reason":"compiler-message""#) {
        panic!(
            "cargo check of {bin} failed before compiling it (is tokio in the offline registry?):\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    (output.status.success(), stdout)
}

/// The codes of the error messages in cargo's JSON output (one object a
/// line); quotes inside strings are escaped, so the marker only matches the field.
fn error_codes(json_lines: &str) -> Vec<String> {
    const MARKER: &str = r#""code":{"code":""#;
    json_lines
        .lines()
        .filter(|l| l.contains(r#""level":"error""#))
        .filter_map(|l| {
            let rest = &l[l.find(MARKER)? + MARKER.len()..];
            Some(rest[..rest.find('"')?].to_string())
        })
        .collect()
}

#[test]
fn each_snippet_fails_as_expected_and_each_fix_compiles() {
    let snippets = gallery();
    assert!(
        snippets.len() >= 3,
        "the gallery has only {} snippets",
        snippets.len()
    );
    let root = project(&snippets);
    let mut failures = Vec::new();
    for s in &snippets {
        let (ok, json) = check(&root, &bin_name(&s.path));
        let codes = error_codes(&json);
        let missing: Vec<&String> = s
            .phrases
            .iter()
            .filter(|p| !json.contains(p.as_str()))
            .collect();
        let code_ok = s.code.as_ref().is_none_or(|c| codes.contains(c));
        if ok || !code_ok || !missing.is_empty() || !json.contains(r#""level":"error""#) {
            failures.push(format!(
                "{}: expected an error {:?} with {:?}; got {} with codes {codes:?}, phrases missing: {missing:?}",
                s.path.display(),
                s.code,
                s.phrases,
                if ok { "success" } else { "failure" },
            ));
        }
        let (fixed_ok, json) = check(&root, &bin_name(&s.fixed));
        if !fixed_ok {
            failures.push(format!(
                "{}: the fix does not compile:\n{json}",
                s.fixed.display()
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

#[test]
fn expect_lines_are_read() {
    assert_eq!(
        parse_expect(r#"E0373, "may outlive", "borrows""#),
        Some((
            Some("E0373".to_string()),
            vec!["may outlive".to_string(), "borrows".to_string()]
        ))
    );
    assert_eq!(
        parse_expect(r#"(no code), "not Send""#),
        Some((None, vec!["not Send".to_string()]))
    );
    assert_eq!(parse_expect("E0373"), None);
}
