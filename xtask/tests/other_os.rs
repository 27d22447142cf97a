//! On a system a spec does not support (`os: linux` on macOS, say), verify
//! reports the example as skipped with the reason and does not run it. The
//! system is a parameter, so this path is exercised here on Linux.

mod common;

use common::Fixture;
use xtask::report::Outcome;
use xtask::verify::{self, Options};

#[test]
fn an_example_for_another_system_is_skipped_with_the_reason() {
    // It would fail if it ran: it exits 1.
    let source = "fn main() { std::process::exit(1) }\n";
    let spec = "section: extra 2\nabout: reads /proc\nos: linux\nmode: beside-others\n--- stdout\n";
    let fixture = Fixture::new("other-os", &[("proc-reader", source, spec)]);
    let on = |os: &str| {
        verify::run(
            &fixture.root,
            &Options {
                os: os.to_string(),
                ..Default::default()
            },
        )
        .unwrap_or_else(|e| panic!("{}", e.message))
    };
    let mac = on("macos");
    let row = &mac.rows[0];
    assert_eq!(row.outcome, Outcome::Skipped);
    assert_eq!(mac.summary.line(), "0 passed, 0 failed, 1 skipped");
    let why = row.not_run.as_deref().unwrap_or_default();
    assert!(
        why.contains("needs linux") && why.contains("this is macos"),
        "{why}"
    );
    // On Linux it runs, and fails as it must.
    assert_eq!(on("linux").rows[0].outcome, Outcome::Failed);
}
