//! Every integration test of this crate, in one test binary (cargo runs
//! test binaries one after another, but the tests of one binary side by
//! side). Run one module's tests by path:
//!
//!     cargo test -p examples-industry --test it bad_input::

#[path = "../../../xtask/tests/common/error_line.rs"]
mod error_line;
#[path = "../../../xtask/tests/common/reachable.rs"]
mod reachable;
#[path = "../../../xtask/tests/common/spawn_limit.rs"]
mod spawn_limit;

mod bad_input;
