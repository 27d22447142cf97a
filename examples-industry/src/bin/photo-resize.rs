//! Guide extra answer 3, image processing: a photo blurred and halved the way
//! a photo editor resizes, on the crates a Rust team picks: `image` reads and
//! writes the PNG, rayon spreads the rows over the cores.
//!
//! Run: `cargo run -p examples-industry --bin photo-resize` (your own picture: `-- PHOTO.png`)
//!
//! Look for: one checksum for one thread and for rayon's pool, the speedup
//! (about 2x on two free cores) and cores busy (CPU time over wall time).
//! The input and the result are PNG files under `target/photo-resize/`.
//!
//! What Rust changes: no GIL, so threads do what tip 4 needs processes for;
//! `par_chunks_mut` hands each thread rows of its own, and the compiler
//! checks that no two threads can write the same pixel.
//!
//! New here: rayon's `par_chunks_mut`, `ThreadPoolBuilder` and `install`;
//! `image`'s `ImageReader` and `RgbImage`; nix's process CPU clock.
//!
//! Try: `RAYON_NUM_THREADS=1` before the command: the pool has one thread,
//! the checksum stays, the speedup goes.
//!
//! Copy: add to Cargo.toml (the profile too: unoptimized, the blur is
//! about forty times slower, minutes in all):
//!
//! ```toml
//! [dependencies]
//! image = { version = "0.25", default-features = false, features = ["png"] }
//! nix = { version = "0.30", features = ["time"] }
//! rayon = "1.11"
//!
//! [profile.dev]
//! opt-level = 3
//! ```

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use image::{ImageFormat, ImageReader, Rgb, RgbImage};
use rayon::ThreadPoolBuilder;
use rayon::prelude::*;

#[cfg(unix)]
use nix::time::{ClockId, clock_gettime};

/// The photo made when none is given: 2.8 megapixels.
const WIDTH: u32 = 1920;
const HEIGHT: u32 = 1440;
/// The blur covers (2 RADIUS) x (2 RADIUS) source pixels per output pixel
/// (at most 12: see `blur_weights`).
const RADIUS: usize = 12;
/// Best of ROUNDS: one stall on a shared machine then spoils one round only.
const ROUNDS: usize = 3;

