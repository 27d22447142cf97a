//! `cargo test --workspace` verifies every example against its spec, with
//! the same code as `cargo xtask verify` (a nested `cargo build --release`,
//! then every binary run and checked). This file holds one test so nothing
//! else in this test binary competes with the examples for the CPU.

use std::io::Write;

use xtask::catalog::workspace_root;
use xtask::report;
use xtask::verify::{self, Options};

#[test]
fn every_example_matches_its_spec() {
    let root = workspace_root().unwrap_or_else(|e| panic!("{e}"));
    // The examples run where a reader's `cargo run` runs them, the workspace
    // root, not this package's directory (cargo's for tests): files they
    // write under `target/` (bank-api's database) land in the real one.
    std::env::set_current_dir(&root).expect("the workspace root");
    let report =
        verify::run(&root, &Options::default()).unwrap_or_else(|e| panic!("{}", e.message));
    // libtest captures `print!`, and a passing test would show nothing:
    // write what was proved straight to the real stderr.
    let mut proved = format!(
        "\n{} examples verified against their specs: {}\n",
        report.examples,
        report.summary.line()
    );
    if let Some(line) = report::free_cores_line(&report.rows) {
        proved.push_str(&format!("{line}\n"));
    }
    proved.push_str(&format!("{}\n", report.timing.line()));
    for row in report.rows.iter().filter(|r| r.verdict.cores.is_some()) {
        // Wrapped within 100 columns, like the rest of verify's report.
        report::wrap(&mut proved, "  ", &report::decision(row), 4);
    }
    let _ = std::io::stderr().write_all(proved.as_bytes());
    assert_eq!(
        report.summary.failed,
        0,
        "{} (run `cargo xtask verify` to see the failures)",
        report.summary.line()
    );
}
