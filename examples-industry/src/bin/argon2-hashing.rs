//! Guide extra answer 3, password hashing: the argon2 crate with its
//! recommended parameters, each password hashed and verified on one thread
//! and then with rayon's `par_iter` on every core.
//!
//! Run: `cargo run -p examples-industry --bin argon2-hashing`
//!
//! Look for: passwords a second both ways, the speedup (about 1.8x on two
//! free cores), cores busy, and the memory line: every hash in flight holds
//! its own 19 MiB, so N at once cost N times that. That memory is the point
//! of Argon2: it makes guessing on a GPU as costly as logging in.
//!
//! What Rust changes: no GIL, so the threads hash in parallel (Python's
//! argon2-cffi gets there because CFFI releases the GIL in C). The `Argon2`
//! value is shared by `&` reference: `par_iter` needs it to be `Sync`,
//! and the compiler checks that it is.
//!
//! New here: `Argon2::default()`, `SaltString`, `PasswordHasher`,
//! `PasswordVerifier`, PHC strings; rayon's `par_iter` and `broadcast`.
//!
//! Try: `Params::new(65536, 3, 1, None)` with `Argon2::new`: 64 MiB a hash,
//! slower, and the memory line grows with it.
//!
//! Copy: add to Cargo.toml (the profile too: unoptimized, argon2 is about
//! twenty times slower):
//!
//! ```toml
//! [dependencies]
//! argon2 = { version = "0.5", default-features = false, features = ["std"] }
//! nix = { version = "0.30", features = ["time"] }
//! rayon = "1.11"
//!
//! [profile.dev]
//! opt-level = 3
//! ```

use std::process::ExitCode;
use std::sync::Barrier;
use std::time::Instant;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rayon::ThreadPoolBuilder;
use rayon::prelude::*;

#[cfg(unix)]
use nix::time::{ClockId, clock_gettime};

/// How many passwords each way hashes and verifies.
const PASSWORDS: usize = 16;
/// Best of ROUNDS: one stall on a shared machine then spoils one round only.
const ROUNDS: usize = 3;

/// The n-th user's password: made up, the same on every run.
fn password(n: usize) -> String {
    format!("correct horse battery staple {n}")
}

/// The n-th password's salt. A benchmark wants the same work on every run
/// and both ways, so each salt is derived from its index. A real system
/// calls `SaltString::generate(&mut OsRng)` for every password it stores,
/// as `new_password` does: no two users may share a salt.
fn benchmark_salt(n: usize) -> Result<SaltString, String> {
    let mut bytes = *b"benchmark salt..";
    bytes[..8].copy_from_slice(&(n as u64).to_le_bytes());
    SaltString::encode_b64(&bytes).map_err(|e| format!("encoding a salt failed: {e}"))
}

/// Sign-up, then a log-in: the PHC string (`$argon2id$v=19$m=..,t=..,p=..$`
/// salt `$` hash) is what the database keeps; `verify_password` reads the
/// parameters and the salt back out of it and hashes the password again.
fn hash_and_verify(argon2: &Argon2, password: &str, salt: &SaltString) -> Result<String, String> {
    let phc = argon2
        .hash_password(password.as_bytes(), salt)
        .map_err(|e| format!("hashing failed: {e}"))?
        .to_string();
    let parsed = PasswordHash::new(&phc).map_err(|e| format!("reading {phc} failed: {e}"))?;
    argon2
        .verify_password(password.as_bytes(), &parsed)
        .map_err(|e| format!("a password did not verify: {e}"))?;
    Ok(phc)
}

/// Every password, on whatever rayon pool this runs in. `iter()` in place
/// of `par_iter()` is the same program on one thread; the results come
/// back in input order either way.
fn hash_all(argon2: &Argon2, passwords: &[(String, SaltString)]) -> Result<Vec<String>, String> {
    passwords
        .par_iter()
        .map(|(password, salt)| hash_and_verify(argon2, password, salt))
        .collect()
}

