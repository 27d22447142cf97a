//! Every construct of the spec language, with output that passes and output
//! that fails.

use super::*;

const HEADER: &str = "section: 1\nabout: a test\nmode: beside-others\n";

fn spec(body: &str) -> Spec {
    Spec::parse(&format!("{HEADER}--- stdout\n{body}")).expect("test spec parses")
}

fn ok_run(stdout: &str) -> Run {
    Run {
        exit: Exit::Code(0),
        stdout: stdout.to_string(),
        stderr: String::new(),
        left_processes: false,
        wall: Duration::from_secs(1),
    }
}

fn machine(free: bool) -> Machine {
    Machine {
        free,
        evidence: format!("the machine looked {}", if free { "free" } else { "busy" }),
    }
}

fn check(body: &str, stdout: &str) -> Verdict {
    spec(body).check(&ok_run(stdout), &machine(true))
}

fn passes(body: &str, stdout: &str) -> bool {
    let v = check(body, stdout);
    v.passed()
}

fn parse_error(text: &str) -> ParseError {
    Spec::parse(text).expect_err("spec should not parse")
}

/// A bad stdout section: its first line is line 5 of the spec.
fn body_error(body: &str) -> ParseError {
    parse_error(&(HEADER.to_string() + "--- stdout\n" + body))
}

#[test]
fn ordered_lines_pass_in_order_and_fail_out_of_order() {
    assert!(passes("a\nb\n", "a\nb\n"));
    assert!(!passes("a\nb\n", "b\na\n"));
}

#[test]
fn every_line_must_be_matched() {
    let v = check("a\n", "a\nextra\n");
    assert!(!v.passed());
    assert_eq!(v.failures[0].output_line, Some((2, "extra".to_string())));
    assert!(v.failures[0].reason.contains("unexpected line"));
}

#[test]
fn a_missing_line_names_the_spec_line() {
    let v = check("a\nb\n", "a\n");
    assert!(!v.passed());
    let f = &v.failures[0];
    assert_eq!(f.spec_line, Some((6, "b".to_string())));
    assert!(f.reason.contains("ended"), "{}", f.reason);
}

#[test]
fn wildcard_matches_any_text_within_a_line() {
    assert!(passes(
        "Total time: [..] seconds\n",
        "Total time: 6.01 seconds\n"
    ));
    assert!(passes("[..]\n", "\n"));
    assert!(passes("a[..]b[..]c\n", "a-b-b-c\n"));
    assert!(!passes(
        "Total time: [..] seconds\n",
        "Total time: 6.01 minutes\n"
    ));
    // A wildcard stays within one line.
    assert!(!passes("a[..]\n", "a\nb\n"));
}

#[test]
fn any_lines_matches_zero_or_more_lines() {
    assert!(passes("start\n...\nend\n", "start\nend\n"));
    assert!(passes("start\n...\nend\n", "start\nx\ny\nend\n"));
    assert!(passes("...\n", ""));
    assert!(!passes("start\n...\nend\n", "start\nx\n"));
}

#[test]
fn any_order_group_accepts_every_permutation_once() {
    let body = "@any-order\nA\nB\nC\n@end\ndone\n";
    assert!(passes(body, "A\nB\nC\ndone\n"));
    assert!(passes(body, "C\nA\nB\ndone\n"));
    // Each member matches one line: a repeated line leaves another unmatched.
    assert!(!passes(body, "A\nA\nC\ndone\n"));
    // The group is a block: `done` may not come inside it.
    assert!(!passes(body, "A\ndone\nB\nC\n"));
}

#[test]
fn any_order_group_reports_the_offending_line() {
    let v = check("@any-order\nA\nB\n@end\n", "A\nZ\n");
    let f = &v.failures[0];
    assert_eq!(f.output_line, Some((2, "Z".to_string())));
    assert!(f.reason.contains("@any-order"), "{}", f.reason);
}

#[test]
fn any_order_group_with_overlapping_patterns_backtracks() {
    // Greedy assignment would give `x` to `[..]` and then fail on `y`.
    assert!(passes("@any-order\n[..]\ny\n@end\n", "y\nx\n"));
    assert!(passes("@any-order\n[..]\nx\n@end\n", "x\nz\n"));
}

#[test]
fn optional_line_may_be_absent_or_present() {
    let body = "a\n@optional maybe\nb\n";
    assert!(passes(body, "a\nb\n"));
    assert!(passes(body, "a\nmaybe\nb\n"));
    assert!(!passes(body, "a\nmaybe\nmaybe\nb\n"));
}

