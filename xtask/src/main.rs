//! `cargo xtask`: see `xtask/README.md`.

use std::process::ExitCode;

use xtask::flags::{self, Command};
use xtask::{bench, catalog, copies, exercise, list, timeline, verify};

fn main() -> ExitCode {
    let command = match flags::parse(std::env::args_os().skip(1)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {}\n\n{}", e.message, e.help);
            return ExitCode::from(2);
        }
    };
    if let Command::Help(text) = command {
        println!("{text}");
        return ExitCode::SUCCESS;
    }
    let root = match catalog::workspace_root() {
        Ok(r) => r,
        Err(e) => return fail(&e, 2),
    };
    match command {
        Command::Help(_) => ExitCode::SUCCESS,
        // A broken package is reported after the list of the sound ones.
        Command::List => match catalog::load_lenient(&root) {
            Ok((examples, broken)) => {
                print!("{}", list::render(&examples));
                match broken.first() {
                    None => ExitCode::SUCCESS,
                    Some(b) => fail(&b.message, 2),
                }
            }
            Err(e) => fail(&e, 2),
        },
        Command::Verify {
            names,
            repeat,
            distributions,
        } => {
            let options = verify::Options {
                names,
                repeat,
                distributions,
                ..Default::default()
            };
            match verify::run(&root, &options) {
                Ok(report) if report.summary.failed == 0 => ExitCode::SUCCESS,
                Ok(_) => ExitCode::FAILURE,
                Err(e) => fail(&e.message, e.status),
            }
        }
        Command::Copies { names } => match copies::run(&root, &names) {
            Ok(report) if report.summary.failed == 0 => ExitCode::SUCCESS,
            Ok(_) => ExitCode::FAILURE,
            Err(e) => fail(&e.message, e.status),
        },
        Command::Exercise { name, action } => match exercise::run(&root, name.as_deref(), action) {
            Ok(status) => ExitCode::from(status),
            Err(e) => fail(&e.message, e.status),
        },
        Command::Timeline { name, args, docs } => {
            match timeline::run(&root, name.as_deref(), &args, docs) {
                Ok(()) => ExitCode::SUCCESS,
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