/// The real API once: a random salt from the operating system, the hash,
/// the right password accepted and a wrong one refused. Returns the PHC
/// string's fixed start and the lengths of its salt and hash (a hash is
/// never printed: whoever has it can guess passwords offline).
fn new_password(argon2: &Argon2) -> Result<(String, usize, usize), String> {
    let salt = SaltString::generate(&mut OsRng);
    let phc = argon2
        .hash_password(b"hunter42", &salt)
        .map_err(|e| format!("hashing failed: {e}"))?
        .to_string();
    let parsed = PasswordHash::new(&phc).map_err(|e| format!("reading the hash failed: {e}"))?;
    if argon2.verify_password(b"hunter42", &parsed).is_err() {
        return Err("the right password was refused".to_string());
    }
    if argon2.verify_password(b"hunter43", &parsed).is_ok() {
        return Err("a wrong password was accepted".to_string());
    }
    // `$argon2id$v=19$m=19456,t=2,p=1$SALT$HASH`
    let parts: Vec<&str> = phc.split('$').collect();
    let [_, _, _, _, salt, hash] = parts[..] else {
        return Err(format!(
            "unexpected PHC string layout: {} parts",
            parts.len()
        ));
    };
    Ok((parts[..4].join("$") + "$", salt.len(), hash.len()))
}

/// A `kB` line of `/proc/self/status` in MiB: `VmRSS` (resident now) or
/// `VmHWM` (the peak so far). `None` where there is no such file: only
/// Linux has it.
fn status_mib(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| {
        let kib = line.strip_prefix(field)?.strip_prefix(':')?;
        let kib = kib.trim().strip_suffix("kB")?.trim().parse::<f64>().ok()?;
        Some(kib / 1024.0)
    })
}

/// Peak memory above the start, in MiB, for one hash and then for one
/// hash on each of the pool's threads at once. Measured before any other
/// hash: the allocator keeps some freed memory for reuse, which would count
/// in every later peak. `None` without `/proc/self/status`.
fn hash_memory(argon2: &Argon2, threads: usize) -> Result<Option<(f64, f64)>, String> {
    let Some(start) = status_mib("VmRSS") else {
        return Ok(None);
    };
    let peak = || status_mib("VmHWM").ok_or("/proc/self/status has no VmHWM line");
    let salt = benchmark_salt(0)?;
    argon2
        .hash_password(b"one", &salt)
        .map_err(|e| format!("hashing failed: {e}"))?;
    let one = peak()? - start;
    // `broadcast` runs the closure once on every thread of the pool; the
    // barrier holds each until all have started, so all are in flight.
    let barrier = Barrier::new(threads);
    let results = rayon::broadcast(|_| {
        barrier.wait();
        argon2.hash_password(b"many", &salt).map(|_| ())
    });
    for result in results {
        result.map_err(|e| format!("hashing failed: {e}"))?;
    }
    Ok(Some((one, peak()? - start)))
}

/// CPU time of every thread of this process so far, in seconds: std has no
/// CPU clock, so nix asks the kernel (`clock_gettime`).
#[cfg(unix)]
fn process_cpu() -> Result<f64, String> {
    let t = clock_gettime(ClockId::CLOCK_PROCESS_CPUTIME_ID)
        .map_err(|e| format!("clock_gettime failed: {e}"))?;
    Ok(t.tv_sec() as f64 + t.tv_nsec() as f64 / 1e9)
}

#[cfg(not(unix))]
fn process_cpu() -> Result<f64, String> {
    Err("the process CPU clock (clock_gettime) needs a Unix system".to_string())
}

/// One timed way: wall and CPU seconds, and its PHC strings.
struct Way {
    wall: f64,
    cpu: f64,
    hashes: Vec<String>,
}

impl Way {
    fn cores_busy(&self) -> f64 {
        self.cpu / self.wall.max(1e-9)
    }
    fn per_second(&self) -> f64 {
        PASSWORDS as f64 / self.wall.max(1e-9)
    }
}

fn timed(work: impl FnOnce() -> Result<Vec<String>, String>) -> Result<Way, String> {
    let cpu_before = process_cpu()?;
    let start = Instant::now();
    let hashes = work()?;
    let wall = start.elapsed().as_secs_f64();
    let cpu = process_cpu()? - cpu_before;
    Ok(Way { wall, cpu, hashes })
}

