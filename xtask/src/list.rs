//! `cargo xtask list`: every example, in guide order.

use std::fmt::Write as _;

use crate::catalog::Example;

pub fn render(examples: &[Example]) -> String {
    let width = examples.iter().map(|e| e.bin.len()).max().unwrap_or(0);
    let section_width = examples
        .iter()
        .map(|e| e.spec.section.len())
        .max()
        .unwrap_or(0)
        + 1;
    let mut out = String::new();
    let mut package = "";
    for e in examples {
        if e.package != package {
            package = &e.package;
            writeln!(out, "{package}").unwrap();
        }
        let section = format!("§{}", e.spec.section);
        writeln!(
            out,
            "  {section:<section_width$} {:<width$}  {}",
            e.bin, e.spec.about
        )
        .unwrap();
        writeln!(
            out,
            "  {:<section_width$} {:<width$}  $ {}",
            "",
            "",
            e.command()
        )
        .unwrap();
    }
    out
}
