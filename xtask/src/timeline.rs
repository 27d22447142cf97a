//! `cargo xtask timeline NAME [-- ARGS]`: a picture of every thread and
//! process of one run over time.
//!
//! The example is built in release mode (`catalog::build`) and run by the
//! verifier's runner (its own process group, its spec's time limit, an
//! interrupt kills it), while a sampler on a thread of the xtask follows
//! each of its threads and child processes through `/proc` (`sample`). The
//! readings become a trace (`model`), written as an SVG picture (`svg`) and
//! as Chrome trace-event JSON (`chrome`) under `target/timeline/`.
//! `--docs` records the pictures committed under `docs/timelines/`.

pub mod chrome;
pub mod model;
pub mod sample;
pub mod svg;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::catalog::{self, Example};
use crate::cores;
use crate::run::{self, Observer, Stream, Timed};
use crate::spec::Machine;
use model::{Line, Trace};
use sample::Recording;

/// The examples whose pictures are committed, in guide order.
pub const DOCS: [&str; 9] = [
    "sync",
    "multithreading",
    "gil-analog",
    "deadlock",
    "deadlock-ordered",
    "multiprocessing",
    "async-await",
    "event-loop",
    "pool-guard-pitfall",
];

/// Where the committed pictures live, from the workspace root.
pub const DOCS_DIR: &str = "docs/timelines";

/// A run of one example, followed.
#[derive(Debug)]
pub struct Recorded {
    pub trace: Trace,
    pub timed: Timed,
    pub recording: Recording,
}

impl Recorded {
    /// Were two cores free during the run? The sampler's CPU time is the
    /// xtask's own work, counted with the example's, not as "other
    /// processes" (`cores::judge`). `None` without `/proc/stat`.
    pub fn machine(&self) -> Option<Machine> {
        let (before, after) = self.timed.machine?;
        let own = self.timed.cpu + self.recording.cpu;
        Some(cores::judge(before, after, self.timed.run.wall, own))
    }

    /// One line on what was recorded and what the sampler cost.
    pub fn summary(&self) -> String {
        let (max_gap, over) = self.recording.gaps(Duration::from_millis(2));
        format!(
            "{} threads, {} samples every {:.2} ms (longest gap {:.1} ms, {over} over 2 ms); \
             the sampler used {:.1}% of a core; the example took {:.2} s ({:?})",
            self.trace.tracks.len(),
            self.recording.sweeps.len(),
            self.trace.interval * 1000.0,
            max_gap.as_secs_f64() * 1000.0,
            self.recording.cpu_share() * 100.0,
            self.timed.run.wall.as_secs_f64(),
            self.timed.run.exit,
        )
    }
}

/// Told the start and the lines by the runner; owns the sampler, which is
/// started before the example and told its pid as soon as it runs.
#[derive(Default)]
struct Watch {
    sampler: Mutex<Option<sample::Running>>,
    start: Mutex<Option<Instant>>,
    lines: Mutex<Vec<(Instant, Stream, String)>>,
}

impl Observer for Watch {
    fn started(&self, pid: i32, at: Instant) {
        if let Some(s) = self
            .sampler
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            s.follow(pid, at);
        }
        *self.start.lock().unwrap_or_else(|e| e.into_inner()) = Some(at);
    }

    fn line(&self, stream: Stream, at: Instant, text: &str) {
        let mut lines = self.lines.lock().unwrap_or_else(|e| e.into_inner());
        lines.push((at, stream, text.to_string()));
    }
}

/// Runs `program` with `args` (killed past `timeout`) and follows it.
pub fn record(
    name: &str,
    program: &Path,
    args: &[String],
    timeout: Duration,
) -> io::Result<Recorded> {
    let watch = Arc::new(Watch {
        sampler: Mutex::new(Some(sample::Running::new())),
        ..Watch::default()
    });
    let observer: Arc<dyn Observer> = watch.clone();
    let timed = run::run_observed(program, args, timeout, Some(observer));
    let sampler = watch
        .sampler
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take();
    // Stopped whatever happened, so no thread is left sampling.
    let recording = sampler.map(sample::Running::stop).unwrap_or_default();
    let timed = timed?;
    let start = watch
        .start
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .unwrap_or_else(Instant::now);
    let lines = std::mem::take(&mut *watch.lines.lock().unwrap_or_else(|e| e.into_inner()));
    let lines = lines
        .into_iter()
        .map(|(at, stream, text)| Line {
            at: at.saturating_duration_since(start).as_secs_f64(),
            stream,
            text,
        })
        .collect();
    let wall = timed.run.wall.as_secs_f64();
    let trace = Trace::build(name, timed.group, &recording, lines, wall);
    Ok(Recorded {
        trace,
        timed,
        recording,
    })
}