/// FNV-1a over every PHC string: one number for the whole set.
fn checksum(hashes: &[String]) -> u64 {
    hashes
        .iter()
        .flat_map(|h| h.bytes())
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

fn run() -> Result<(), String> {
    if let Some(arg) = std::env::args_os().nth(1) {
        return Err(format!("argon2-hashing takes no arguments, got {arg:?}"));
    }
    // Rayon's global pool: one thread per core, or `RAYON_NUM_THREADS`.
    // Built here rather than on first use, so that a pool that cannot
    // start is one line, not a panic.
    ThreadPoolBuilder::new()
        .build_global()
        .map_err(|e| format!("starting rayon's thread pool failed: {e}"))?;
    let one_thread = ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .map_err(|e| format!("starting a one-thread pool failed: {e}"))?;
    let threads = rayon::current_num_threads();
    // Argon2id, version 19, m = 19 MiB, t = 2 passes, p = 1 lane: the
    // crate's defaults, the least that OWASP's password storage advice
    // recommends.
    let argon2 = Argon2::default();
    let memory = hash_memory(&argon2, threads)?;
    let params = argon2.params();
    println!(
        "Argon2::default(): Argon2id, m = {} KiB ({:.1} MiB) a hash, t = {} passes, p = {} lane",
        params.m_cost(),
        f64::from(params.m_cost()) / 1024.0,
        params.t_cost(),
        params.p_cost()
    );
    let (start, salt_len, hash_len) = new_password(&argon2)?;
    println!(
        "A new password, salted from OsRng: {start} then a {salt_len}-character salt and a \
         {hash_len}-character hash; it verifies, a wrong one does not"
    );
    match memory {
        Some((one, all)) => println!(
            "Memory (peak RSS above the start): one hash {one:.1} MiB; {threads} at once \
             {all:.1} MiB, {:.1} MiB each",
            all / threads as f64
        ),
        None => {
            println!("Memory: not measured (peak RSS comes from /proc/self/status: Linux only)")
        }
    }
    let passwords = (0..PASSWORDS)
        .map(|n| Ok((password(n), benchmark_salt(n)?)))
        .collect::<Result<Vec<_>, String>>()?;
    println!(
        "Hashing and verifying {PASSWORDS} passwords: one thread vs rayon's pool of {threads}, \
         best of {ROUNDS} interleaved rounds"
    );
    let (mut single, mut pool): (Option<Way>, Option<Way>) = (None, None);
    let faster = |best: Option<Way>, new: Way| match best {
        Some(b) if b.wall <= new.wall => Some(b),
        _ => Some(new),
    };
    for round in 0..ROUNDS {
        // The same function both ways: `install` runs it in the one-thread
        // pool; called from `main`, it runs in the global pool.
        let one = || timed(|| one_thread.install(|| hash_all(&argon2, &passwords)));
        let all = || timed(|| hash_all(&argon2, &passwords));
        if round % 2 == 0 {
            single = faster(single, one()?);
            pool = faster(pool, all()?);
        } else {
            pool = faster(pool, all()?);
            single = faster(single, one()?);
        }
    }
    let (Some(single), Some(pool)) = (single, pool) else {
        return Err("no round was run".to_string());
    };
    if single.hashes != pool.hashes {
        return Err("one thread and the pool produced different PHC strings".to_string());
    }
    println!(
        "One thread: {:.2} seconds, {:.1} passwords a second, {:.2} cores busy",
        single.wall,
        single.per_second(),
        single.cores_busy()
    );
    println!(
        "Rayon's pool, {threads} threads: {:.2} seconds, {:.1} passwords a second, \
         speedup {:.2}x, {:.2} cores busy",
        pool.wall,
        pool.per_second(),
        single.wall / pool.wall.max(1e-9),
        pool.cores_busy()
    );
    println!(
        "The same {PASSWORDS} PHC strings both ways (salts from the password's index), \
         combined {:016x}",
        checksum(&pool.hashes)
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