#[test]
fn optional_member_of_a_group() {
    let body = "@any-order\nMain program running\n@optional Number: 0\n@end\n";
    assert!(passes(body, "Main program running\n"));
    assert!(passes(body, "Number: 0\nMain program running\n"));
    assert!(passes(body, "Main program running\nNumber: 0\n"));
    assert!(!passes(body, "Number: 0\n"));
}

#[test]
fn not_forbids_a_line_anywhere() {
    let body = "...\n@not Done\n";
    assert!(passes(body, "Task 1\nTask 2\n"));
    let v = check(body, "Task 1\nDone\n");
    assert!(!v.passed());
    assert_eq!(v.failures[0].output_line, Some((2, "Done".to_string())));
    assert!(
        v.failures[0]
            .spec_line
            .as_ref()
            .unwrap()
            .1
            .contains("@not Done")
    );
}

#[test]
fn number_window_is_inclusive() {
    let body = "Total time: {2.00..2.10} seconds\n";
    assert!(passes(body, "Total time: 2.00 seconds\n"));
    assert!(passes(body, "Total time: 2.10 seconds\n"));
    let v = check(body, "Total time: 3.01 seconds\n");
    assert!(!v.passed());
    assert!(
        v.failures[0]
            .reason
            .contains("3.01 is above the upper bound 2.10"),
        "{}",
        v.failures[0].reason
    );
    let v = check(body, "Total time: 1.99 seconds\n");
    assert!(
        v.failures[0].reason.contains("below"),
        "{}",
        v.failures[0].reason
    );
    // `..=` means the same as `..`.
    assert!(passes("{1..=3}\n", "3\n"));
}

#[test]
fn number_bounds_one_sided_exact_and_any() {
    assert!(passes(
        "Final counter: {..=200000}\n",
        "Final counter: 200000\n"
    ));
    assert!(!passes(
        "Final counter: {..=200000}\n",
        "Final counter: 200001\n"
    ));
    assert!(passes("Speedup: {1.5..}x\n", "Speedup: 1.93x\n"));
    assert!(!passes("Speedup: {1.5..}x\n", "Speedup: 1.02x\n"));
    assert!(passes("{24157817}\n", "24157817\n"));
    assert!(!passes("{24157817}\n", "24157816\n"));
    assert!(passes("pid {..}\n", "pid 1234\n"));
    assert!(passes("{..}\n", "-3.5\n"));
    // A placeholder needs a number.
    assert!(!passes("pid {..}\n", "pid abc\n"));
}

#[test]
fn integers_compare_exactly_beyond_f64_precision() {
    // 2333330833333500000 and ...499999 are the same f64.
    let body = "Sum: {2333330833333500000}\n";
    assert!(passes(body, "Sum: 2333330833333500000\n"));
    assert!(!passes(body, "Sum: 2333330833333499999\n"));
}

const SPEEDUP: &str =
    "section: 4\nabout: x\nmode: alone\n--- stdout\nSpeedup: {1.5.. | free-cores}x\n";

#[test]
fn free_cores_checks_are_skipped_on_a_busy_machine() {
    let s = Spec::parse(SPEEDUP).unwrap();
    assert!(s.needs_free_cores());
    assert!(!spec("a {1..}\n").needs_free_cores());
    let run = ok_run("Speedup: 1.10x\n");
    // Free machine: enforced, and the failure says it needs free cores.
    let v = s.check(&run, &machine(true));
    assert!(!v.passed());
    assert!(v.failed_only_on_free_cores());
    assert_eq!(v.cores.as_ref().map(|c| c.enforced), Some(true));
    // Busy machine: not enforced, and recorded as skipped with the evidence.
    let v = s.check(&run, &machine(false));
    assert!(v.passed());
    assert_eq!(v.skipped.len(), 1);
    assert_eq!(v.skipped[0].value, "1.10");
    let cores = v.cores.expect("a decision is recorded");
    assert!(!cores.enforced);
    assert_eq!(cores.evidence, ["the machine looked busy"]);
    // The line must still be there with a number.
    assert!(
        !s.check(&ok_run("Speedup: fast\n"), &machine(false))
            .passed()
    );
    // A busy run judges nothing, not even a value that would pass.
    let v = s.check(&ok_run("Speedup: 1.90x\n"), &machine(false));
    assert_eq!(v.skipped.len(), 1);
    // A spec without free-cores checks records no decision.
    assert!(check("a {1..}\n", "a 2\n").cores.is_none());
}

