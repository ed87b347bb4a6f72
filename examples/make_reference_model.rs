//! Writes the reference model under models/: an ONNX file exported by this
//! crate and the expected outputs for the first MNIST test images.
//!
//!     cargo run --example make_reference_model -- [--weights WEIGHTS.json] [--out DIR]
//!
//! Without `--weights` the model is an untrained 784-32-10 ReLU MLP with
//! seeded Glorot-uniform weights. With it, the file must hold a serialized
//! `MlpWeights`. The expected outputs come from `MlpWeights::forward_reference`
//! and an f32 softmax, not from tract, so the test that loads the model in
//! tract checks tract against independent arithmetic.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use flate2::read::GzDecoder;
use vitis_hpo::model::{Activation, INPUT_SIZE, MlpWeights, NUM_CLASSES};
use vitis_hpo::onnx::{
    ExportMetadata, REFERENCE_MODEL_FILE, REFERENCE_OUTPUTS_FILE, ReferenceOutputs, architecture,
    glorot_uniform_weights, softmax_rows, write_onnx,
};

/// Seed of the random reference weights.
const SEED: u64 = 2024;
/// Hidden widths of the random reference model.
const HIDDEN: [usize; 1] = [32];
/// Number of test images, taken from the start of the MNIST test split.
const IMAGES: usize = 5;
const MNIST_DIR: &str = "data/mnist";

fn main() -> anyhow::Result<()> {
    let (weights_path, out_dir) = parse_args()?;

    let (weights, weights_source) = match &weights_path {
        Some(path) => (read_weights(path)?, path.display().to_string()),
        None => (
            glorot_uniform_weights(Activation::Relu, &HIDDEN, SEED),
            format!("glorot_uniform_weights seed {SEED}"),
        ),
    };
    let mut metadata = ExportMetadata::with_crate_version();
    metadata
        .hyper_parameters
        .insert("weights".to_string(), weights_source.clone());

    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("cannot create {}", out_dir.display()))?;
    let model_path = out_dir.join(REFERENCE_MODEL_FILE);
    write_onnx(&model_path, &weights, &metadata)?;

    let (pixels, labels) = read_mnist_test(Path::new(MNIST_DIR), IMAGES)?;
    let input: Vec<f32> = pixels
        .iter()
        .flatten()
        .map(|&pixel| f32::from(pixel) / 255.0)
        .collect();
    let logits = weights.forward_reference(&input);
    let probabilities = softmax_rows(&logits, NUM_CLASSES);
    let expected = ReferenceOutputs {
        architecture: architecture(&weights),
        activation: weights.activation.name().to_string(),
        weights_source,
        image_indices: (0..IMAGES).collect(),
        labels,
        pixels,
        logits: logits.chunks(NUM_CLASSES).map(<[f32]>::to_vec).collect(),
        probabilities: probabilities
            .chunks(NUM_CLASSES)
            .map(<[f32]>::to_vec)
            .collect(),
    };
    let outputs_path = out_dir.join(REFERENCE_OUTPUTS_FILE);
    std::fs::write(
        &outputs_path,
        serde_json::to_string_pretty(&expected)? + "\n",
    )
    .with_context(|| format!("cannot write {}", outputs_path.display()))?;

    println!(
        "wrote {} and {}",
        model_path.display(),
        outputs_path.display()
    );
    Ok(())
}

fn parse_args() -> anyhow::Result<(Option<PathBuf>, PathBuf)> {
    let mut weights = None;
    let mut out = PathBuf::from("models");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--weights" => {
                weights = Some(PathBuf::from(
                    args.next().context("--weights needs a path")?,
                ))
            }
            "--out" => out = PathBuf::from(args.next().context("--out needs a directory")?),
            other => bail!("unknown argument '{other}': expected --weights PATH or --out DIR"),
        }
    }
    Ok((weights, out))
}

fn read_weights(path: &Path) -> anyhow::Result<MlpWeights> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let weights: MlpWeights = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a valid MlpWeights JSON", path.display()))?;
    weights
        .validate()
        .with_context(|| format!("invalid weights in {}", path.display()))?;
    Ok(weights)
}

/// Reads the first `count` test images as raw pixels and their labels from
/// the gzip IDX files (big-endian magic 0x803 for images, 0x801 for labels).
fn read_mnist_test(dir: &Path, count: usize) -> anyhow::Result<(Vec<Vec<u8>>, Vec<u8>)> {
    let images = read_gzip(&dir.join("t10k-images-idx3-ubyte.gz"))?;
    let labels = read_gzip(&dir.join("t10k-labels-idx1-ubyte.gz"))?;
    if images.get(0..4) != Some(&[0, 0, 8, 3][..]) || labels.get(0..4) != Some(&[0, 0, 8, 1][..]) {
        bail!(
            "{} does not hold MNIST IDX files (wrong magic numbers)",
            dir.display()
        );
    }
    let pixels = images[16..]
        .chunks(INPUT_SIZE)
        .take(count)
        .map(<[u8]>::to_vec)
        .collect();
    Ok((pixels, labels[8..8 + count].to_vec()))
}

fn read_gzip(path: &Path) -> anyhow::Result<Vec<u8>> {
    let compressed =
        std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut bytes = Vec::new();
    GzDecoder::new(&compressed[..])
        .read_to_end(&mut bytes)
        .with_context(|| format!("{} is not gzip", path.display()))?;
    Ok(bytes)
}
