//! The README's section map, `cargo xtask list` and the spec files agree:
//! every binary has a spec and every spec a binary (checked by the catalog),
//! every example's command is in the README, and every `cargo run -p`
//! command in the README names an example that exists.

use std::fs;

use xtask::catalog::{self, Example};

fn examples() -> Vec<Example> {
    catalog::load(&catalog::workspace_root().unwrap_or_else(|e| panic!("{e}")))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn readme() -> String {
    fs::read_to_string(
        catalog::workspace_root()
            .unwrap_or_else(|e| panic!("{e}"))
            .join("README.md"),
    )
    .expect("README.md exists")
}

/// Each `cargo run -p PKG [--bin BIN]` in `text`, as (package, binary).
fn run_commands(text: &str) -> Vec<(String, Option<String>)> {
    text.match_indices("cargo run -p ")
        .map(|(i, m)| {
            let rest = &text[i + m.len()..];
            let end = rest.find(['`', '|', '\n']).unwrap_or(rest.len());
            let words: Vec<&str> = rest[..end].split_whitespace().collect();
            let bin = words
                .iter()
                .position(|w| *w == "--bin")
                .and_then(|k| words.get(k + 1))
                .map(|b| b.to_string());
            (words[0].to_string(), bin)
        })
        .collect()
}

#[test]
fn every_example_is_in_the_readme() {
    let readme = readme();
    let missing: Vec<String> = examples()
        .iter()
        .map(Example::command)
        .filter(|c| !readme.contains(&format!("`{c}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "README.md lacks these commands: {missing:#?}"
    );
}

#[test]
fn every_readme_command_runs_an_example() {
    let examples = examples();
    let mut unknown = Vec::new();
    for (package, bin) in run_commands(&readme()) {
        let found = examples.iter().any(|e| {
            e.package == package
                && match &bin {
                    Some(b) => &e.bin == b,
                    None => e.default_run,
                }
        });
        if !found {
            unknown.push(format!(
                "cargo run -p {package} {}",
                bin.map(|b| format!("--bin {b}")).unwrap_or_default()
            ));
        }
    }
    assert!(
        unknown.is_empty(),
        "README.md names examples that do not exist: {unknown:#?}"
    );
}

#[test]
fn every_package_has_a_default_run_binary() {
    let examples = examples();
    for e in &examples {
        assert!(
            examples
                .iter()
                .any(|d| d.package == e.package && d.default_run),
            "{} has no `default-run` binary",
            e.package
        );
    }
}

#[test]
fn command_parser_reads_packages_and_binaries() {
    let cmds = run_commands("run `cargo run -p a` or `cargo run -p b --bin c -- 10`\n");
    assert_eq!(
        cmds,
        [
            ("a".to_string(), None),
            ("b".to_string(), Some("c".to_string()))
        ]
    );
}

/// The README's section map, row by row: (section, command cell). A blank
/// section cell continues the row above, as the README writes it.
fn section_map(readme: &str) -> Vec<(String, String)> {
    let start = readme.find("## Section map").expect("a section map");
    let mut rows = Vec::new();
    let mut section = String::new();
    for line in readme[start..].lines().skip_while(|l| !l.starts_with('|')) {
        let Some(inner) = line.strip_prefix('|') else {
            break;
        };
        let cells: Vec<&str> = inner.split('|').map(str::trim).collect();
        if cells.len() < 3 || cells[0] == "§" || cells[0].starts_with("---") {
            continue;
        }
        if !cells[0].is_empty() {
            section = cells[0].to_string();
        }
        rows.push((section.clone(), cells[2].to_string()));
    }
    rows
}

#[test]
fn the_readme_and_the_list_give_every_example_the_same_section() {
    let map = section_map(&readme());
    let mut wrong = Vec::new();
    for e in examples() {
        let command = format!("`{}`", e.command());
        match map.iter().find(|(_, cell)| cell == &command) {
            Some((section, _)) if *section == e.spec.section => {}
            Some((section, _)) => wrong.push(format!(
                "{}: README says {section}, its spec says {}",
                e.bin, e.spec.section
            )),
            None => wrong.push(format!("{}: no section-map row runs {command}", e.bin)),
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// The README is for learners: contributor material lives in
/// CONTRIBUTING.md and xtask/README.md, and the README stays short enough
/// to read, however many examples are added.
#[test]
fn the_readme_stays_within_250_lines() {
    let lines = readme().lines().count();
    assert!(
        lines <= 250,
        "README.md has {lines} lines; move detail to docs/ or CONTRIBUTING.md"
    );
}

/// `cargo test` prints a block for every test harness, empty or not. The
/// binaries are checked by verify, so each is declared with `test = false`
/// (a binary cargo discovers on its own would get a harness again), and no
/// library builds doc tests it does not have.
#[test]
fn no_target_gets_an_empty_test_harness() {
    let root = catalog::workspace_root().unwrap_or_else(|e| panic!("{e}"));
    let out = std::process::Command::new(env!("CARGO"))
        .current_dir(&root)
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .output()
        .expect("cargo metadata runs");
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let mut wrong = Vec::new();
    for package in meta["packages"].as_array().expect("packages") {
        let name = package["name"].as_str().unwrap_or_default();
        for target in package["targets"].as_array().expect("targets") {
            let kinds = target["kind"].as_array().expect("kinds");
            let target_name = target["name"].as_str().unwrap_or_default();
            let is = |k: &str| kinds.iter().any(|x| x == k);
            if is("bin") && name.starts_with("examples-") && target["test"] != false {
                wrong.push(format!(
                    "{name}: binary `{target_name}` needs `test = false`"
                ));
            }
            if is("lib") && target["doctest"] != false {
                wrong.push(format!("{name}: its lib needs `doctest = false`"));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
