//! Command-line flags of `cargo xtask`, read as `OsString`s by lexopt (a
//! small, dependency-free parser: `--flag=value`, `--`, and a non-UTF-8
//! argument is an error line instead of a panic in `std::env::args`).

use std::ffi::OsString;

pub const USAGE: &str = "\
usage: cargo xtask <command> [--help]

commands:
  list      every example: guide section, what it shows, how to run it
  verify    build in release mode, run and check examples against their specs
  copies    copy each standalone example into a fresh project, build, check it
  bench     measure threads vs tasks vs processes
  exercise  list the exercises, or grade one (docs/exercises.md)
  timeline  draw every thread of one run over time (SVG and Chrome JSON)
  help      this text

`cargo xtask <command> --help` describes one command.";

pub const LIST_HELP: &str = "\
usage: cargo xtask list

Prints every example in guide order: its section, what it shows, and the
command that runs it. The same list is the README's section map.";

pub const VERIFY_HELP: &str = "\
usage: cargo xtask verify [NAME...] [--repeat N] [--distributions]

Builds the examples in release mode, runs each one and checks its output
against its spec (<package>/expected/<binary>.txt).

  NAME             a binary (`sync`) or a package (`examples-locks`); default: all
  --repeat N       N rounds in a row (default 1)
  --distributions  after the summary, every measured number of every spec
                   line (min, 1st percentile, median, max over the runs, and
                   in how many runs the cores were free): where a bound goes

Ends with `N passed, M failed, K skipped` and exits 1 if any run failed.
Checks that need two free cores are skipped, with the evidence, when the run
did not have them.";

pub const COPIES_HELP: &str = "\
usage: cargo xtask copies [NAME...]

Copies every binary that does not use its crate's library into a fresh
cargo project of its own (target/copies/<binary>), with only the dependency
lines its `//!` header states and the workspace's Cargo.lock, builds it
offline in the dev profile (what `cargo run` gives a reader), and checks it
against its spec. The ten guide programs must copy; the others that cannot
are listed with the reason.

  NAME          a binary or a package; default: all";

pub const BENCH_HELP: &str = "\
usage: cargo xtask bench [--quick]

Measures memory, start-up and hand-over costs of threads, tasks and
processes, and CPU scaling, each in a release binary run alone. A full run
takes a few minutes and rewrites docs/bench.md and docs/bench.svg.

  --quick       small sizes, under 30 s; writes only to target/bench/";

pub const EXERCISE_HELP: &str = "\
usage: cargo xtask exercise [NAME] [--hint | --watch | --solution | --reset]

Exercises for learners (docs/exercises.md): each is one file to edit,
<package>/exercises/NAME.rs, a cargo example of its package (`cargo run -p
<package> --example NAME`), graded against a spec of the solved program.

  (no NAME)     list every exercise: section, status, file to edit, goal;
                the status is the last grading's (target/exercises/status/)
  NAME          build NAME.rs as a project of its own (target/exercises/NAME)
                and grade it: each failed check with its spec line, the
                output line and a hint, and the checks not graded because
                the cores were busy, with the evidence
  --hint        print the exercise's general hint
  --watch       grade NAME (default: the first not solved) again on every
                save; once it passes, move on to the next one; Ctrl-C ends
  --solution    print the reference solution (<package>/solutions/NAME.rs)
  --reset       restore NAME.rs as it was handed out, from the grader's copy
                (<package>/expected/exercises/NAME.starter.rs); the edited
                file is saved to target/exercises/NAME/before-reset.rs

Exit status: 0 solved, 1 not yet (or not judged because the cores were
busy), 2 bad input.";

pub const TIMELINE_HELP: &str = "\
usage: cargo xtask timeline NAME [-- ARGS...]
       cargo xtask timeline --docs