/// The same picture on every run and every platform: rings, a gradient per
/// colour and fine noise (the noise is what the blur removes). Only `+`,
/// `*`, `/` and `sqrt`, which IEEE 754 rounds exactly; `sin` would come
/// from the platform's maths library, which may differ in the last bit.
fn make_photo() -> RgbImage {
    RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let (dx, dy) = (
            x as f32 - WIDTH as f32 / 2.0,
            y as f32 - HEIGHT as f32 / 2.0,
        );
        let r = (dx * dx + dy * dy).sqrt();
        // splitmix64 of the pixel's index: noise that is the same every run.
        let mut h = u64::from(y * WIDTH + x).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h = (h ^ (h >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        h = (h ^ (h >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        h ^= h >> 31;
        let noise = |shift: u32| ((h >> shift) & 0x3f) as f32 - 32.0;
        let rings = |period: f32| 120.0 * (2.0 * (r / period).fract() - 1.0).abs();
        let channel = |v: f32| v.clamp(0.0, 255.0) as u8;
        Rgb([
            channel(rings(250.0) + 100.0 * x as f32 / WIDTH as f32 + noise(0)),
            channel(rings(345.0) + 100.0 * y as f32 / HEIGHT as f32 + noise(8)),
            channel(rings(440.0) + 60.0 + noise(16)),
        ])
    })
}

/// Binomial weights C(2 RADIUS - 1, k) / 2^(2 RADIUS - 1): the Gaussian of
/// integer arithmetic. Up to RADIUS 12 each is exact in an `f32` (24 bits),
/// so every platform gets the same bytes (a Gaussian's `exp` comes from the
/// platform's maths library, which may differ in the last bit).
fn blur_weights() -> Vec<f32> {
    let n = 2 * RADIUS - 1;
    let mut c = 1u64;
    let mut w = Vec::with_capacity(n + 1);
    for k in 0..=n {
        w.push(c as f32 / (1u64 << n) as f32);
        c = c * (n - k) as u64 / (k + 1) as u64;
    }
    w
}

/// Output row `oy`: each pixel is the weighted block around source pixel
/// (2 ox, 2 oy); at the edges, the edge pixels repeat. Reads only `input`,
/// so every pixel comes out the same whichever thread computes it.
fn blur_row(input: &RgbImage, weights: &[f32], oy: usize, row: &mut [u8]) {
    let (w, h) = (input.width() as isize, input.height() as isize);
    let src: &[u8] = input.as_raw();
    let side = weights.len() as isize;
    let y0 = 2 * oy as isize - side / 2 + 1;
    for (ox, out) in row.chunks_exact_mut(3).enumerate() {
        let x0 = 2 * ox as isize - side / 2 + 1;
        // Red, green and blue side by side, each summed in a fixed order.
        let mut sum = [0.0f32; 3];
        for (j, wj) in weights.iter().enumerate() {
            let y = (y0 + j as isize).clamp(0, h - 1) as usize;
            let line = &src[y * w as usize * 3..][..w as usize * 3];
            let mut acc = [0.0f32; 3];
            for (k, wk) in weights.iter().enumerate() {
                let x = (x0 + k as isize).clamp(0, w - 1) as usize * 3;
                for (a, &v) in acc.iter_mut().zip(&line[x..x + 3]) {
                    *a += wk * f32::from(v);
                }
            }
            for (s, a) in sum.iter_mut().zip(acc) {
                *s += wj * a;
            }
        }
        for (o, s) in out.iter_mut().zip(sum) {
            *o = s.round().clamp(0.0, 255.0) as u8;
        }
    }
}

/// The photo blurred and halved, on whatever rayon pool this runs in.
fn blur_and_halve(input: &RgbImage, weights: &[f32]) -> RgbImage {
    let (width, height) = (input.width() / 2, input.height() / 2);
    let mut out = RgbImage::new(width, height);
    // The one parallel line: rows go to the pool's threads as they free
    // up, each a `&mut [u8]` of its own. `chunks_mut` here would be the
    // same program on one thread.
    out.par_chunks_mut(width as usize * 3)
        .enumerate()
        .for_each(|(oy, row)| blur_row(input, weights, oy, row));
    out
}

/// FNV-1a over the bytes: the same picture gives the same number.
fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
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

/// One timed way: wall and CPU seconds, and its result.
struct Way {
    wall: f64,
    cpu: f64,
    photo: RgbImage,
}

impl Way {
    fn cores_busy(&self) -> f64 {
        self.cpu / self.wall.max(1e-9)
    }
}

fn timed(work: impl FnOnce() -> RgbImage) -> Result<Way, String> {
    let cpu_before = process_cpu()?;
    let start = Instant::now();
    let photo = work();
    let wall = start.elapsed().as_secs_f64();
    let cpu = process_cpu()? - cpu_before;
    Ok(Way { wall, cpu, photo })
}

/// Where the pictures go: `CARGO_TARGET_DIR` when it is an absolute path,
/// else the directory cargo marks with `CACHEDIR.TAG` above this executable
/// (`.../target/release/photo-resize` gives `.../target`); never the
/// current directory.
fn output_dir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from)
        && dir.is_absolute()
    {
        return Ok(dir.join("photo-resize"));
    }
    let exe = std::env::current_exe().map_err(|e| format!("current_exe failed: {e}"))?;
    let target = exe
        .ancestors()
        .skip(1)
        .find(|dir| dir.join("CACHEDIR.TAG").is_file())
        .or_else(|| exe.parent())
        .ok_or("the executable has no directory")?;
    Ok(target.join("photo-resize"))
}

