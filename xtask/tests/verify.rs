//! `cargo test --workspace` verifies every example against its spec, with
//! the same code as `cargo xtask verify` (a nested `cargo build --release`,
//! then every binary run and checked). This file holds one test so nothing
//! else in this test binary competes with the examples for the CPU.

use xtask::catalog::workspace_root;
use xtask::verify::{self, Options};

#[test]
fn every_example_matches_its_spec() {
    let summary = verify::run(&workspace_root(), &Options::default())
        .unwrap_or_else(|e| panic!("{}", e.message));
    assert_eq!(
        summary.failed,
        0,
        "{} (run `cargo xtask verify` to see the failures)",
        summary.line()
    );
}