Builds the examples in release mode, runs NAME (with ARGS, or its spec's
`args:`) and follows every thread of it and of its child processes through
/proc, about once a millisecond, without changing the program. Writes
target/timeline/NAME.svg (one row per thread, its states in colour, the
printed lines marked, a legend) and target/timeline/NAME.json (Chrome's
trace-event format: open it in ui.perfetto.dev or chrome://tracing).

A thread is running in a sample when its CPU time grew by at least half the
time since the previous sample; otherwise it is named for what the kernel
reports: runnable (waiting for a core), blocked in a futex (lock, join,
channel or condvar), sleeping on a timer, waiting for I/O, for a child.

  NAME          one binary (`deadlock`), not a package
  --docs        record the pictures committed under docs/timelines/
                (sync, multithreading, gil-analog, deadlock, deadlock-ordered,
                multiprocessing, async-await, event-loop, pool-guard-pitfall)

Linux only: elsewhere it says that it needs /proc, and exits 1.";

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    List,
    Verify {
        names: Vec<String>,
        repeat: u32,
        distributions: bool,
    },
    Copies {
        names: Vec<String>,
    },
    Bench {
        quick: bool,
    },
    Exercise {
        name: Option<String>,
        action: crate::exercise::Action,
    },
    Timeline {
        name: Option<String>,
        args: Vec<String>,
        docs: bool,
    },
    /// Print this text and exit 0.
    Help(&'static str),
}

/// A command line that does not parse: one line, and the help to show.
#[derive(Debug, PartialEq, Eq)]
pub struct Error {
    pub message: String,
    pub help: &'static str,
}

/// Parses the arguments after `cargo xtask`.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, Error> {
    let mut help = USAGE;
    parse_inner(args, &mut help).map_err(|message| Error { message, help })
}

