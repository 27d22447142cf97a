//! Guide extra answer 3, machine learning: a logistic regression trained by
//! mini-batch gradient descent on a seeded synthetic dataset; each batch's
//! gradient is computed in parallel with rayon, data-parallel training in
//! miniature.
//!
//! Run: `cargo run -p examples-industry --bin model-training`
//!
//! Look for: the loss falling epoch by epoch, the held-out accuracy, the
//! speedup and cores busy, and the weights bit-identical on one thread and
//! on the pool: each batch is cut into fixed chunks whose gradients are
//! added in chunk order, so every addition happens in the same order
//! whatever the number of threads.
//!
//! What Rust changes: no GIL, so plain Rust threads do the arithmetic in
//! parallel. Real models use candle or burn (tensors, automatic gradients,
//! GPUs); they are not used here because they take minutes to build and
//! would hide the lesson, which is the data-parallel gradient itself.
//!
//! New here: rayon's `par_chunks`, `map` and `collect` (which keeps input
//! order); a seeded generator (splitmix64) in place of the rand crate.
//!
//! Try: replace the ordered sum in `loss_and_gradient` with rayon's
//! `reduce`: it adds the partial sums in whatever tree the work split
//! into, and the program stops: `run 2 trained different bits from run 1`.
//!
//! Copy: add to Cargo.toml (the profile too: unoptimized, training is
//! about ten times slower):
//!
//! ```toml
//! [dependencies]
//! nix = { version = "0.30", features = ["time"] }
//! rayon = "1.11"
//!
//! [profile.dev]
//! opt-level = 3
//! ```

use std::process::ExitCode;
use std::time::Instant;

use rayon::ThreadPoolBuilder;
use rayon::prelude::*;

#[cfg(unix)]
use nix::time::{ClockId, clock_gettime};

/// The dataset: TRAIN samples to learn from, TEST held out to score.
const TRAIN: usize = 60_000;
const TEST: usize = 10_000;
const FEATURES: usize = 128;
/// The share of labels flipped at random: the noise no model can learn,
/// which caps the accuracy near 1 - FLIPPED.
const FLIPPED: f64 = 0.10;
const SEED: u64 = 42;
/// Training: EPOCHS passes over the shuffled data, BATCH samples per step.
const EPOCHS: usize = 10;
const BATCH: usize = 2000;
const LEARNING_RATE: f64 = 0.5;
/// Samples per chunk: fixed, whatever the number of threads, so the sums
/// are the same sums.
const CHUNK: usize = 125;
/// The accuracy the trained model must reach on the held-out samples.
const MIN_ACCURACY: f64 = 0.85;
/// Best of ROUNDS: one stall on a shared machine then spoils one round only.
const ROUNDS: usize = 3;

/// splitmix64: a tiny, well-mixed generator; the same seed gives the same
/// numbers on every machine.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1): the top 53 bits, exactly representable.
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Samples row after row: FEATURES numbers each, and a label 0 or 1.
struct Dataset {
    features: Vec<f32>,
    labels: Vec<f32>,
}

impl Dataset {
    fn row(&self, i: usize) -> &[f32] {
        &self.features[i * FEATURES..][..FEATURES]
    }
}

/// Features uniform in [-1, 1); the label says on which side of a hidden
/// plane (`truth`) the sample lies, then FLIPPED of the labels are flipped.
fn make_dataset(n: usize, truth: &[f64], rng: &mut SplitMix64) -> Dataset {
    let mut features = Vec::with_capacity(n * FEATURES);
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let x: Vec<f32> = (0..FEATURES)
            .map(|_| (2.0 * rng.next_f64() - 1.0) as f32)
            .collect();
        let margin = truth[FEATURES] + dot(truth, &x);
        let flip = rng.next_f64() < FLIPPED;
        labels.push(if (margin > 0.0) != flip { 1.0 } else { 0.0 });
        features.extend_from_slice(&x);
    }
    Dataset { features, labels }
}

/// w · x over the features (the bias, `w[FEATURES]`, is added apart).
fn dot(w: &[f64], x: &[f32]) -> f64 {
    w.iter().zip(x).map(|(wj, &xj)| wj * f64::from(xj)).sum()
}

