//! `cargo test --workspace` runs `cargo xtask bench --quick` (the same code,
//! a nested `cargo build --release`, then every measuring binary), so the
//! bench cannot rot. It is the only test of this binary: cargo runs test
//! binaries one after another, so it never runs beside `verify`.
//!
//! Nothing here is a timing threshold: on a busy CI machine any time may be
//! slow. The checks are that every number was measured, and the relations
//! that hold on any machine (a thread reserves more than it touches; a
//! process's share of its pages is at most all of them; nobody sleeps 2 s in
//! less than 2 s).

use xtask::bench::{self, Report};
use xtask::catalog::workspace_root;

fn positive(what: &str, v: f64) {
    assert!(
        v.is_finite() && v > 0.0,
        "{what}: expected a positive number, got {v}"
    );
}

#[test]
fn quick_bench_measures_everything() {
    let root = workspace_root().unwrap_or_else(|e| panic!("{e}"));
    let r: Report = bench::measure_and_write(true, &root).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        r.failures.is_empty(),
        "measurements failed (run `cargo xtask bench --quick`): {:?}",
        r.failures
    );

    assert!(
        r.thread_memory.len() >= 2,
        "thread memory rows: {:?}",
        r.thread_memory
    );
    for t in &r.thread_memory {
        positive("thread reserved", t.reserved_kib);
        positive("thread resident", t.resident_kib);
        // The lesson of the bench: the reservation is far from the use.
        assert!(t.reserved_kib > 4.0 * t.resident_kib, "{t:?}");
        if let Some(stack) = t.stack_kib {
            assert!(t.reserved_kib >= stack as f64, "{t:?}");
        }
    }
    assert!(!r.task_memory.is_empty());
    for t in &r.task_memory {
        positive("task resident", t.resident_kib);
        positive("future size", t.future_bytes);
    }
    assert!(!r.process_memory.is_empty());
    for p in &r.process_memory {
        positive("process Pss", p.pss_kib);
        positive("process page tables", p.page_tables_kib);
        assert!(p.pss_kib <= p.rss_kib, "{p:?}");
    }

    for (what, m) in [
        ("thread start-up", r.thread_startup_us),
        ("task start-up", r.task_startup_us),
        ("fork", r.fork_us),
        ("spawn", r.spawn_us),
        ("thread round trip", r.thread_round_trip_us),
        ("task round trip", r.task_round_trip_us),
    ] {
        let m = m.unwrap_or_else(|| panic!("{what} was not measured"));
        positive(what, m.value);
    }
    for (what, s) in [("threads", &r.thread_sleepers), ("tasks", &r.task_sleepers)] {
        let s = s
            .as_ref()
            .unwrap_or_else(|| panic!("{what} sleeping 2 s were not measured"));
        assert!(s.total_s >= 2.0 && s.ratio >= 1.0, "{what}: {s:?}");
    }
    assert_eq!(r.scaling.len(), r.cores, "one CPU-scaling row per core");
    for c in &r.scaling {
        positive("no-GIL time", c.no_gil_s);
        positive("GIL-analog time", c.gil_s);
    }

    let out = root.join("target/bench");
    let out = std::env::var_os("CARGO_TARGET_DIR")
        .map_or(out, |t| std::path::PathBuf::from(t).join("bench"));
    let md = std::fs::read_to_string(out.join("results.md")).expect("results.md was written");
    assert!(
        md.contains("| thread |") && md.contains("| tokio task |") && md.contains("| process |")
    );
    let svg = std::fs::read_to_string(out.join("chart.svg")).expect("chart.svg was written");
    assert!(svg.starts_with("<svg") && svg.contains("Memory per idle unit"));
}
