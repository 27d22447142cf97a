//! Guide extra answer 3, image processing: a picture blurred and halved band
//! by band on one thread, then on one thread per core. It shows by hand what
//! rayon hides (a fixed split, one scoped thread per band); its real twin is
//! `photo-resize` in examples-industry (image and `par_chunks_mut`).
//!
//! Run: `cargo run -p examples-threads --bin image-resize`
//!
//! Look for: about 2 cores busy and a speedup near 2.00x on two free cores,
//! and one checksum for every thread count; both pictures are written as
//! PGM under `target/`.
//!
//! What Rust changes: no GIL, so threads do what tip 4 needs processes for;
//! `thread::scope` lets each band borrow the input and its own rows of the
//! result. Real code uses rayon (`par_chunks_mut`) and an image crate.
//!
//! New here: `chunks_mut` (disjoint `&mut` bands), `Builder::spawn_scoped`,
//! the process CPU-time clock (`clock_gettime`).
//!
//! Try: `thread::spawn` for `spawn_scoped`: refused, a band borrows the image.
//!
//! Copy: add to Cargo.toml (the profile too: unoptimized, it runs for minutes):
//!
//! ```toml
//! [dependencies]
//! nix = { version = "0.30", features = ["time"] }
//!
//! [profile.dev]
//! opt-level = 3
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::thread;
use std::time::Instant;

#[cfg(unix)]
use nix::time::{ClockId, clock_gettime};

/// The input: a synthetic grey photo, made by `make_image`.
const WIDTH: usize = 2800;
const HEIGHT: usize = 2100;
/// A Gaussian blur over (2 RADIUS) x (2 RADIUS) pixels and a halving, in
/// one pass. Sets the work per pixel.
const RADIUS: usize = 10;
/// Best of ROUNDS: one stall on a shared machine then spoils one round only.
const ROUNDS: usize = 3;

