//! Runs the three binaries as processes where no thread can be spawned (a
//! low process limit): each says so in one line and exits with status 1,
//! never a panic. The normal runs are checked against `expected/` by
//! `cargo xtask verify`.

#[path = "../../xtask/tests/common/reachable.rs"]
mod reachable;
#[path = "../../xtask/tests/common/spawn_limit.rs"]
mod spawn_limit;

use spawn_limit::assert_spawn_failure_is_one_line;

#[test]
fn race_spawn_failure_is_one_line() {
    assert_spawn_failure_is_one_line(env!("CARGO_BIN_EXE_race"));
}

#[test]
fn race_unlocked_spawn_failure_is_one_line() {
    assert_spawn_failure_is_one_line(env!("CARGO_BIN_EXE_race-unlocked"));
}

#[test]
fn race_atomic_spawn_failure_is_one_line() {
    assert_spawn_failure_is_one_line(env!("CARGO_BIN_EXE_race-atomic"));
}
