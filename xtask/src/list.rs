//! `cargo xtask list`: every example, in guide order, within 100 columns.

use std::fmt::Write as _;

use crate::catalog::Example;
use crate::report::wrap;

/// A section as the README's section map writes it: `§3`, `tip 6`,
/// `extra 2`, `table`.
pub fn label(section: &str) -> String {
    if section.chars().all(|c| c.is_ascii_digit()) {
        format!("§{section}")
    } else {
        section.to_string()
    }
}

pub fn render(examples: &[Example]) -> String {
    let label_width = examples
        .iter()
        .map(|e| label(&e.spec.section).chars().count())
        .max()
        .unwrap_or(0);
    let indent = 2 + label_width + 2;
    let mut out = String::new();
    let mut package = "";
    for e in examples {
        if e.package != package {
            package = &e.package;
            writeln!(out, "{package}").unwrap();
        }
        let section = label(&e.spec.section);
        let pad = label_width - section.chars().count();
        let first = format!("  {section}{}  {}: ", " ".repeat(pad), e.bin);
        wrap(&mut out, &first, &e.spec.about, indent);
        writeln!(out, "{}$ {}", " ".repeat(indent), e.command()).unwrap();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::WIDTH;

    #[test]
    fn labels_are_the_readmes() {
        assert_eq!(label("3"), "§3");
        assert_eq!(label("tip 6"), "tip 6");
        assert_eq!(label("table"), "table");
    }

    #[test]
    fn long_text_wraps_within_the_width() {
        let mut out = String::new();
        let text = "word ".repeat(60);
        wrap(&mut out, "  §3  thread: ", &text, 8);
        assert!(out.lines().count() >= 3, "{out}");
        assert!(out.lines().all(|l| l.chars().count() <= WIDTH), "{out}");
        assert!(
            out.lines().skip(1).all(|l| l.starts_with("        word")),
            "{out}"
        );
    }
}
