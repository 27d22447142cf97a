//! Every integration test of this crate, in one test binary: cargo runs
//! test binaries one after another but the tests of one binary side by side,
//! so the idle client's 5 s wait in `web_server` overlaps the chat clients
//! and the scraper instead of adding to them (12.5 s -> about 5.5 s), and
//! one binary is linked instead of six. Run one module's tests by path:
//!
//!     cargo test -p examples-async --test it chat:: -- --nocapture

#[path = "../../../xtask/tests/common/error_line.rs"]
mod error_line;
#[path = "../../../xtask/tests/common/reachable.rs"]
mod reachable;
#[path = "../../../xtask/tests/common/spawn_limit.rs"]
mod spawn_limit;

mod bad_input;
mod block_in_place;
mod chat;
mod compile_fail;
mod scraper;
mod web_server;
