//! Guide extra answer 3 and tip 4, password hashing: many passwords through a deliberately slow
//! hash in N forked processes, on one thread, on N threads: processes against threads. `slow_hash`
//! is NOT a password hash (no memory hardness, never vetted); the real twin, argon2, is
//! `argon2-hashing` in examples-industry.
//!
//! Run: `cargo run -p examples-process --bin password-hashing`
//!
//! Look for: the same digests all three ways, about 2 cores busy both ways (~2.00x on two free
//! cores) and the start-up line: a fork costs several times a thread's spawn, both tiny next to
//! one hash.
//!
//! What Rust changes: threads are parallel (no GIL), so processes buy isolation here, not
//! speed. Every fork comes before the first thread, so each child may run ordinary Rust.
//!
//! New here: forked processes and scoped threads on the same work, `getrusage` for CPU time.
//!
//! Try: `PASSWORDS = 3` on two cores: one worker gets two, the speedups drop.
//!
//! Copy: uses this crate's library (`fork_child`, `write_all`, `arg_os`, `exit_code`), not
//! standalone.

use std::fs::File;
use std::io::Read;
use std::ops::Range;
use std::process::ExitCode;
use std::thread;
use std::time::Instant;

use nix::sys::resource::{UsageWho, getrusage};
use nix::unistd;

use examples_process::{arg_os, exit_code, fork_child, write_all};

/// How many passwords, and how many mixing rounds each (about 7 ms a hash).
const PASSWORDS: usize = 64;
const STRETCH: u64 = 1 << 22;
/// Best of ROUNDS per parallel way: one stall then spoils one round only.
const ROUNDS: usize = 3;
/// Start-up is timed over this many empty processes, and as many threads.
const STARTS: u32 = 20;

/// The n-th password and its salt: made up, the same on every run.
fn password(n: usize) -> (String, u64) {
    (
        format!("user{n:03}:hunter{}", n * 7919 % 1000),
        n as u64 ^ 0x5A17,
    )
}

