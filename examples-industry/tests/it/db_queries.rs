//! `db-queries` on a database file of its own: the pool's limit read from
//! the pool, request 21's one line, the payments' invariant kept in a
//! transaction and broken without one. Its spec checks the same lines on
//! the default database; this run shows they hold on any path.
//!
//!     cargo test -p examples-industry --test it db_queries:: -- --nocapture

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::Command;

use crate::error_line::{one_error_line, run};
use crate::release::bin;

/// The number after `prefix` on the line that starts with it.
fn number_after(stdout: &str, prefix: &str) -> f64 {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .and_then(|rest| rest.split([' ', ',', ':']).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no line starting {prefix:?} in:\n{stdout}"))
}

#[test]
fn the_pool_limits_and_only_the_transaction_keeps_the_money() {
    let db = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("db-queries-{}.sqlite3", std::process::id()));
    let output = Command::new(bin("db-queries"))
        .args([OsStr::new("--db"), db.as_os_str()])
        .output()
        .expect("db-queries runs");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let in_use = number_after(&stdout, "  connections in use at once: at most ");
    assert!((1.0..=5.0).contains(&in_use), "{in_use} connections in use");
    assert!(stdout.contains("  answered: 20 of 20 (sum of their balances: 200.00)"));
    let gave_up = number_after(&stdout, "  request 21 gave up after ");
    assert!((2.0..3.0).contains(&gave_up), "gave up after {gave_up} s");
    assert!(
        stdout.contains(" s: pool timed out while waiting for an open connection\n"),
        "{stdout}"
    );

    let (with, without) = stdout
        .split_once("The same 100 payments without a transaction")
        .expect("both payment runs");
    assert!(with.contains("  payments made: 100 of 100; the merchant's balance: 100.00\n"));
    assert!(
        with.contains("  total of all balances: 1000.00 before, 1000.00 after: money lost 0.00\n")
    );
    assert!(without.contains("  payments made: 100 of 100; the merchant's balance: "));
    let after = number_after(without, "  total of all balances: 1000.00 before, ");
    assert!(
        after < 1000.0,
        "the payments without a transaction lost nothing:\n{without}"
    );
}

#[test]
fn bad_input_is_one_line() {
    let db_queries = bin("db-queries");
    let db_queries = db_queries.to_str().expect("a UTF-8 path");
    for (args, status, wanted) in [
        (&["--db"][..], 2, "--db needs a path"),
        (&["--fast"][..], 2, "unexpected argument \"--fast\""),
        (
            &["--db", "/proc/self/no/such.sqlite3"][..],
            1,
            "database /proc/self/no/such.sqlite3: ",
        ),
    ] {
        let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        let output = run(db_queries, &args);
        one_error_line("db-queries", &output, wanted);
        assert_eq!(output.status.code(), Some(status), "{args:?}");
    }
}