/// The photo named on the command line, or the generated one, made (and
/// written) if it is not there yet; with where it is and which it was.
fn input_photo(
    arg: Option<OsString>,
    dir: &Path,
) -> Result<(RgbImage, PathBuf, &'static str), String> {
    let (path, how) = match arg {
        Some(path) => (PathBuf::from(path), "yours"),
        None => (dir.join("input.png"), "generated earlier"),
    };
    if how != "yours" && !path.exists() {
        let photo = make_photo();
        // Written under another name, then renamed: a run started meanwhile
        // never reads half a file.
        let part = dir.join(format!("input.png.{}.part", std::process::id()));
        photo
            .save_with_format(&part, ImageFormat::Png)
            .map_err(|e| format!("writing {}: {e}", part.display()))?;
        std::fs::rename(&part, &path).map_err(|e| format!("writing {}: {e}", path.display()))?;
        return Ok((photo, path, "generated now"));
    }
    // Any format the enabled features decode (PNG here), recognised by its
    // first bytes; made RGB whatever it was (grey, alpha, 16 bits).
    let photo = ImageReader::open(&path)
        .and_then(|reader| reader.with_guessed_format())
        .map_err(|e| format!("reading {}: {e}", path.display()))?
        .decode()
        .map_err(|e| format!("decoding {}: {e}", path.display()))?
        .into_rgb8();
    if photo.width() < 2 || photo.height() < 2 {
        return Err(format!(
            "{} is {}x{}: too small to halve",
            path.display(),
            photo.width(),
            photo.height()
        ));
    }
    Ok((photo, path, how))
}

fn run() -> Result<(), String> {
    let mut args = std::env::args_os().skip(1);
    let arg = args.next();
    if args.next().is_some()
        || arg
            .as_ref()
            .is_some_and(|a| a.to_string_lossy().starts_with('-'))
    {
        return Err("usage: photo-resize [PHOTO.png] (one picture at most; `./-x.png` for a name that starts with `-`)".to_string());
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
    // Made before the work, so that an unwritable place fails first.
    let dir = output_dir()?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let (input, path, how) = input_photo(arg, &dir)?;
    let weights = blur_weights();
    println!("Input: {} ({how})", path.display());
    println!(
        "Blur and halve a {}x{} photo into {}x{}: one thread vs rayon's pool of {threads}, \
         best of {ROUNDS} interleaved rounds",
        input.width(),
        input.height(),
        input.width() / 2,
        input.height() / 2
    );
    let (mut single, mut pool): (Option<Way>, Option<Way>) = (None, None);
    let faster = |best: Option<Way>, new: Way| match best {
        Some(b) if b.wall <= new.wall => Some(b),
        _ => Some(new),
    };
    for round in 0..ROUNDS {
        // The same function both ways: `install` runs it in the one-thread
        // pool; called from `main`, it runs in the global pool. Alternate
        // which goes first, so a slow spell at one end hits both.
        let one = || timed(|| one_thread.install(|| blur_and_halve(&input, &weights)));
        let all = || timed(|| blur_and_halve(&input, &weights));
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
    let (sum_single, sum_pool) = (checksum(&single.photo), checksum(&pool.photo));
    if sum_single != sum_pool {
        return Err(format!(
            "the checksums differ: {sum_single:016x} on one thread, {sum_pool:016x} on the pool"
        ));
    }
    println!(
        "One thread: {:.2} seconds, {:.2} cores busy",
        single.wall,
        single.cores_busy()
    );
    println!(
        "Rayon's pool, {threads} threads: {:.2} seconds, speedup {:.2}x, {:.2} cores busy",
        pool.wall,
        single.wall / pool.wall.max(1e-9),
        pool.cores_busy()
    );
    println!("Checksum: {sum_single:016x} on one thread and on the pool");
    let result = dir.join("result.png");
    pool.photo
        .save_with_format(&result, ImageFormat::Png)
        .map_err(|e| format!("writing {}: {e}", result.display()))?;
    println!(
        "Wrote {} ({}x{})",
        result.display(),
        pool.photo.width(),
        pool.photo.height()
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
