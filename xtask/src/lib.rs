//! The workspace's task runner: `cargo xtask list | verify | bench`.
//!
//! See `xtask/README.md` for the commands and the spec language.

pub mod bench;
