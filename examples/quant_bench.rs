//! Benchmark of the quantization stage on a 784-165-165-10 ReLU MLP. It
//! times calibration, parameter choice and writing the files, then
//! verification on the test split. It also measures tract throughput at batch
//! 1 and 256 of the float, QDQ and QOperator models, on 784-165-165-10 and on
//! 784-512x5-10 (the shape of the default search's best model).
//!
//! Run: `cargo run --release --example quant_bench` (reads data/mnist/ under
//! the crate root). The weights are random (He initialization, fixed seed):
//! timing does not depend on training, accuracy figures here mean nothing.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use flate2::read::GzDecoder;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use vitis_hpo::model::{Activation, DenseLayer, INPUT_SIZE, MlpWeights};
use vitis_hpo::quant::{
    ModelFormat, QuantSettings, TractModel, build_float_model, draw_calibration_set,
    quantize_model, verify, write_json, write_onnx,
};

const CALIB_SIZE: usize = 1000;
const QUANTIZE_RUNS: usize = 7;
const THROUGHPUT_ROUNDS: usize = 7;
/// Length of one timed round of one model, in seconds.
const ROUND_S: f64 = 0.3;

fn main() {
    let data_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/mnist");
    let (train_images, train_labels) = read_idx(
        &data_dir,
        "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
    );
    let (test_images, test_labels) = read_idx(
        &data_dir,
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    );
    let model = random_mlp(&[INPUT_SIZE, 165, 165, 10]);
    let out_dir = std::env::temp_dir().join("vitis-hpo-quant-bench");
    std::fs::create_dir_all(&out_dir).unwrap();

    for format in [ModelFormat::Qdq, ModelFormat::QOperator] {
        let settings = QuantSettings {
            format,
            ..QuantSettings::default()
        };
        let mut quantize_s = Vec::new();
        let mut verify_s = Vec::new();
        for _ in 0..QUANTIZE_RUNS {
            let start = Instant::now();
            let calibration =
                draw_calibration_set(&train_images, &train_labels, CALIB_SIZE, 0).unwrap();
            let quantized = quantize_model(&model, &calibration.images, &settings).unwrap();
            write_onnx(&quantized.model, &out_dir.join("model_int8.onnx")).unwrap();
            write_json(&quantized.report, &out_dir.join("quant.json"), "quant.json").unwrap();
            quantize_s.push(start.elapsed().as_secs_f64());

            let start = Instant::now();
            let report = verify(
                &model,
                &quantized.params,
                &quantized.model,
                &test_images,
                &test_labels,
            )
            .unwrap();
            write_json(&report, &out_dir.join("verify.json"), "verify.json").unwrap();
            verify_s.push(start.elapsed().as_secs_f64());
        }
        println!(
            "{format}: calibrate {CALIB_SIZE} + choose + write: median {:.3} s; verify {} test images: median {:.3} s",
            median(&mut quantize_s),
            test_labels.len(),
            median(&mut verify_s)
        );
    }

    let calibration = draw_calibration_set(&train_images, &train_labels, CALIB_SIZE, 0).unwrap();
    for hidden in [vec![165, 165], vec![512; 5]] {
        let mut widths = vec![INPUT_SIZE];
        widths.extend(&hidden);
        widths.push(10);
        let model = random_mlp(&widths);
        let runners = throughput_models(&model, &calibration.images);
        for batch in [1, 256] {
            let images = &test_images[..batch * INPUT_SIZE];
            let images_per_s = throughput(&runners, images, batch);
            for ((name, _), rate) in runners.iter().zip(images_per_s) {
                println!(
                    "tract {:>14} {name:>9} batch {batch:>3}: median {rate:.0} images/s",
                    widths_label(&widths)
                );
            }
        }
    }
}

/// Loads the float, QDQ and QOperator models of `model` in tract, with the
/// `logits` output only.
fn throughput_models(model: &MlpWeights, calibration: &[f32]) -> Vec<(&'static str, TractModel)> {
    let float_model = build_float_model(model).unwrap();
    let qdq = quantize_model(model, calibration, &QuantSettings::default()).unwrap();
    let qoperator = quantize_model(
        model,
        calibration,
        &QuantSettings {
            format: ModelFormat::QOperator,
            ..QuantSettings::default()
        },
    )
    .unwrap();
    let outputs = ["logits".to_string()];
    vec![
        ("float", TractModel::load(&float_model, &outputs).unwrap()),
        ("qdq", TractModel::load(&qdq.model, &outputs).unwrap()),
        (
            "qoperator",
            TractModel::load(&qoperator.model, &outputs).unwrap(),
        ),
    ]
}

/// Median images/s of each runner over `THROUGHPUT_ROUNDS` rounds. Each round
/// runs every model in turn for about `ROUND_S`, so load changes hit all
/// models alike.
fn throughput(runners: &[(&str, TractModel)], images: &[f32], batch: usize) -> Vec<f64> {
    let mut rates = vec![Vec::with_capacity(THROUGHPUT_ROUNDS); runners.len()];
    for (_, runner) in runners {
        runner.run(images, batch).unwrap();
    }
    for _ in 0..THROUGHPUT_ROUNDS {
        for ((_, runner), rates) in runners.iter().zip(&mut rates) {
            let start = Instant::now();
            let mut runs = 0;
            while start.elapsed().as_secs_f64() < ROUND_S {
                runner.run(images, batch).unwrap();
                runs += 1;
            }
            rates.push((runs * batch) as f64 / start.elapsed().as_secs_f64());
        }
    }
    rates.iter_mut().map(|r| median(r)).collect()
}

fn widths_label(widths: &[usize]) -> String {
    widths
        .iter()
        .map(|w| w.to_string())
        .collect::<Vec<_>>()
        .join("-")
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

fn random_mlp(widths: &[usize]) -> MlpWeights {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let count = widths.len() - 1;
    let layers = (0..count)
        .map(|i| {
            let (inputs, outputs) = (widths[i], widths[i + 1]);
            let limit = (6.0 / inputs as f32).sqrt();
            DenseLayer {
                name: if i + 1 == count {
                    "logits".to_string()
                } else {
                    format!("dense_{}", i + 1)
                },
                inputs,
                outputs,
                weight: (0..inputs * outputs)
                    .map(|_| rng.random_range(-limit..limit))
                    .collect(),
                bias: (0..outputs).map(|_| rng.random_range(-0.1..0.1)).collect(),
            }
        })
        .collect();
    MlpWeights {
        activation: Activation::Relu,
        layers,
    }
}

fn read_gz(path: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    GzDecoder::new(
        std::fs::File::open(path).unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display())),
    )
    .read_to_end(&mut bytes)
    .unwrap();
    bytes
}

fn read_idx(dir: &Path, images: &str, labels: &str) -> (Vec<f32>, Vec<u8>) {
    let image_bytes = read_gz(&dir.join(images));
    let label_bytes = read_gz(&dir.join(labels));
    (
        image_bytes[16..]
            .iter()
            .map(|&p| p as f32 / 255.0)
            .collect(),
        label_bytes[8..].to_vec(),
    )
}