/// The model's output for one sample, before the sigmoid.
fn logit(w: &[f64], x: &[f32]) -> f64 {
    w[FEATURES] + dot(w, x)
}

/// One chunk: its summed log loss and its summed gradient (one entry per
/// weight, the bias last). Runs on whichever thread took the chunk.
fn chunk_loss_and_gradient(w: &[f64], data: &Dataset, rows: &[u32]) -> (f64, Vec<f64>) {
    let mut loss = 0.0;
    let mut grad = vec![0.0; FEATURES + 1];
    for &i in rows {
        let (x, y) = (data.row(i as usize), f64::from(data.labels[i as usize]));
        let z = logit(w, x);
        // -log-likelihood = softplus(z) - y z, written so exp never overflows.
        loss += z.max(0.0) + (-z.abs()).exp().ln_1p() - y * z;
        let error = 1.0 / (1.0 + (-z).exp()) - y;
        for (g, &xj) in grad.iter_mut().zip(x) {
            *g += error * f64::from(xj);
        }
        grad[FEATURES] += error;
    }
    (loss, grad)
}

/// The mean loss and mean gradient over `rows`: map, then reduce.
fn loss_and_gradient(w: &[f64], data: &Dataset, rows: &[u32]) -> (f64, Vec<f64>) {
    // Map, in parallel: every fixed chunk to its own partial sums.
    // `collect` puts them in chunk order, whichever thread finished first.
    let partials: Vec<(f64, Vec<f64>)> = rows
        .par_chunks(CHUNK)
        .map(|chunk| chunk_loss_and_gradient(w, data, chunk))
        .collect();
    // Reduce, on this thread, in chunk order: the same additions in the
    // same order on 1 thread or 64, so the same bits. (Floating-point
    // addition is not associative: (a + b) + c can differ from a + (b + c).)
    let (mut loss, mut grad) = (0.0, vec![0.0; FEATURES + 1]);
    for (chunk_loss, chunk_grad) in &partials {
        loss += chunk_loss;
        for (g, c) in grad.iter_mut().zip(chunk_grad) {
            *g += c;
        }
    }
    let n = rows.len() as f64;
    (loss / n, grad.into_iter().map(|g| g / n).collect())
}

/// What training produced: the weights, and the loss over the training set
/// before the first epoch and after each.
struct Model {
    weights: Vec<f64>,
    losses: Vec<f64>,
}

/// Mini-batch gradient descent, on whatever rayon pool this runs in.
fn train(data: &Dataset) -> Model {
    let mut w = vec![0.0; FEATURES + 1];
    let everyone: Vec<u32> = (0..data.labels.len() as u32).collect();
    let mut losses = vec![loss_and_gradient(&w, data, &everyone).0];
    let mut order = everyone.clone();
    let mut rng = SplitMix64(SEED + 1);
    for _ in 0..EPOCHS {
        // Fisher-Yates with the seeded generator: the same order every run.
        for i in (1..order.len()).rev() {
            order.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
        }
        for batch in order.chunks(BATCH) {
            let (_, grad) = loss_and_gradient(&w, data, batch);
            for (wj, gj) in w.iter_mut().zip(grad) {
                *wj -= LEARNING_RATE * gj;
            }
        }
        losses.push(loss_and_gradient(&w, data, &everyone).0);
    }
    Model { weights: w, losses }
}

/// The share of samples whose label the model predicts.
fn accuracy(w: &[f64], data: &Dataset) -> f64 {
    let right = (0..data.labels.len())
        .filter(|&i| (logit(w, data.row(i)) > 0.0) == (data.labels[i] > 0.5))
        .count();
    right as f64 / data.labels.len() as f64
}

