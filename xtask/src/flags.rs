//! Command-line flags of `cargo xtask`.

pub const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  list                             every example: package, binary, guide section, what it shows, command
  verify [NAME...] [--repeat N]    release build, run and check examples against their specs
                                   (NAME: a binary such as `sync`, or a package such as `examples-locks`)
  bench [--quick]                  measure threads vs tasks vs processes (--quick: under 30 s)
  help                             this text";

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    List,
    Verify { names: Vec<String>, repeat: u32 },
    Bench { quick: bool },
    Help,
}

/// Parses the arguments after `cargo xtask`. The error is one line.
pub fn parse(args: &[String]) -> Result<Command, String> {
    let Some((command, rest)) = args.split_first() else {
        return Ok(Command::Help);
    };
    match command.as_str() {
        "list" => no_more(rest).map(|()| Command::List),
        "help" | "-h" | "--help" => Ok(Command::Help),
        "bench" => match rest {
            [] => Ok(Command::Bench { quick: false }),
            [q] if q == "--quick" => Ok(Command::Bench { quick: true }),
            [other, ..] => Err(format!("bench: unexpected argument `{other}`")),
        },
        "verify" => {
            let mut names = Vec::new();
            let mut repeat = 1;
            let mut it = rest.iter();
            while let Some(arg) = it.next() {
                match arg.as_str() {
                    "--repeat" => {
                        let n = it.next().ok_or("verify: --repeat needs a number")?;
                        repeat = n.parse().ok().filter(|&n| n > 0).ok_or_else(|| {
                            format!("verify: --repeat takes a positive number, not `{n}`")
                        })?;
                    }
                    flag if flag.starts_with('-') => {
                        return Err(format!("verify: unknown flag `{flag}`"));
                    }
                    name => names.push(name.to_string()),
                }
            }
            Ok(Command::Verify { names, repeat })
        }
        other => Err(format!("unknown command `{other}`")),
    }
}

fn no_more(rest: &[String]) -> Result<(), String> {
    match rest.first() {
        None => Ok(()),
        Some(a) => Err(format!("unexpected argument `{a}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Command, String> {
        parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn commands_parse() {
        assert_eq!(p(&[]), Ok(Command::Help));
        assert_eq!(p(&["list"]), Ok(Command::List));
        assert_eq!(p(&["bench", "--quick"]), Ok(Command::Bench { quick: true }));
        assert_eq!(
            p(&["verify", "sync", "--repeat", "20", "race"]),
            Ok(Command::Verify {
                names: vec!["sync".into(), "race".into()],
                repeat: 20
            })
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(p(&["frobnicate"]).is_err());
        assert!(p(&["verify", "--fast"]).unwrap_err().contains("--fast"));
        assert!(p(&["verify", "--repeat"]).is_err());
        assert!(p(&["verify", "--repeat", "0"]).is_err());
        assert!(p(&["list", "extra"]).is_err());
        assert!(p(&["bench", "--slow"]).is_err());
    }
}