/// Writes `NAME.svg` (and `NAME.json` with `json`) into `dir`.
pub fn write(recorded: &Recorded, dir: &Path, json: bool) -> Result<Vec<PathBuf>, String> {
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let name = &recorded.trace.name;
    let mut written = Vec::new();
    let svg_path = dir.join(format!("{name}.svg"));
    let machine = match recorded.machine() {
        Some(m) if m.free => format!("Cores free during the run: {}.", m.evidence),
        Some(m) => format!("Cores busy during the run: {}.", m.evidence),
        None => String::new(),
    };
    let picture = svg::render(&recorded.trace, recorded.recording.cpu_share(), &machine);
    fs::write(&svg_path, picture).map_err(|e| format!("{}: {e}", svg_path.display()))?;
    written.push(svg_path);
    if json {
        let path = dir.join(format!("{name}.json"));
        let text = serde_json::to_string(&chrome::render(&recorded.trace))
            .map_err(|e| format!("{name}: {e}"))?;
        fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// What went wrong, and the exit status for it.
#[derive(Debug)]
pub struct Error {
    pub message: String,
    pub status: u8,
}

fn error(message: impl Into<String>, status: u8) -> Error {
    Error {
        message: message.into(),
        status,
    }
}

/// Whether this system has the `/proc` the sampler reads.
pub fn supported() -> bool {
    Path::new("/proc/self/task").is_dir() && Path::new("/proc/self/schedstat").is_file()
}

/// The examples named (one binary each), or the committed list.
fn pick(root: &Path, names: &[String]) -> Result<Vec<Example>, Error> {
    let all = catalog::select_sound(root, names).map_err(|e| error(e, 2))?;
    for name in names {
        let bins: Vec<&str> = all
            .iter()
            .filter(|e| &e.package == name)
            .map(|e| e.bin.as_str())
            .collect();
        if bins.len() > 1 {
            return Err(error(
                format!(
                    "`{name}` is a package: name one of its binaries ({})",
                    bins.join(", ")
                ),
                2,
            ));
        }
    }
    Ok(all)
}

/// `cargo xtask timeline`: the command.
pub fn run(root: &Path, name: Option<&str>, args: &[String], docs: bool) -> Result<(), Error> {
    if !supported() {
        return Err(error(
            "timeline follows threads through Linux's /proc (task, stat, schedstat, wchan); this system has none",
            1,
        ));
    }
    let names: Vec<String> = match (name, docs) {
        (Some(n), false) => vec![n.to_string()],
        (None, true) => DOCS.iter().map(|n| n.to_string()).collect(),
        _ => return Err(error("timeline takes one NAME, or --docs", 2)),
    };
    let examples = pick(root, &names)?;
    let target = catalog::target_dir(root).map_err(|e| error(e, 1))?;
    let executables = catalog::build(root).map_err(|e| error(e, 1))?;
    let out_dir = target.join("timeline");
    for example in &examples {
        let exe = executables
            .get(&(example.package.clone(), example.bin.clone()))
            .ok_or_else(|| {
                error(
                    format!("cargo built no executable for `{}`", example.bin),
                    1,
                )
            })?;
        let example_args = if args.is_empty() {
            &example.spec.args
        } else {
            args
        };
        eprintln!("timeline {}: running {}", example.bin, exe.display());
        let recorded = record(&example.bin, exe, example_args, example.spec.timeout)
            .map_err(|e| error(format!("{}: {e}", example.bin), 1))?;
        let mut written = write(&recorded, &out_dir, true).map_err(|e| error(e, 1))?;
        if docs {
            written.extend(write(&recorded, &root.join(DOCS_DIR), false).map_err(|e| error(e, 1))?);
        }
        println!("{}: {}", example.bin, recorded.summary());
        println!(
            "  kernel functions its threads slept in (wchan): {}",
            recorded.recording.wchans.join(", ")
        );
        if let Some(m) = recorded.machine() {
            let verdict = if m.free { "free" } else { "busy" };
            println!("  cores {verdict}: {}", m.evidence);
            if docs && !m.free && example.spec.mode == crate::spec::Mode::Alone {
                println!(
                    "  warning: {} is CPU-bound and the cores were not free: its picture shows a shared machine; record it again when the machine is idle",
                    example.bin
                );
            }
        }
        for path in written {
            let shown = path.strip_prefix(root).unwrap_or(&path);
            println!("  wrote {}", shown.display());
        }
    }
    Ok(())
}