/// FNV-1a over salt and password, then STRETCH rounds of a multiply-xorshift
/// mix. Each round needs the previous one, so a single hash cannot be split
/// across cores: only many hashes can. Written out here, not `DefaultHasher`,
/// whose algorithm may change between Rust releases.
fn slow_hash(password: &str, salt: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for &b in salt.to_le_bytes().iter().chain(password.as_bytes()) {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    for round in 0..STRETCH {
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= salt.wrapping_add(round);
    }
    h
}

/// The digests of passwords `range`, in order.
fn hash_range(range: Range<usize>) -> Vec<u64> {
    range
        .map(|n| {
            let (pw, salt) = password(n);
            slow_hash(&pw, salt)
        })
        .collect()
}

/// Which passwords worker `k` of `workers` hashes: equal contiguous shares.
fn share(k: usize, workers: usize) -> Range<usize> {
    k * PASSWORDS / workers..(k + 1) * PASSWORDS / workers
}

/// One timed way: wall and CPU seconds, and the digests it produced.
struct Way {
    wall: f64,
    cpu: f64,
    digests: Vec<u64>,
}

impl Way {
    fn cores_busy(&self) -> f64 {
        self.cpu / self.wall.max(1e-9)
    }
}

/// User + system seconds of this process (`RUSAGE_SELF`, every thread) or
/// of its reaped children (`RUSAGE_CHILDREN`).
fn cpu_seconds(who: UsageWho) -> Result<f64, String> {
    let usage = getrusage(who).map_err(|e| format!("getrusage failed: {e}"))?;
    let seconds = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 + t.tv_usec() as f64 / 1e6;
    Ok(seconds(usage.user_time()) + seconds(usage.system_time()))
}

fn on_one_thread() -> Result<Way, String> {
    let cpu_before = cpu_seconds(UsageWho::RUSAGE_SELF)?;
    let start = Instant::now();
    let digests = hash_range(0..PASSWORDS);
    let wall = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds(UsageWho::RUSAGE_SELF)? - cpu_before;
    Ok(Way { wall, cpu, digests })
}

/// Python's `Pool(N).map`, by hand: one forked child per share, each writing
/// its digests back through a pipe of its own.
fn in_processes(workers: usize) -> Result<Way, String> {
    let cpu_before = cpu_seconds(UsageWho::RUSAGE_CHILDREN)?;
    let start = Instant::now();
    let mut children = Vec::with_capacity(workers);
    for k in 0..workers {
        let (read_end, write_end) = unistd::pipe().map_err(|e| format!("pipe failed: {e}"))?;
        // SAFETY: no thread has been started yet (the thread ways run after
        // every fork), so the child inherits no lock held by a lost thread.
        let child = unsafe {
            fork_child(|| {
                let bytes: Vec<u8> = hash_range(share(k, workers))
                    .iter()
                    .flat_map(|d| d.to_le_bytes())
                    .collect();
                write_all(&write_end, &bytes);
                0
            })
        };
        // On an error, dropping `children` kills and reaps the others.
        let child = child.map_err(|e| e.to_string())?;
        // The parent's copy of the write end must go, or the read below
        // would never see end-of-file (and later children would inherit it).
        drop(write_end);
        children.push((child, File::from(read_end)));
    }
    let mut digests = Vec::with_capacity(PASSWORDS);
    for (k, (child, pipe)) in children.iter_mut().enumerate() {
        let mut bytes = Vec::new();
        pipe.read_to_end(&mut bytes)
            .map_err(|e| format!("reading a child's pipe: {e}"))?;
        let ended = child.wait().map_err(|e| format!("waitpid failed: {e}"))?;
        if !ended.success() {
            return Err(format!("child {} {ended}", child.pid()));
        }
        if bytes.len() != 8 * share(k, workers).len() {
            return Err(format!("child {} sent {} bytes", child.pid(), bytes.len()));
        }
        digests.extend(
            bytes
                .chunks_exact(8)
                .map(|b| u64::from_le_bytes(b.try_into().unwrap_or_default())),
        );
    }
    let wall = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds(UsageWho::RUSAGE_CHILDREN)? - cpu_before;
    Ok(Way { wall, cpu, digests })
}

/// The same shares on scoped threads: results come back as return values.
fn on_threads(workers: usize) -> Result<Way, String> {
    let cpu_before = cpu_seconds(UsageWho::RUSAGE_SELF)?;
    let start = Instant::now();
    let digests = thread::scope(|s| {
        let mut handles = Vec::with_capacity(workers);
        for k in 0..workers {
            let handle = thread::Builder::new()
                .spawn_scoped(s, move || hash_range(share(k, workers)))
                .map_err(|e| format!("thread spawn failed: {e}"))?;
            handles.push(handle);
        }
        let mut digests = Vec::with_capacity(PASSWORDS);
        for handle in handles {
            digests.extend(handle.join().map_err(|_| "a hashing thread panicked")?);
        }
        Ok::<_, String>(digests)
    })?;
    let wall = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds(UsageWho::RUSAGE_SELF)? - cpu_before;
    Ok(Way { wall, cpu, digests })
}

/// Microseconds to fork and reap one child that does nothing.
fn fork_start_up() -> Result<f64, String> {
    let start = Instant::now();
    for _ in 0..STARTS {
        // SAFETY: as in `in_processes`: no thread exists yet.
        let mut child = unsafe { fork_child(|| 0) }.map_err(|e| e.to_string())?;
        child.wait().map_err(|e| format!("waitpid failed: {e}"))?;
    }
    Ok(start.elapsed().as_secs_f64() * 1e6 / STARTS as f64)
}

/// Microseconds to spawn and join one thread that does nothing.
fn thread_start_up() -> Result<f64, String> {
    let start = Instant::now();
    for _ in 0..STARTS {
        let handle = thread::Builder::new()
            .spawn(|| {})
            .map_err(|e| format!("thread spawn failed: {e}"))?;
        handle.join().map_err(|_| "an empty thread panicked")?;
    }
    Ok(start.elapsed().as_secs_f64() * 1e6 / STARTS as f64)
}

/// Keeps the faster of two runs of the same way.
fn faster(best: Option<Way>, new: Way) -> Option<Way> {
    match best {
        Some(b) if b.wall <= new.wall => Some(b),
        _ => Some(new),
    }
}

fn run() -> Result<(), String> {
    if let Some(arg) = arg_os(1) {
        return Err(format!("password-hashing takes no arguments, got {arg:?}"));
    }
    let workers = thread::available_parallelism().map_or(2, |n| n.get());
    println!(
        "Hashing {PASSWORDS} passwords, {STRETCH} mixing rounds each (not a real password hash): \
         {workers} processes, then 1 thread and {workers} threads; best of {ROUNDS} interleaved rounds"
    );
    let (mut single, mut processes, mut threads) = (None, None, None);
    // Every fork happens here, before the first thread exists. One thread
    // is timed in both phases, interleaved with each parallel way.
    let fork_us = fork_start_up()?;
    for round in 0..ROUNDS {
        if round % 2 == 0 {
            single = faster(single, on_one_thread()?);
            processes = faster(processes, in_processes(workers)?);
        } else {
            processes = faster(processes, in_processes(workers)?);
            single = faster(single, on_one_thread()?);
        }
    }
    let thread_us = thread_start_up()?;
    for round in 0..ROUNDS {
        if round % 2 == 0 {
            threads = faster(threads, on_threads(workers)?);
            single = faster(single, on_one_thread()?);
        } else {
            single = faster(single, on_one_thread()?);
            threads = faster(threads, on_threads(workers)?);
        }
    }
    let (Some(single), Some(processes), Some(threads)) = (single, processes, threads) else {
        return Err("no round was run".to_string());
    };
    if processes.digests != single.digests || threads.digests != single.digests {
        return Err("the digests differ between the ways".to_string());
    }
    println!(
        "One thread: {:.2} seconds, {:.2} cores busy",
        single.wall,
        single.cores_busy()
    );
    for (name, way) in [("processes", &processes), ("threads", &threads)] {
        let speedup = single.wall / way.wall.max(1e-9);
        println!(
            "{workers} {name}: {:.2} seconds, speedup {speedup:.2}x, {:.2} cores busy",
            way.wall,
            way.cores_busy()
        );
    }
    println!(
        "Start-up: fork + wait {fork_us:.0} µs per process, spawn + join {thread_us:.0} µs per thread \
         (one hash: {:.0} µs)",
        single.wall * 1e6 / PASSWORDS as f64
    );
    // One number for all 64 digests (FNV-1a over their bytes), for the spec.
    let combined = single
        .digests
        .iter()
        .flat_map(|d| d.to_le_bytes())
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
        });
    println!("Digests: the same all three ways, combined {combined:016x}");
    Ok(())
}

fn main() -> ExitCode {
    exit_code(run())
}
