//! The library of examples-process, used by its measuring and extra
//! binaries (never by the guide programs `process` and `multiprocessing`,
//! which copy alone): one concept per module.

// fork, waitpid, pipes and shared mappings exist only on Unix: a build
// elsewhere stops here, with a reason instead of a page of unresolved
// `nix` imports.
#[cfg(not(unix))]
compile_error!(
    "examples-process uses fork, waitpid, pipes and shared memory (through nix), \
     which exist only on Unix; every other example crate builds everywhere"
);

pub mod cli;
pub mod fork;
pub mod shared;

pub use cli::{arg_os, count_arg, exit_code};
pub use fork::{Child, Ended, PANIC_EXIT_STATUS, child_eprintln, fork_child, write_all};
pub use shared::SharedCounter;
