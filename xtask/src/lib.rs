//! The workspace's task runner: `cargo xtask list | verify | copies | bench | exercise | timeline`.
//!
//! See `xtask/README.md` for the commands and the spec language. `spec` is
//! pure (parse and match); `run` owns processes; `report` owns what is
//! printed; `verify`, `list` and `bench` are thin tasks over them.

pub mod bench;
pub mod catalog;
pub mod copies;
pub mod cores;
pub mod exercise;
pub mod flags;
pub mod interrupt;
pub mod list;
pub mod report;
pub mod run;
pub mod spec;
pub mod timeline;
pub mod verify;

// Examples run in process groups that a timeout kills as a whole (`killpg`),
// and the benchmark reads `/proc`: the xtask is for Unix, Linux first.
#[cfg(not(unix))]
compile_error!("the xtask runs examples in Unix process groups; it builds only on Unix");
