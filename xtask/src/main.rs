//! `cargo xtask`: see `xtask/README.md`.

use std::process::ExitCode;

use xtask::flags::{self, Command};
use xtask::{bench, catalog, list, verify};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match flags::parse(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}\n\n{}", flags::USAGE);
            return ExitCode::from(2);
        }
    };
    let root = catalog::workspace_root();
    match command {
        Command::Help => {
            println!("{}", flags::USAGE);
            ExitCode::SUCCESS
        }
        // A broken package is reported after the list of the sound ones.
        Command::List => match catalog::load_lenient(&root) {
            Ok((examples, errors)) => {
                print!("{}", list::render(&examples));
                match errors.first() {
                    None => ExitCode::SUCCESS,
                    Some(e) => fail(e, 2),
                }
            }
            Err(e) => fail(&e, 2),
        },
        Command::Verify { names, repeat } => {
            match verify::run(&root, &verify::Options { names, repeat }) {
                Ok(summary) if summary.failed == 0 => ExitCode::SUCCESS,
                Ok(_) => ExitCode::FAILURE,
                Err(e) => fail(&e.message, e.status),
            }
        }
        Command::Bench { quick } => match bench::run(quick, &root) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&e, 1),
        },
    }
}

fn fail(message: &str, status: u8) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(status)
}
