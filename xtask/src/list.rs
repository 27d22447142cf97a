//! `cargo xtask list`: every example, in guide order.

use std::fmt::Write as _;

use crate::catalog::Example;

pub fn render(examples: &[Example]) -> String {
    let width = examples.iter().map(|e| e.bin.len()).max().unwrap_or(0);
    let mut out = String::new();
    let mut package = "";
    for e in examples {
        if e.package != package {
            package = &e.package;
            writeln!(out, "{package}").unwrap();
        }
        writeln!(
            out,
            "  §{:<8} {:<width$}  {}",
            e.spec.section, e.bin, e.spec.about
        )
        .unwrap();
        writeln!(out, "  {:<9} {:<width$}  $ {}", "", "", e.command()).unwrap();
    }
    out
}