fn parse_inner(
    args: impl IntoIterator<Item = OsString>,
    help_text: &mut &'static str,
) -> Result<Command, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let command = match parser.next().map_err(|e| e.to_string())? {
        None => return Ok(Command::Help(USAGE)),
        Some(Long("help") | Short('h')) => return Ok(Command::Help(USAGE)),
        Some(Value(v)) => v
            .into_string()
            .map_err(|v| format!("unknown command `{}`", v.to_string_lossy()))?,
        Some(other) => return Err(other.unexpected().to_string()),
    };
    let help = |text| -> Result<Command, String> { Ok(Command::Help(text)) };
    let context = |e: lexopt::Error| format!("{command}: {e}");
    *help_text = match command.as_str() {
        "list" => LIST_HELP,
        "verify" => VERIFY_HELP,
        "copies" => COPIES_HELP,
        "bench" => BENCH_HELP,
        "exercise" => EXERCISE_HELP,
        "timeline" => TIMELINE_HELP,
        _ => USAGE,
    };
    match command.as_str() {
        "help" => help(USAGE),
        "list" => match parser.next().map_err(context)? {
            None => Ok(Command::List),
            Some(Long("help") | Short('h')) => help(LIST_HELP),
            Some(other) => Err(context(other.unexpected())),
        },
        "bench" => {
            let mut quick = false;
            while let Some(arg) = parser.next().map_err(context)? {
                match arg {
                    Long("quick") => quick = true,
                    Long("help") | Short('h') => return help(BENCH_HELP),
                    other => return Err(context(other.unexpected())),
                }
            }
            Ok(Command::Bench { quick })
        }
        "verify" => {
            let mut names = Vec::new();
            let mut repeat = 1;
            let mut distributions = false;
            while let Some(arg) = parser.next().map_err(context)? {
                match arg {
                    Long("distributions") => distributions = true,
                    Long("repeat") => {
                        let n = parser.value().map_err(context)?;
                        let n = n.to_string_lossy();
                        repeat = n.parse().ok().filter(|&n| n > 0).ok_or_else(|| {
                            format!("verify: --repeat takes a positive number, not `{n}`")
                        })?;
                    }
                    Long("help") | Short('h') => return help(VERIFY_HELP),
                    Value(name) => names.push(utf8_name("verify", name)?),
                    other => return Err(context(other.unexpected())),
                }
            }
            Ok(Command::Verify {
                names,
                repeat,
                distributions,
            })
        }
        "copies" => {
            let mut names = Vec::new();
            while let Some(arg) = parser.next().map_err(context)? {
                match arg {
                    Long("help") | Short('h') => return help(COPIES_HELP),
                    Value(name) => names.push(utf8_name("copies", name)?),
                    other => return Err(context(other.unexpected())),
                }
            }
            Ok(Command::Copies { names })
        }
        "exercise" => {
            use crate::exercise::Action;
            let mut name = None;
            let mut action = Action::Grade;
            while let Some(arg) = parser.next().map_err(context)? {
                let wanted = match arg {
                    Long("solution") => Action::Solution,
                    Long("reset") => Action::Reset,
                    Long("hint") => Action::Hint,
                    Long("watch") => Action::Watch,
                    Long("help") | Short('h') => return help(EXERCISE_HELP),
                    Value(n) if name.is_none() => {
                        name = Some(utf8_name("exercise", n)?);
                        continue;
                    }
                    Value(n) => {
                        return Err(format!(
                            "exercise: one exercise at a time (`{}` is a second)",
                            n.to_string_lossy()
                        ));
                    }
                    other => return Err(context(other.unexpected())),
                };
                if action != Action::Grade && action != wanted {
                    return Err(
                        "exercise: --solution, --reset, --hint and --watch exclude each other"
                            .into(),
                    );
                }
                action = wanted;
            }
            if name.is_none() && !matches!(action, Action::Grade | Action::Watch) {
                return Err(
                    "exercise: --solution, --reset and --hint need an exercise NAME".into(),
                );
            }
            Ok(Command::Exercise { name, action })
        }
        "timeline" => {
            let mut name = None;
            let mut args = Vec::new();
            let mut docs = false;
            while let Some(arg) = parser.next().map_err(context)? {
                match arg {
                    Long("docs") => docs = true,
                    Long("help") | Short('h') => return help(TIMELINE_HELP),
                    Value(n) if name.is_none() => {
                        name = Some(utf8_name("timeline", n)?);
                        // The example's own arguments follow `--`.
                        let mut raw = parser.raw_args().map_err(context)?;
                        if raw.next_if(|a| a == "--").is_some() {
                            for a in raw {
                                args.push(utf8_name("timeline", a)?);
                            }
                        }
                    }
                    Value(n) => {
                        return Err(format!(
                            "timeline: one example at a time (`{}` is a second; its arguments go after `--`)",
                            n.to_string_lossy()
                        ));
                    }
                    other => return Err(context(other.unexpected())),
                }
            }
            match (&name, docs) {
                (None, false) => Err("timeline: name an example, or --docs".into()),
                (Some(_), true) => Err("timeline: --docs records its own list; no NAME".into()),
                _ => Ok(Command::Timeline { name, args, docs }),
            }
        }
        other => Err(format!("unknown command `{other}`")),
    }
}