const EVIDENCE: &str = "section: 4\nabout: x\nmode: alone\n--- stdout\n\
    Speedup: {1.5.. | free-cores}x, CPU per unit {..=1.25 | evidence}x\n";

#[test]
fn the_programs_evidence_decides_with_the_machines() {
    let s = Spec::parse(EVIDENCE).unwrap();
    // Shared hardware: each core did half the work per second. The machine
    // looked free, but the program's evidence says otherwise: skipped.
    let v = s.check(
        &ok_run("Speedup: 1.02x, CPU per unit 1.96x\n"),
        &machine(true),
    );
    assert!(v.passed(), "{:?}", v.failures);
    let cores = v.cores.expect("a decision");
    assert!(!cores.enforced);
    assert!(
        cores.evidence[1].contains("printed 1.96 outside {..=1.25} (spec line 5)"),
        "{:?}",
        cores.evidence
    );
    // Serialized work on free cores: the evidence is fine, so the speedup
    // check is enforced and fails.
    let v = s.check(
        &ok_run("Speedup: 1.02x, CPU per unit 1.01x\n"),
        &machine(true),
    );
    assert!(!v.passed());
    assert!(v.failed_only_on_free_cores());
    let cores = v.cores.expect("a decision");
    assert!(cores.enforced);
    assert!(
        cores.evidence[1].contains("1.01 within"),
        "{:?}",
        cores.evidence
    );
    // Good evidence cannot overrule a busy machine.
    let v = s.check(
        &ok_run("Speedup: 1.02x, CPU per unit 1.01x\n"),
        &machine(false),
    );
    assert!(v.passed());
    assert!(!v.cores.expect("a decision").enforced);
    // Evidence is never a check of its own.
    let v = s.check(
        &ok_run("Speedup: 1.95x, CPU per unit 9.00x\n"),
        &machine(true),
    );
    assert!(v.passed());
    assert!(!v.cores.expect("a decision").enforced);
    // A parallel run on free cores passes.
    assert!(
        s.check(
            &ok_run("Speedup: 1.95x, CPU per unit 1.01x\n"),
            &machine(true)
        )
        .passed()
    );
}

#[test]
fn evidence_needs_a_free_cores_check_to_decide() {
    let e =
        Spec::parse("section: 4\nabout: x\n--- stdout\nCPU {..=1.25 | evidence}x\n").unwrap_err();
    assert_eq!(e.line, 4);
    assert!(e.message.contains("has none"), "{e}");
}

#[test]
fn wall_time_is_the_verifiers_not_the_programs() {
    let s = Spec::parse(&format!(
        "{HEADER}wall: {{2.00..2.60}}\n--- stdout\nTotal time: {{2.00..2.10}} seconds\n"
    ))
    .unwrap();
    assert_eq!(s.wall_bounds(), Some("2.00..2.60"));
    let mut run = ok_run("Total time: 2.00 seconds\n");
    // The program prints 2.00 s, but only 0.01 s passed: it lied.
    run.wall = Duration::from_millis(10);
    let v = s.check(&run, &machine(true));
    assert!(!v.passed());
    assert!(
        v.failures[0]
            .reason
            .contains("0.010 is below the lower bound 2.00"),
        "{:?}",
        v.failures
    );
    run.wall = Duration::from_millis(2004);
    assert!(s.check(&run, &machine(true)).passed());
    run.wall = Duration::from_millis(2700);
    assert!(!s.check(&run, &machine(true)).passed());
    for bad in [
        "wall: 2.00..2.60",
        "wall: {2..1}",
        "wall: {1.. | free-cores}",
        "wall: {x}",
    ] {
        let e = Spec::parse(&format!("{HEADER}{bad}\n--- stdout\n")).unwrap_err();
        assert_eq!(e.line, 4, "{bad}: {e}");
    }
}

#[test]
fn numbers_of_matched_lines_are_reported() {
    let v = check("a {1..3}\n@any-order\nb {..}\n@end\n", "a 2\nb 7\n");
    let values: Vec<_> = v
        .numbers
        .iter()
        .map(|c| (c.value.as_str(), c.bounds.as_str()))
        .collect();
    assert_eq!(values, [("2", "1..3"), ("7", "..")]);
}

#[test]
fn escapes_and_blank_lines() {
    assert!(passes("\\...\n\\@end\n", "...\n@end\n"));
    assert!(passes("a\n\\\nb\n", "a\n\nb\n"));
    assert!(passes("set {{1, 2}\n", "set {1, 2}\n"));
    // Blank lines and `# ` comments in a section are ignored.
    assert!(passes("# a comment\na\n\nb\n", "a\nb\n"));
}

