//! The industry binaries as processes: bad input and exhausted limits as one
//! line, and real clients (curl and reqwest against `bank-api`,
//! `web-scraper` against Python's `http.server` and against servers that
//! fail, `db-queries` on a database of its own). One test binary, so its
//! tests run side by side (most of them wait). Run one module's tests by
//! path:
//!
//!     cargo test -p examples-industry --test it bank_api:: -- --nocapture

#[path = "../../../xtask/tests/common/error_line.rs"]
mod error_line;
#[path = "../../../xtask/tests/common/reachable.rs"]
mod reachable;
#[path = "../../../xtask/tests/common/spawn_limit.rs"]
mod spawn_limit;

mod bad_input;
mod bank_api;
mod db_queries;
mod release;
mod web_scraper;
