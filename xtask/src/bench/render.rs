//! The bench's tables (Markdown, also what the terminal shows) and the page
//! around them (`target/bench/results.md`, `docs/bench.md`).

use std::fmt::Write;

use super::limits::group;
use super::{Measured, Report, ThreadMemory};

/// A size in KiB, with as many digits as it deserves.
pub fn kib(v: f64) -> String {
    if v < 1.0 {
        format!("{v:.2} KiB ({:.0} bytes)", v * 1024.0)
    } else if v < 100.0 {
        format!("{v:.1} KiB")
    } else {
        format!("{} KiB", group(v.round() as u64))
    }
}

/// A time in microseconds.
pub fn micros(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.2} µs")
    } else if v < 100.0 {
        format!("{v:.1} µs")
    } else {
        format!("{} µs", group(v.round() as u64))
    }
}

fn or_dash(m: Option<Measured>, show: impl Fn(Measured) -> String) -> String {
    m.map_or("—".to_string(), show)
}

/// The thread row with the most threads and the default stack.
pub fn biggest_default_thread(r: &Report) -> Option<&ThreadMemory> {
    r.thread_memory
        .iter()
        .filter(|t| t.stack_kib.is_none())
        .max_by_key(|t| t.n)
}

/// The tables, in Markdown.
pub fn markdown(r: &Report) -> String {
    let mut s = String::new();
    // The summary the guide's own table lacks: one row per kind of unit.
    s.push_str("| | memory per idle unit | start-up per unit | hand-over (round trip) | N sleeping 2 s at once |\n");
    s.push_str("|---|---|---|---|---|\n");
    let thread_mem = biggest_default_thread(r).map_or("—".to_string(), |t| {
        format!(
            "{} resident, {} reserved ({} threads)",
            kib(t.resident_kib),
            kib(t.reserved_kib),
            group(t.n)
        )
    });
    let task_mem = r
        .task_memory
        .iter()
        .max_by_key(|t| t.n)
        .map_or("—".to_string(), |t| {
            format!("{} resident ({} tasks)", kib(t.resident_kib), group(t.n))
        });
    let process_mem = r
        .process_memory
        .iter()
        .max_by_key(|p| p.n)
        .map_or("—".to_string(), |p| {
            format!(
                "{} Pss, {} Rss ({} processes)",
                kib(p.pss_kib),
                kib(p.rss_kib),
                group(p.n)
            )
        });
    let sleep = |s: &Option<super::Sleepers>| {
        s.as_ref().map_or("—".to_string(), |s| {
            format!("{:.2} s = {:.2} × 2 s ({})", s.total_s, s.ratio, group(s.n))
        })
    };
    let _ = writeln!(
        s,
        "| thread | {thread_mem} | {} spawn + join | {} | {} |",
        or_dash(r.thread_startup_us, |m| micros(m.value)),
        or_dash(r.thread_round_trip_us, |m| micros(m.value)),
        sleep(&r.thread_sleepers)
    );
    let _ = writeln!(
        s,
        "| tokio task | {task_mem} | {} spawn + await | {} | {} |",
        or_dash(r.task_startup_us, |m| micros(m.value)),
        or_dash(r.task_round_trip_us, |m| micros(m.value)),
        sleep(&r.task_sleepers)
    );
    let _ = writeln!(
        s,
        "| process | {process_mem} | {} fork + wait, {} spawn + wait | — | — |",
        or_dash(r.fork_us, |m| micros(m.value)),
        or_dash(r.spawn_us, |m| micros(m.value)),
    );

    s.push_str("\nIdle threads (parked on a barrier), by number and stack size:\n\n");
    s.push_str("| threads | stack asked for | reserved (address space) | resident | kernel stack (machine-wide) |\n");
    s.push_str("|---:|---|---:|---:|---:|\n");
    for t in &r.thread_memory {
        let stack = t.stack_kib.map_or("default (2 MiB)".to_string(), |k| {
            format!("{} KiB", group(k))
        });
        let _ = writeln!(
            s,
            "| {} | {stack} | {} | {} | {} |",
            group(t.n),
            kib(t.reserved_kib),
            kib(t.resident_kib),
            kib(t.kernel_stack_kib)
        );
    }

    s.push_str("\nSleeping tokio tasks on one thread, by number:\n\n");
    s.push_str("| tasks | future size | resident |\n|---:|---:|---:|\n");
    for t in &r.task_memory {
        let _ = writeln!(
            s,
            "| {} | {:.0} bytes | {} |",
            group(t.n),
            t.future_bytes,
            kib(t.resident_kib)
        );
    }

    s.push_str("\nIdle forked processes, by number (Rss counts shared pages in every process, Pss splits them):\n\n");
    s.push_str("| processes | Rss | Pss | page tables | kernel stack (machine-wide) |\n");
    s.push_str("|---:|---:|---:|---:|---:|\n");
    for p in &r.process_memory {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            group(p.n),
            kib(p.rss_kib),
            kib(p.pss_kib),
            kib(p.page_tables_kib),
            kib(p.kernel_stack_kib)
        );
    }

    s.push_str("\nCPU-bound work (the §4 sum of squares) split between threads; each speedup is against one thread of its own kind:\n\n");
    s.push_str(
        "| threads | no GIL | speedup | GIL analog | speedup |\n|---:|---:|---:|---:|---:|\n",
    );
    for c in &r.scaling {
        let _ = writeln!(
            s,
            "| {} | {:.3} s | {:.2}× | {:.3} s | {:.2}× |",
            c.threads, c.no_gil_s, c.no_gil_speedup, c.gil_s, c.gil_speedup
        );
    }

    let counts = [
        ("thread start-up", r.thread_startup_us),
        ("task start-up", r.task_startup_us),
        ("fork", r.fork_us),
        ("thread round trips", r.thread_round_trip_us),
        ("task round trips", r.task_round_trip_us),
    ];
    let sizes: Vec<String> = counts
        .iter()
        .filter_map(|(what, m)| m.map(|m| format!("{what} {}", group(m.n))))
        .collect();
    let _ = writeln!(s, "\nMeasured over: {}.", sizes.join(", "));
    for note in &r.notes {
        let _ = writeln!(s, "\nNote: {note}.");
    }
    for failure in &r.failures {
        let _ = writeln!(s, "\nFailed: {failure}.");
    }
    s
}