/// FNV-1a over the weights' bits: equal fingerprints, equal bits.
fn fingerprint(weights: &[f64]) -> u64 {
    weights
        .iter()
        .flat_map(|w| w.to_bits().to_le_bytes())
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
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

/// One timed training: wall and CPU seconds, and the model.
struct Way {
    wall: f64,
    cpu: f64,
    model: Model,
}

impl Way {
    fn cores_busy(&self) -> f64 {
        self.cpu / self.wall.max(1e-9)
    }
}

fn timed(work: impl FnOnce() -> Model) -> Result<Way, String> {
    let cpu_before = process_cpu()?;
    let start = Instant::now();
    let model = work();
    let wall = start.elapsed().as_secs_f64();
    let cpu = process_cpu()? - cpu_before;
    Ok(Way { wall, cpu, model })
}

/// Do two models have the same bits, weights and losses alike?
fn same_bits(a: &Model, b: &Model) -> bool {
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    bits(&a.weights) == bits(&b.weights) && bits(&a.losses) == bits(&b.losses)
}

fn run() -> Result<(), String> {
    if let Some(arg) = std::env::args_os().nth(1) {
        return Err(format!("model-training takes no arguments, got {arg:?}"));
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
    let mut rng = SplitMix64(SEED);
    let truth: Vec<f64> = (0..=FEATURES).map(|_| 2.0 * rng.next_f64() - 1.0).collect();
    let train_set = make_dataset(TRAIN, &truth, &mut rng);
    let test_set = make_dataset(TEST, &truth, &mut rng);
    println!(
        "Logistic regression: {TRAIN} samples x {FEATURES} features (seed {SEED}, {:.0}% of \
         labels flipped), {EPOCHS} epochs of mini-batches of {BATCH}, each batch's gradient \
         in {} fixed chunks of {CHUNK}",
        FLIPPED * 100.0,
        BATCH.div_ceil(CHUNK)
    );
    println!(
        "Training on one thread and on rayon's pool of {threads}, best of {ROUNDS} \
         interleaved rounds"
    );
    let mut runs: Vec<Way> = Vec::new();
    let (mut single, mut pool): (Option<usize>, Option<usize>) = (None, None);
    for round in 0..ROUNDS {
        // The same function both ways: `install` runs it in the one-thread
        // pool; called from `main`, it runs in the global pool.
        let ways = if round % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        for on_one_thread in ways {
            let way = if on_one_thread {
                timed(|| one_thread.install(|| train(&train_set)))?
            } else {
                timed(|| train(&train_set))?
            };
            let best = if on_one_thread {
                &mut single
            } else {
                &mut pool
            };
            if best.is_none_or(|b| way.wall < runs[b].wall) {
                *best = Some(runs.len());
            }
            runs.push(way);
        }
    }
    let (Some(single), Some(pool)) = (single, pool) else {
        return Err("no round was run".to_string());
    };
    let model = &runs[0].model;
    if let Some(n) = runs.iter().position(|r| !same_bits(&r.model, model)) {
        return Err(format!(
            "run {} trained different bits from run 1: the reduction is not deterministic",
            n + 1
        ));
    }
    for (epoch, loss) in model.losses.iter().enumerate() {
        let note = if epoch == 0 {
            " (all weights zero)"
        } else {
            ""
        };
        println!("Epoch {epoch:>2}: loss {loss:.4}{note}");
    }
    let rose: Vec<String> = (1..model.losses.len())
        .filter(|&e| model.losses[e] >= model.losses[e - 1])
        .map(|e| e.to_string())
        .collect();
    let (first, last) = (model.losses[0], model.losses[EPOCHS]);
    if rose.is_empty() {
        println!("Loss fell in every epoch: {first:.4} -> {last:.4}");
    } else {
        println!(
            "Loss did not fall in epoch {}: {first:.4} -> {last:.4}",
            rose.join(", ")
        );
    }
    let score = accuracy(&model.weights, &test_set);
    println!(
        "Accuracy on {TEST} held-out samples: {:.2}% (at least {:.0}% expected; the flipped \
         labels cap it near {:.0}%)",
        score * 100.0,
        MIN_ACCURACY * 100.0,
        (1.0 - FLIPPED) * 100.0
    );
    let (single, pool) = (&runs[single], &runs[pool]);
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
    println!(
        "Weights: fingerprint {:016x} on one thread, {:016x} on the pool of {threads}: \
         bit-identical in all {} runs",
        fingerprint(&single.model.weights),
        fingerprint(&pool.model.weights),
        runs.len()
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