#[test]
fn exit_status_is_checked() {
    let s = Spec::parse(&format!("{HEADER}status: 3\n--- stdout\n...\n")).unwrap();
    let mut run = ok_run("");
    assert!(!s.check(&run, &machine(true)).passed());
    run.exit = Exit::Code(3);
    assert!(s.check(&run, &machine(true)).passed());
    run.exit = Exit::Signal(9);
    assert!(
        s.check(&run, &machine(true)).failures[0]
            .reason
            .contains("signal 9")
    );
}

#[test]
fn timeout_fails_the_run() {
    let s = spec("...\n");
    let mut run = ok_run("");
    run.exit = Exit::TimedOut;
    let v = s.check(&run, &machine(true));
    assert!(!v.passed());
    assert!(v.failures[0].reason.contains("timed out"));
}

#[test]
fn leftover_processes_fail_the_run() {
    let mut run = ok_run("");
    run.left_processes = true;
    assert!(!spec("...\n").check(&run, &machine(true)).passed());
}

#[test]
fn stderr_is_checked_separately_and_must_be_empty_by_default() {
    let mut run = ok_run("out\n");
    run.stderr = "warning\n".to_string();
    assert!(!spec("out\n").check(&run, &machine(true)).passed());
    let s = Spec::parse(&format!("{HEADER}--- stdout\nout\n--- stderr\nwarning\n")).unwrap();
    assert!(s.check(&run, &machine(true)).passed());
    // A line on the wrong stream fails.
    let s = Spec::parse(&format!("{HEADER}--- stdout\nout\nwarning\n")).unwrap();
    let v = s.check(&run, &machine(true));
    assert!(!v.passed());
}

#[test]
fn header_defaults_and_values() {
    let s = spec("...\n");
    assert_eq!(s.status, 0);
    assert_eq!(s.timeout, Duration::from_secs(30));
    assert!(s.args.is_empty());
    let s = Spec::parse(
        "section: 9\nabout: x\nargs: --n 10\ntimeout: 500ms\nmode: alone\n--- stdout\n...\n",
    )
    .unwrap();
    assert_eq!(s.args, ["--n", "10"]);
    assert_eq!(s.timeout, Duration::from_millis(500));
    assert_eq!(s.mode, Mode::Alone);
    assert_eq!(s.section, "9");
}

#[test]
fn malformed_specs_name_the_line() {
    assert_eq!(parse_error("section: 1\nabout: x\nbogus: 1\n").line, 3);
    assert_eq!(parse_error("section: 1\nsection: 2\nabout: x\n").line, 2);
    assert!(parse_error("about: x\n").message.contains("section"));
    assert_eq!(parse_error("section: 1\nabout: x\nstatus: zero\n").line, 3);
    assert_eq!(parse_error("section: 1\nabout: x\ntimeout: 10\n").line, 3);
    assert_eq!(parse_error("section: 1\nabout: x\nmode: fast\n").line, 3);
    assert_eq!(parse_error(&format!("{HEADER}--- stdin\n")).line, 4);
    assert_eq!(
        parse_error(&format!("{HEADER}--- stdout\n@any-order\na\n")).line,
        5
    );
    assert_eq!(parse_error(&format!("{HEADER}--- stdout\n@end\n")).line, 5);
    assert_eq!(
        parse_error(&format!("{HEADER}--- stdout\n@any-order\n...\n@end\n")).line,
        6
    );
    assert_eq!(
        parse_error(&format!("{HEADER}--- stdout\n@sometimes a\n")).line,
        5
    );
    assert_eq!(body_error("x {1..\n").line, 5);
    assert_eq!(body_error("x {abc}\n").line, 5);
    assert_eq!(body_error("x {3..1}\n").line, 5);
    assert_eq!(body_error("x {1.. | hot}\n").line, 5);
    assert_eq!(body_error("x {}\n").line, 5);
    // HEADER says `beside-others`: free-cores checks need `mode: alone`.
    assert_eq!(body_error("ok\nx {1.. | free-cores}\n").line, 6);
    assert_eq!(
        parse_error(&format!("{HEADER}--- stdout\na\n--- stdout\n")).line,
        6
    );
}

#[test]
fn long_outputs_with_many_gaps_stay_fast() {
    // Without remembering dead states this is exponential.
    let body = "...\nx\n...\nx\n...\nx\n...\nend\n";
    let out = "x\n".repeat(300);
    assert!(!passes(body, &out));
}
