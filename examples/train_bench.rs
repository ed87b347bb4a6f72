//! Training benchmark: 784-165-165-10 relu, lr 1.4e-3, batch 128, 3 epochs on
//! 49,000 MNIST images with validation on 14,000 after each epoch. Prints the
//! wall time of each run, the median, the achieved GFLOP/s, and the GFLOP/s
//! of a plain sgemm (the `gemm` crate burn's Flex backend uses) on the same
//! shapes measured in the same process.
//!
//! Run: `cargo run --release --example train_bench [-- RUNS]`

use std::time::Instant;

use vitis_hpo::data::{DataSource, SplitSpec, TestSplit, load_pool, split_pool};
use vitis_hpo::model::Activation;
use vitis_hpo::training::{NoProgress, TrainConfig, train};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const HIDDEN: usize = 165;
const BATCH: usize = 128;

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(3);
    let pool = load_pool(&DataSource::EmbeddedMnist).expect("embedded MNIST");
    let spec: SplitSpec = "7:2:1".parse().unwrap();
    let splits = split_pool(&pool, &spec, TestSplit::FromPool, 42).unwrap();
    let config = TrainConfig {
        learning_rate: 1.4e-3,
        num_dense_layers: 2,
        num_dense_nodes: HIDDEN,
        activation: Activation::Relu,
        batch_size: BATCH,
        epochs: 3,
        seed: 1,
    };

    let flop = training_flop(splits.train.len(), splits.validation.len(), config.epochs);
    let mut times = Vec::new();
    for run in 1..=runs {
        let started = Instant::now();
        let trained = train(&config, &splits.train, &splits.validation, &mut NoProgress).unwrap();
        let seconds = started.elapsed().as_secs_f64();
        let epochs: Vec<String> = trained.history.iter().map(|m| format!("{:.2}", m.elapsed_s)).collect();
        println!(
            "run {run}: {seconds:.2} s (epochs {}), val_accuracy {:.4}",
            epochs.join(" / "),
            trained.last_epoch().unwrap().val_accuracy
        );
        times.push(seconds);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!("training: median {median:.2} s over {runs} runs, {:.1} GFLOP/s ({:.1} GFLOP)", flop / median / 1e9, flop / 1e9);

    let (sgemm_seconds, sgemm_flop) = plain_sgemm(splits.train.len(), splits.validation.len(), config.epochs);
    println!(
        "plain sgemm, same shapes: {sgemm_seconds:.2} s, {:.1} GFLOP/s",
        sgemm_flop / sgemm_seconds / 1e9
    );
}

/// Dense-layer shapes (inputs, outputs) of the benchmark model.
fn layers() -> [(usize, usize); 3] {
    [(784, HIDDEN), (HIDDEN, HIDDEN), (HIDDEN, 10)]
}

/// Counts the floating-point operations of the matmuls. Each training image
/// costs the forward product, the weight gradient, and the input gradient of
/// every layer but the first. Each validation image costs the forward product.
fn training_flop(train: usize, validation: usize, epochs: usize) -> f64 {
    let forward: usize = layers().iter().map(|(i, o)| 2 * i * o).sum();
    let input_gradients: usize = layers()[1..].iter().map(|(i, o)| 2 * i * o).sum();
    let per_image = 2 * forward + input_gradients;
    (epochs * (train * per_image + validation * forward)) as f64
}

/// Times the same products with `gemm` directly, rayon parallelism on.
fn plain_sgemm(train: usize, validation: usize, epochs: usize) -> (f64, f64) {
    let batches = train.div_ceil(BATCH);
    let mut flop = 0.0;
    let started = Instant::now();
    for _ in 0..epochs {
        for _ in 0..batches {
            for (index, &(inputs, outputs)) in layers().iter().enumerate() {
                flop += matmul(BATCH, inputs, outputs); // forward
                flop += matmul(inputs, BATCH, outputs); // weight gradient
                if index > 0 {
                    flop += matmul(BATCH, outputs, inputs); // input gradient
                }
            }
        }
        for &(inputs, outputs) in &layers() {
            flop += matmul(validation, inputs, outputs);
        }
    }
    (started.elapsed().as_secs_f64(), flop)
}

/// `[m, k] x [k, n]` on zero-initialized row-major buffers; returns its FLOP.
fn matmul(m: usize, k: usize, n: usize) -> f64 {
    thread_local! {
        static BUFFERS: std::cell::RefCell<(Vec<f32>, Vec<f32>, Vec<f32>)> = Default::default();
    }
    BUFFERS.with(|buffers| {
        let (a, b, c) = &mut *buffers.borrow_mut();
        a.resize(m * k, 0.5);
        b.resize(k * n, 0.25);
        c.resize(m * n, 0.0);
        let parallelism = if m * n * k >= 192 * 192 * 192 { gemm::Parallelism::Rayon(0) } else { gemm::Parallelism::None };
        // SAFETY: the buffers hold m*k, k*n and m*n elements, row-major.
        unsafe {
            gemm::gemm(
                m, n, k,
                c.as_mut_ptr(), 1, n as isize, false,
                a.as_ptr(), 1, k as isize,
                b.as_ptr(), 1, n as isize,
                0.0f32, 1.0f32, false, false, false,
                parallelism,
            );
        }
    });
    (2 * m * n * k) as f64
}