/// What the guide's own language does, measured once by hand on the
/// project's machine (2 AMD EPYC cores, Linux 6.18) the way the bench's
/// binaries measure: the bench does not run Python, so these stay fixed.
const CPYTHON: &str = "For comparison, CPython 3.11.7 on the machine of this project, \
    measured once in the same way (growth of `RssAnon` with threads parked on a \
    `threading.Barrier`, asyncio tasks asleep): each of 10,000 threads reserved 8,314 KiB \
    and kept 16.6 KiB resident; each of 1,000,000 sleeping asyncio tasks kept 1.45 KiB; \
    and a million `asyncio.sleep(2)` gathered at once took 22.9 s.\n\n";

/// The whole page: where the numbers come from, what they say about the
/// guide, the chart and the tables.
pub fn page(r: &Report, chart_file: &str) -> String {
    let mut s = String::new();
    s.push_str("# Threads, tasks and processes, measured\n\n");
    let _ = writeln!(
        s,
        "Written by `cargo xtask bench{}` on {}, on {}. All numbers are from this one run \
         on a machine that other work was sharing: times vary between runs by tens of \
         percent, memory figures much less. Run it yourself to get yours.\n",
        if r.quick { " --quick" } else { "" },
        r.date,
        r.machine
    );
    let _ = writeln!(
        s,
        "![Memory and start-up cost per unit, log scale]({chart_file})\n"
    );

    s.push_str("## The guide's \"~8 MB per thread\"\n\n");
    let big = r
        .thread_memory
        .iter()
        .filter(|t| t.stack_kib.is_some())
        .max_by_key(|t| t.n);
    match (biggest_default_thread(r), big) {
        (Some(t), Some(b)) => {
            let _ = writeln!(
                s,
                "Extra answer 2 of the guide says every thread uses about 8 MB for its stack. \
                 8 MiB is what a thread *reserves* when it gets the C library's default stack \
                 (`ulimit -s`, which CPython's threads use too): {} threads with 8 MiB stacks took \
                 {} of address space each, but only {} of memory each. Rust's threads reserve \
                 2 MiB by default ({} of address space per thread, with guard pages, signal stacks \
                 and the allocator's arenas) and used {}. The kernel adds a stack of its own per \
                 thread, outside the process: {} measured. The kernel hands out a page only when \
                 a thread first touches it, so an idle thread costs tens of KiB, not megabytes: \
                 {} threads came to about {:.0} MiB in all. What stops a program with many \
                 threads is a limit, not memory: the number of pids (`kernel.pid_max`, \
                 `ulimit -u`), and `vm.max_map_count` (each thread takes a few mappings), which \
                 `cargo xtask bench` checks before it starts.",
                group(b.n),
                kib(b.reserved_kib),
                kib(b.resident_kib),
                kib(t.reserved_kib),
                kib(t.resident_kib),
                kib(t.kernel_stack_kib),
                group(t.n),
                t.n as f64 * (t.resident_kib + t.kernel_stack_kib.max(0.0)) / 1024.0,
            );
        }
        _ => s.push_str("(The thread measurements failed in this run.)\n"),
    }
    if let Some(t) = r.task_memory.iter().max_by_key(|t| t.n) {
        let _ = writeln!(
            s,
            "\nAnd the guide's \"coroutines ~kilobytes each\": a sleeping tokio task took {} at {} tasks. \
             A task is one allocation holding a small header and its future, a state machine \
             of {:.0} bytes here, sized at compile time; there is no stack per task.\n",
            kib(t.resident_kib),
            group(t.n),
            t.future_bytes
        );
    }
    s.push_str(CPYTHON);

    s.push_str("## Tables\n\n");
    s.push_str(&markdown(r));
    s.push_str(
        "\n## How it is measured\n\n\
         Each number comes from an example binary, built with `--release` and run in a \
         process of its own, so one measurement cannot distort the next; each binary runs \
         alone too, with the size as its argument:\n\n\
         - `thread-memory N [STACK_KIB]`, `task-memory N`, `process-memory N`: memory of N \
         idle units, from `/proc/self/status` (`VmSize`, `RssAnon`), the children's \
         `/proc/<pid>/smaps_rollup` (`Rss`, `Pss`) and `/proc/<pid>/status` (`VmPTE`), and \
         the machine-wide `KernelStack` of `/proc/meminfo`, divided by N.\n\
         - `thread-startup N`, `task-startup N`, `process-startup N`: N units started and \
         waited for one after another.\n\
         - `thread-switch N`, `task-switch N`: N round trips of a number between two threads \
         (std channels) or two tasks on one thread (tokio channels).\n\
         - `thread-sleepers N`, `task-sleepers N`: N units each sleeping 2 s, all at once.\n\
         - `cpu-scaling MAX_THREADS REPS` (examples-gil-analog): the §4 work split between \
         1 to MAX_THREADS threads, with and without the GIL analog, best of five.\n\n\
         `cargo xtask bench` first reads the machine's limits (`kernel.threads-max`, \
         `kernel.pid_max`, `ulimit -u`, cgroup `pids.max` and memory limits, \
         `MemAvailable`, `vm.max_map_count`, strict overcommit) and scales a size down, \
         with a note, rather than run into one.\n",
    );
    s
}
