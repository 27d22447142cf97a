//! Checks the compile-fail gallery in `compile-fail/`: every `NN-name.rs`
//! must be rejected by the compiler with the error code named on its first
//! line (`// expect: E0499`), and its `NN-name.fixed.rs` must compile.
//!
//! Only the error *code* is compared, never the message text, which changes
//! between compiler versions. The compiler is `$RUSTC` if set, else `rustc`;
//! its `--error-format=json` output carries each error's code. The fixes are
//! checked with `--emit=metadata`, which runs type and borrow checking, the
//! whole point, but skips code generation.
//!
//!     cargo test -p examples-locks --test compile_fail

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;

struct Snippet {
    path: PathBuf,
    fixed: PathBuf,
    expected_code: String,
}

fn gallery() -> Vec<Snippet> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("compile-fail");
    let mut snippets: Vec<Snippet> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".rs") && !name.ends_with(".fixed.rs")
        })
        .map(|path| {
            let source = fs::read_to_string(&path).expect("readable snippet");
            let expected_code = source
                .lines()
                .next()
                .and_then(|line| line.strip_prefix("// expect: "))
                .unwrap_or_else(|| {
                    panic!("{}: first line must be `// expect: E....`", path.display())
                })
                .trim()
                .to_string();
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
                expected_code,
            }
        })
        .collect();
    snippets.sort_by(|a, b| a.path.cmp(&b.path));
    snippets
}

struct Outcome {
    success: bool,
    codes: Vec<String>,
    stderr: String,
}

fn compile(source: &Path, out_dir: &Path) -> Outcome {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| OsString::from("rustc"));
    let output = Command::new(&rustc)
        .args([
            "--edition",
            "2024",
            "--crate-type",
            "bin",
            "--crate-name",
            "snippet",
        ])
        .args(["--emit=metadata", "--error-format=json"])
        .arg("--out-dir")
        .arg(out_dir)
        .arg(source)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {rustc:?}: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    Outcome {
        success: output.status.success(),
        codes: error_codes(&stderr),
        stderr,
    }
}

/// The codes of the error diagnostics in rustc's JSON output, one object per
/// line: `{"$message_type":"diagnostic","message":...,"code":{"code":"E0499",
/// ...},"level":"error",...}`. Quotes inside strings are escaped, so the
/// marker below only matches the field itself.
fn error_codes(json_lines: &str) -> Vec<String> {
    const MARKER: &str = r#""code":{"code":""#;
    json_lines
        .lines()
        .filter(|line| line.contains(r#""level":"error""#))
        .filter_map(|line| {
            let rest = &line[line.find(MARKER)? + MARKER.len()..];
            Some(rest[..rest.find('"')?].to_string())
        })
        .collect()
}

#[test]
fn each_snippet_fails_with_its_code_and_each_fix_compiles() {
    let snippets = gallery();
    assert!(
        snippets.len() >= 6,
        "the gallery has only {} snippets",
        snippets.len()
    );
    let out_root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("compile-fail");
    // One compiler per snippet, all at once: a dozen rustc runs take about
    // as long as a few.
    let failures: Vec<String> = thread::scope(|s| {
        let checks: Vec<_> = snippets
            .iter()
            .map(|snippet| {
                let out_dir = out_root.join(snippet.path.file_stem().expect("file name"));
                s.spawn(move || check(snippet, &out_dir))
            })
            .collect();
        checks
            .into_iter()
            .flat_map(|check| check.join().expect("check thread panicked"))
            .collect()
    });
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

fn check(snippet: &Snippet, out_dir: &Path) -> Vec<String> {
    let mut failures = Vec::new();
    let broken = compile(&snippet.path, &out_dir.join("broken"));
    if broken.success || !broken.codes.contains(&snippet.expected_code) {
        failures.push(format!(
            "{}: expected error {}, got {} with codes {:?}\n{}",
            snippet.path.display(),
            snippet.expected_code,
            if broken.success { "success" } else { "failure" },
            broken.codes,
            rendered(&broken.stderr),
        ));
    }
    let fixed = compile(&snippet.fixed, &out_dir.join("fixed"));
    if !fixed.success {
        failures.push(format!(
            "{}: the fix does not compile\n{}",
            snippet.fixed.display(),
            rendered(&fixed.stderr),
        ));
    }
    failures
}

/// The human-readable part of the JSON diagnostics, for failure messages.
fn rendered(json_lines: &str) -> String {
    json_lines
        .lines()
        .filter_map(|line| {
            let start = line.find(r#""rendered":""#)? + r#""rendered":""#.len();
            let text = &line[start..];
            Some(
                text[..text.find(r#""}"#).unwrap_or(text.len())]
                    .replace("\\n", "\n")
                    .replace("\\\"", "\""),
            )
        })
        .collect::<Vec<_>>()
        .join("")
}

#[test]
fn error_codes_are_read_from_json() {
    let line = r#"{"$message_type":"diagnostic","message":"cannot borrow","code":{"code":"E0499","explanation":"A \"code\":{\"code\":\"E9999\" lookalike"},"level":"error","rendered":"x"}"#;
    let warning = r#"{"$message_type":"diagnostic","code":{"code":"unused_mut","explanation":null},"level":"warning"}"#;
    assert_eq!(error_codes(&format!("{line}\n{warning}\n")), ["E0499"]);
}