fn utf8_name(command: &str, name: OsString) -> Result<String, String> {
    name.into_string().map_err(|n| {
        format!(
            "{command}: `{}` is not a valid name (not UTF-8)",
            n.to_string_lossy()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStringExt;

    fn p(args: &[&str]) -> Result<Command, String> {
        parse(args.iter().map(OsString::from)).map_err(|e| e.message)
    }

    #[test]
    fn commands_parse() {
        assert_eq!(p(&[]), Ok(Command::Help(USAGE)));
        assert_eq!(p(&["list"]), Ok(Command::List));
        assert_eq!(p(&["bench", "--quick"]), Ok(Command::Bench { quick: true }));
        assert_eq!(
            p(&["verify", "sync", "--repeat", "20", "race"]),
            Ok(Command::Verify {
                names: vec!["sync".into(), "race".into()],
                repeat: 20,
                distributions: false,
            })
        );
        assert_eq!(
            p(&["verify", "--repeat=3", "--", "sync"]),
            Ok(Command::Verify {
                names: vec!["sync".into()],
                repeat: 3,
                distributions: false,
            })
        );
        assert_eq!(
            p(&["verify", "--distributions", "race"]),
            Ok(Command::Verify {
                names: vec!["race".into()],
                repeat: 1,
                distributions: true,
            })
        );
    }

    #[test]
    fn every_command_has_its_own_help() {
        assert_eq!(p(&["verify", "--help"]), Ok(Command::Help(VERIFY_HELP)));
        assert_eq!(p(&["list", "-h"]), Ok(Command::Help(LIST_HELP)));
        assert_eq!(p(&["bench", "--help"]), Ok(Command::Help(BENCH_HELP)));
        assert_eq!(p(&["--help"]), Ok(Command::Help(USAGE)));
        assert_eq!(p(&["exercise", "--help"]), Ok(Command::Help(EXERCISE_HELP)));
    }

    #[test]
    fn exercise_takes_one_name_and_one_action() {
        use crate::exercise::Action;
        assert_eq!(
            p(&["exercise"]),
            Ok(Command::Exercise {
                name: None,
                action: Action::Grade
            })
        );
        assert_eq!(
            p(&["exercise", "sync-to-threads", "--reset"]),
            Ok(Command::Exercise {
                name: Some("sync-to-threads".into()),
                action: Action::Reset
            })
        );
        assert_eq!(
            p(&["exercise", "--solution", "x"]),
            Ok(Command::Exercise {
                name: Some("x".into()),
                action: Action::Solution
            })
        );
        assert!(
            p(&["exercise", "a", "b"])
                .unwrap_err()
                .contains("one exercise")
        );
        assert!(p(&["exercise", "--reset"]).unwrap_err().contains("need"));
        assert!(p(&["exercise", "--hint"]).unwrap_err().contains("need"));
        assert_eq!(
            p(&["exercise", "--watch"]),
            Ok(Command::Exercise {
                name: None,
                action: Action::Watch
            })
        );
        assert_eq!(
            p(&["exercise", "race-without-mutex", "--hint"]),
            Ok(Command::Exercise {
                name: Some("race-without-mutex".into()),
                action: Action::Hint
            })
        );
        assert!(
            p(&["exercise", "a", "--reset", "--solution"])
                .unwrap_err()
                .contains("exclude")
        );
        assert!(p(&["exercise", "--fast"]).is_err());
    }

    #[test]
    fn timeline_takes_one_name_and_the_examples_arguments_after_dashes() {
        let timeline = |name: Option<&str>, args: &[&str], docs| Command::Timeline {
            name: name.map(String::from),
            args: args.iter().map(|a| a.to_string()).collect(),
            docs,
        };
        assert_eq!(
            p(&["timeline", "deadlock"]),
            Ok(timeline(Some("deadlock"), &[], false))
        );
        assert_eq!(
            p(&["timeline", "chat-demo", "--", "--clients", "3"]),
            Ok(timeline(Some("chat-demo"), &["--clients", "3"], false))
        );
        assert_eq!(p(&["timeline", "--docs"]), Ok(timeline(None, &[], true)));
        assert_eq!(p(&["timeline", "--help"]), Ok(Command::Help(TIMELINE_HELP)));
        assert!(p(&["timeline"]).unwrap_err().contains("name an example"));
        assert!(
            p(&["timeline", "a", "b"])
                .unwrap_err()
                .contains("after `--`")
        );
        assert!(
            p(&["timeline", "a", "--docs"])
                .unwrap_err()
                .contains("no NAME")
        );
        assert!(p(&["timeline", "--fast"]).is_err());
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(p(&["frobnicate"]).is_err());
        assert!(p(&["verify", "--fast"]).unwrap_err().contains("--fast"));
        assert!(p(&["verify", "--repeat"]).is_err());
        assert!(p(&["verify", "--repeat", "0"]).is_err());
        assert!(p(&["list", "extra"]).is_err());
        assert!(p(&["bench", "--slow"]).is_err());
        let not_utf8 = OsString::from_vec(vec![0xff]);
        let e = parse([OsString::from("verify"), not_utf8.clone()]).unwrap_err();
        assert!(e.message.contains("not UTF-8"), "{e:?}");
        assert_eq!(e.help, VERIFY_HELP);
        assert!(
            parse([not_utf8])
                .unwrap_err()
                .message
                .contains("unknown command")
        );
    }
}
