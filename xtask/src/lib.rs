//! The workspace's task runner: `cargo xtask list | verify | bench`.
//!
//! See `xtask/README.md` for the commands and the spec language. `spec` is
//! pure (parse and match); `run` owns processes; `report` owns what is
//! printed; `verify`, `list` and `bench` are thin tasks over them.

pub mod bench;
pub mod catalog;
pub mod cores;
pub mod flags;
pub mod list;
pub mod report;
pub mod run;
pub mod spec;
pub mod verify;