/// A grey image, one byte per pixel, row after row.
struct Image {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

/// The same picture on every run: rings, a gradient and fine noise (the noise
/// is what the blur removes, so the result visibly differs).
fn make_image(width: usize, height: usize) -> Image {
    let mut pixels = Vec::with_capacity(width * height);
    for y in 0..height {
        for x in 0..width {
            let (dx, dy) = (
                x as f64 - width as f64 / 2.0,
                y as f64 - height as f64 / 2.0,
            );
            let rings = 70.0 * (1.0 + ((dx * dx + dy * dy).sqrt() / 40.0).sin());
            let gradient = 60.0 * x as f64 / width as f64;
            // splitmix64 of the pixel's index: deterministic noise.
            let mut h = ((y * width + x) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            h = (h ^ (h >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            h = (h ^ (h >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            let noise = ((h ^ (h >> 31)) >> 58) as f64 * 0.8; // 0..50
            pixels.push((rings + gradient + noise).min(255.0) as u8);
        }
    }
    Image {
        width,
        height,
        pixels,
    }
}

/// The blur: Gaussian weights over `2 RADIUS` pixels, summing to 1. Each
/// output pixel weighs a (2 RADIUS) x (2 RADIUS) block by `w[j] * w[k]`.
fn gaussian_weights() -> Vec<f32> {
    let side = 2 * RADIUS;
    let (center, sigma) = (side as f32 / 2.0 - 0.5, RADIUS as f32 / 2.0);
    let w: Vec<f32> = (0..side)
        .map(|k| (-((k as f32 - center).powi(2)) / (2.0 * sigma * sigma)).exp())
        .collect();
    let total: f32 = w.iter().sum();
    w.iter().map(|x| x / total).collect()
}

/// Writes the rows `first_row..` of the blurred, halved image into `band`.
/// Reads only `input` and `weights`: each pixel is computed the same way
/// whatever the bands are, so every split gives the same bytes.
fn resize_band(
    input: &Image,
    weights: &[f32],
    out_width: usize,
    first_row: usize,
    band: &mut [u8],
) {
    let side = weights.len() as isize;
    let (last_x, last_y) = (input.width as isize - 1, input.height as isize - 1);
    for (i, out) in band.iter_mut().enumerate() {
        let (ox, oy) = (i % out_width, first_row + i / out_width);
        // The block around the source pixel (2 ox, 2 oy); at the edges, the
        // edge pixels repeat.
        let (x0, y0) = (
            2 * ox as isize - side / 2 + 1,
            2 * oy as isize - side / 2 + 1,
        );
        let mut sum = 0.0f32;
        for (j, wj) in weights.iter().enumerate() {
            let y = (y0 + j as isize).clamp(0, last_y) as usize;
            let row = &input.pixels[y * input.width..][..input.width];
            let mut row_sum = 0.0f32;
            for (k, wk) in weights.iter().enumerate() {
                let x = (x0 + k as isize).clamp(0, last_x) as usize;
                row_sum += wk * row[x] as f32;
            }
            sum += wj * row_sum;
        }
        *out = sum.round().clamp(0.0, 255.0) as u8;
    }
}

/// The whole result on `threads` threads, one band of rows each.
fn resize(input: &Image, threads: usize) -> Result<Image, String> {
    let (width, height) = (input.width / 2, input.height / 2);
    let weights = gaussian_weights();
    let weights = &weights;
    let mut pixels = vec![0u8; width * height];
    let band_rows = height.div_ceil(threads);
    thread::scope(|s| {
        let mut handles = Vec::with_capacity(threads);
        // `chunks_mut` hands each thread its own rows: the compiler checks
        // that no two threads can write the same byte.
        for (n, band) in pixels.chunks_mut(band_rows * width).enumerate() {
            let handle = thread::Builder::new()
                .spawn_scoped(s, move || {
                    resize_band(input, weights, width, n * band_rows, band)
                })
                .map_err(|e| format!("thread spawn failed: {e}"))?;
            handles.push(handle);
        }
        // A panic in a band is a bug: report it as an error all the same.
        for handle in handles {
            handle.join().map_err(|_| "a band's thread panicked")?;
        }
        Ok::<(), String>(())
    })?;
    Ok(Image {
        width,
        height,
        pixels,
    })
}

/// FNV-1a over the bytes: the same picture gives the same number.
fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// One timed way: wall and CPU seconds of this process, and its result.
struct Way {
    wall: f64,
    cpu: f64,
    image: Image,
}

impl Way {
    fn cores_busy(&self) -> f64 {
        self.cpu / self.wall.max(1e-9)
    }
}

/// CPU time of every thread of this process so far, in seconds.
#[cfg(unix)]
fn process_cpu() -> Result<f64, String> {
    let t = clock_gettime(ClockId::CLOCK_PROCESS_CPUTIME_ID)
        .map_err(|e| format!("clock_gettime failed: {e}"))?;
    Ok(t.tv_sec() as f64 + t.tv_nsec() as f64 / 1e9)
}

/// nix is Unix only; elsewhere this program stops with one line.
#[cfg(not(unix))]
fn process_cpu() -> Result<f64, String> {
    Err("the process CPU clock (clock_gettime) needs a Unix system".to_string())
}

fn timed(input: &Image, threads: usize) -> Result<Way, String> {
    let cpu_before = process_cpu()?;
    let start = Instant::now();
    let image = resize(input, threads)?;
    let wall = start.elapsed().as_secs_f64();
    let cpu = process_cpu()? - cpu_before;
    Ok(Way { wall, cpu, image })
}

/// Where the pictures go: the workspace's `target/`, never the current
/// directory. `CARGO_TARGET_DIR` when it is set to an absolute path, else
/// the directory cargo marks with `CACHEDIR.TAG` above this executable
/// (`.../target/release/image-resize` gives `.../target`).
fn output_dir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from)
        && dir.is_absolute()
    {
        return Ok(dir.join("image-resize"));
    }
    let exe = std::env::current_exe().map_err(|e| format!("current_exe failed: {e}"))?;
    let target = exe
        .ancestors()
        .skip(1)
        .find(|dir| dir.join("CACHEDIR.TAG").is_file())
        .or_else(|| exe.parent())
        .ok_or("the executable has no directory")?;
    Ok(target.join("image-resize"))
}

/// A binary PGM: a short text header, then the bytes. Any image viewer
/// (or `convert`, `pnmtopng`) opens it.
fn write_pgm(path: &PathBuf, image: &Image) -> Result<(), String> {
    let mut bytes = format!("P5\n{} {}\n255\n", image.width, image.height).into_bytes();
    bytes.extend_from_slice(&image.pixels);
    std::fs::write(path, bytes).map_err(|e| format!("writing {}: {e}", path.display()))
}

fn run() -> Result<(), String> {
    let threads = thread::available_parallelism().map_or(2, |n| n.get());
    // Made first, so that an unwritable place fails before the work.
    let dir = output_dir()?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let input = make_image(WIDTH, HEIGHT);
    println!(
        "Blur and halve a {WIDTH}x{HEIGHT} image into {}x{}: one thread vs {threads}, \
         best of {ROUNDS} interleaved rounds",
        WIDTH / 2,
        HEIGHT / 2
    );
    let (mut single, mut parallel): (Option<Way>, Option<Way>) = (None, None);
    let faster = |best: Option<Way>, new: Way| match best {
        Some(b) if b.wall <= new.wall => Some(b),
        _ => Some(new),
    };
    for round in 0..ROUNDS {
        // Alternate which way goes first, so that a slow spell at one end
        // of the run does not always hit the same way.
        if round % 2 == 0 {
            single = faster(single, timed(&input, 1)?);
            parallel = faster(parallel, timed(&input, threads)?);
        } else {
            parallel = faster(parallel, timed(&input, threads)?);
            single = faster(single, timed(&input, 1)?);
        }
    }
    let (Some(single), Some(parallel)) = (single, parallel) else {
        return Err("no round was run".to_string());
    };
    let (sum_single, sum_parallel) = (
        checksum(&single.image.pixels),
        checksum(&parallel.image.pixels),
    );
    if sum_single != sum_parallel {
        return Err(format!(
            "the checksums differ: {sum_single:016x} on one thread, {sum_parallel:016x} on {threads}"
        ));
    }
    let speedup = single.wall / parallel.wall.max(1e-9);
    println!(
        "One thread: {:.2} seconds, {:.2} cores busy",
        single.wall,
        single.cores_busy()
    );
    // Cores busy shows the bands ran at the same time on any machine; the
    // speedup also depends on how free the cores were.
    println!(
        "{threads} threads, one band each: {:.2} seconds, speedup {speedup:.2}x, {:.2} cores busy",
        parallel.wall,
        parallel.cores_busy()
    );
    println!("Checksum: {sum_single:016x} on 1 thread and on {threads}");
    write_pgm(&dir.join("input.pgm"), &input)?;
    write_pgm(&dir.join("result.pgm"), &single.image)?;
    println!("Wrote input.pgm and result.pgm to {}", dir.display());
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
