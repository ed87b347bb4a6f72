//! Test fixtures: real MNIST images and small MLPs trained on them in plain
//! Rust, so that the quantization tests run on trained weights without burn.

use std::io::Read;
use std::path::PathBuf;
use std::sync::OnceLock;

use flate2::read::GzDecoder;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::model::{Activation, DenseLayer, INPUT_SIZE, MlpWeights, NUM_CLASSES};

/// Training images used by the fixtures.
pub const TRAIN_IMAGES: usize = 2000;
/// Test images used by the fixtures.
pub const TEST_IMAGES: usize = 2000;
const HIDDEN: usize = 32;
const BATCH: usize = 32;
const STEPS: usize = 1500;

/// Images `[n, 784]` in [0, 1] and labels.
pub struct Images {
    pub images: Vec<f32>,
    pub labels: Vec<u8>,
}

fn mnist_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/mnist")
}

fn read_gz(name: &str) -> Vec<u8> {
    let path = mnist_dir().join(name);
    let file = std::fs::File::open(&path)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    let mut bytes = Vec::new();
    GzDecoder::new(file)
        .read_to_end(&mut bytes)
        .unwrap_or_else(|e| panic!("cannot decompress {}: {e}", path.display()));
    bytes
}

/// Reads the first `count` images of an IDX pair (big-endian magic 0x803 / 0x801).
fn read_idx(images_file: &str, labels_file: &str, count: usize) -> Images {
    let image_bytes = read_gz(images_file);
    let label_bytes = read_gz(labels_file);
    assert_eq!(
        u32::from_be_bytes(image_bytes[0..4].try_into().unwrap()),
        0x803,
        "image magic"
    );
    assert_eq!(
        u32::from_be_bytes(label_bytes[0..4].try_into().unwrap()),
        0x801,
        "label magic"
    );
    let images = image_bytes[16..16 + count * INPUT_SIZE]
        .iter()
        .map(|&p| p as f32 / 255.0)
        .collect();
    let labels = label_bytes[8..8 + count].to_vec();
    Images { images, labels }
}

pub fn train_images() -> &'static Images {
    static DATA: OnceLock<Images> = OnceLock::new();
    DATA.get_or_init(|| {
        read_idx(
            "train-images-idx3-ubyte.gz",
            "train-labels-idx1-ubyte.gz",
            TRAIN_IMAGES,
        )
    })
}

pub fn test_images() -> &'static Images {
    static DATA: OnceLock<Images> = OnceLock::new();
    DATA.get_or_init(|| {
        read_idx(
            "t10k-images-idx3-ubyte.gz",
            "t10k-labels-idx1-ubyte.gz",
            TEST_IMAGES,
        )
    })
}

/// A 784-32-10 model trained on the fixture images.
pub fn trained_model(activation: Activation) -> &'static MlpWeights {
    static RELU: OnceLock<MlpWeights> = OnceLock::new();
    static SIGMOID: OnceLock<MlpWeights> = OnceLock::new();
    let cell = match activation {
        Activation::Relu => &RELU,
        Activation::Sigmoid => &SIGMOID,
    };
    cell.get_or_init(|| train_mlp(activation, train_images()))
}

/// Trains by minibatch SGD on softmax cross-entropy, seeded.
// Index loops mirror the gradient formulas, which read clearer than iterator chains here.
#[allow(clippy::needless_range_loop)]
fn train_mlp(activation: Activation, data: &Images) -> MlpWeights {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let layer = |name: &str, inputs: usize, outputs: usize, rng: &mut ChaCha8Rng| {
        let limit = (6.0 / (inputs + outputs) as f32).sqrt();
        DenseLayer {
            name: name.to_string(),
            inputs,
            outputs,
            weight: (0..inputs * outputs)
                .map(|_| rng.random_range(-limit..limit))
                .collect(),
            bias: vec![0.0; outputs],
        }
    };
    let mut model = MlpWeights {
        activation,
        layers: vec![
            layer("dense_1", INPUT_SIZE, HIDDEN, &mut rng),
            layer("logits", HIDDEN, NUM_CLASSES, &mut rng),
        ],
    };
    let learning_rate = match activation {
        Activation::Relu => 0.2,
        Activation::Sigmoid => 1.0,
    };

    let count = data.labels.len();
    for _ in 0..STEPS {
        let rows: Vec<usize> = (0..BATCH).map(|_| rng.random_range(0..count)).collect();
        let mut grads: Vec<(Vec<f32>, Vec<f32>)> = model
            .layers
            .iter()
            .map(|l| (vec![0.0; l.weight.len()], vec![0.0; l.bias.len()]))
            .collect();
        for &row in &rows {
            let x = &data.images[row * INPUT_SIZE..(row + 1) * INPUT_SIZE];
            let hidden_pre = dense(x, &model.layers[0]);
            let hidden: Vec<f32> = hidden_pre
                .iter()
                .map(|&v| activation.apply_f32(v))
                .collect();
            let logits = dense(&hidden, &model.layers[1]);
            let max = logits.iter().cloned().fold(f32::MIN, f32::max);
            let exp: Vec<f32> = logits.iter().map(|&v| (v - max).exp()).collect();
            let sum: f32 = exp.iter().sum();
            let mut d_logits: Vec<f32> = exp.iter().map(|&e| e / sum).collect();
            d_logits[data.labels[row] as usize] -= 1.0;

            let mut d_hidden = [0.0f32; HIDDEN];
            for i in 0..HIDDEN {
                for j in 0..NUM_CLASSES {
                    grads[1].0[i * NUM_CLASSES + j] += hidden[i] * d_logits[j];
                    d_hidden[i] += model.layers[1].weight[i * NUM_CLASSES + j] * d_logits[j];
                }
            }
            for j in 0..NUM_CLASSES {
                grads[1].1[j] += d_logits[j];
            }
            for i in 0..HIDDEN {
                d_hidden[i] *= match activation {
                    Activation::Relu => (hidden_pre[i] > 0.0) as u8 as f32,
                    Activation::Sigmoid => hidden[i] * (1.0 - hidden[i]),
                };
            }
            for (k, &xk) in x.iter().enumerate() {
                if xk == 0.0 {
                    continue;
                }
                for i in 0..HIDDEN {
                    grads[0].0[k * HIDDEN + i] += xk * d_hidden[i];
                }
            }
            for i in 0..HIDDEN {
                grads[0].1[i] += d_hidden[i];
            }
        }
        for (layer, (dw, db)) in model.layers.iter_mut().zip(&grads) {
            for (w, g) in layer.weight.iter_mut().zip(dw) {
                *w -= learning_rate * g / BATCH as f32;
            }
            for (b, g) in layer.bias.iter_mut().zip(db) {
                *b -= learning_rate * g / BATCH as f32;
            }
        }
    }
    model
}

fn dense(x: &[f32], layer: &DenseLayer) -> Vec<f32> {
    let mut y = layer.bias.clone();
    for (&xi, row) in x.iter().zip(layer.weight.chunks(layer.outputs)) {
        for (yj, &w) in y.iter_mut().zip(row) {
            *yj += xi * w;
        }
    }
    y
}
