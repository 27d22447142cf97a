//! The library behind the sibling binaries of this crate (the guide's own
//! programs, `async-await` and `event-loop`, need none of it):
//!
//! - [`chat`]: the chat server, run by `chat-server` and `chat-demo`;
//! - [`cli`]: plumbing for the binaries that take arguments (a count, one
//!   `error:` line and a failure exit status).

pub mod chat;
pub mod cli;
