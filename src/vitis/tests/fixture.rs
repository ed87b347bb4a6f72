//! A small deterministic MLP on real MNIST images, pow2 fix positions for it,
//! and an integer reference of what the DPU computes with them.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::model::{Activation, DenseLayer, INPUT_SIZE, MlpWeights, NUM_CLASSES};
use crate::vitis::{ArchSource, Board, BundleInputs, DEFAULT_IMAGE, DpuFixPositions, LabeledImages, LayerFixPositions};

/// Training images averaged into the class centroids of the fixture model.
const CENTROID_IMAGES: usize = 6000;
const CALIBRATION_IMAGES: usize = 200;
pub const TEST_IMAGES: usize = 1000;
pub const NET_NAME: &str = "mnist_mlp";

pub struct Mnist {
    pub train_images: Vec<u8>,
    pub train_labels: Vec<u8>,
    pub test_images: Vec<u8>,
    pub test_labels: Vec<u8>,
}

fn mnist_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/mnist")
}

/// Reads a gzipped IDX file and returns its payload after the header.
fn read_idx_gz(name: &str, header_len: usize, count: usize, item_len: usize) -> Vec<u8> {
    let path = mnist_dir().join(name);
    let file = std::fs::File::open(&path).unwrap_or_else(|error| panic!("cannot open {}: {error}", path.display()));
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(file).read_to_end(&mut bytes).expect("MNIST file decompresses");
    bytes[header_len..header_len + count * item_len].to_vec()
}

/// Reads the first images of MNIST's train and t10k files once (IDX headers:
/// 16 bytes for images, 8 for labels).
pub fn mnist() -> &'static Mnist {
    static MNIST: OnceLock<Mnist> = OnceLock::new();
    MNIST.get_or_init(|| Mnist {
        train_images: read_idx_gz("train-images-idx3-ubyte.gz", 16, CENTROID_IMAGES, INPUT_SIZE),
        train_labels: read_idx_gz("train-labels-idx1-ubyte.gz", 8, CENTROID_IMAGES, 1),
        test_images: read_idx_gz("t10k-images-idx3-ubyte.gz", 16, TEST_IMAGES, INPUT_SIZE),
        test_labels: read_idx_gz("t10k-labels-idx1-ubyte.gz", 8, TEST_IMAGES, 1),
    })
}

pub fn to_unit(pixels: &[u8]) -> Vec<f32> {
    pixels.iter().map(|&pixel| pixel as f32 / 255.0).collect()
}

/// Builds a nearest-centroid classifier as a 784-20-20-10 MLP.
///
/// Class score `s_c = x . m_c - |m_c|^2 / 2` (m_c the class mean). With relu,
/// `dense_1` gives `relu(s_c)` and `relu(-s_c)`, `dense_2` passes them on, and
/// `logits` takes their difference, so the logits equal `s_c`. With sigmoid,
/// `dense_1` gives `sigmoid(s_c / 8)` for the first ten units and the logits
/// read them through the monotone `dense_2`, so the argmax is the same.
pub fn centroid_model(activation: Activation) -> MlpWeights {
    let data = mnist();
    let mut means = vec![0.0f32; NUM_CLASSES * INPUT_SIZE];
    let mut counts = [0usize; NUM_CLASSES];
    for (image, &label) in data.train_images.chunks(INPUT_SIZE).zip(&data.train_labels) {
        counts[label as usize] += 1;
        for (sum, &pixel) in means[label as usize * INPUT_SIZE..][..INPUT_SIZE].iter_mut().zip(image) {
            *sum += pixel as f32 / 255.0;
        }
    }
    for (class, mean) in means.chunks_mut(INPUT_SIZE).enumerate() {
        mean.iter_mut().for_each(|value| *value /= counts[class] as f32);
    }

    let hidden = 2 * NUM_CLASSES;
    let score_scale = match activation {
        Activation::Relu => 1.0,
        Activation::Sigmoid => 1.0 / 8.0,
    };
    let mut weight_1 = vec![0.0f32; INPUT_SIZE * hidden];
    let mut bias_1 = vec![0.0f32; hidden];
    for class in 0..NUM_CLASSES {
        let mean = &means[class * INPUT_SIZE..][..INPUT_SIZE];
        let half_norm = 0.5 * mean.iter().map(|value| value * value).sum::<f32>();
        for (pixel, &value) in mean.iter().enumerate() {
            weight_1[pixel * hidden + class] = value * score_scale;
            weight_1[pixel * hidden + NUM_CLASSES + class] = -value * score_scale;
        }
        bias_1[class] = -half_norm * score_scale;
        bias_1[NUM_CLASSES + class] = half_norm * score_scale;
    }

    let mut weight_2 = vec![0.0f32; hidden * hidden];
    for unit in 0..hidden {
        weight_2[unit * hidden + unit] = 1.0;
    }

    let mut weight_3 = vec![0.0f32; hidden * NUM_CLASSES];
    for class in 0..NUM_CLASSES {
        weight_3[class * NUM_CLASSES + class] = 1.0;
        if activation == Activation::Relu {
            weight_3[(NUM_CLASSES + class) * NUM_CLASSES + class] = -1.0;
        }
    }

    let layer =
        |name: &str, inputs, outputs, weight, bias| DenseLayer { name: name.into(), inputs, outputs, weight, bias };
    MlpWeights {
        activation,
        layers: vec![
            layer("dense_1", INPUT_SIZE, hidden, weight_1, bias_1),
            layer("dense_2", hidden, hidden, weight_2, vec![0.0; hidden]),
            layer("logits", hidden, NUM_CLASSES, weight_3, vec![0.0; NUM_CLASSES]),
        ],
    }
}

/// Largest fix position `f` with `max_abs * 2^f <= 127`, the power-of-two
/// min-max rule (no value saturates).
pub fn pow2_minmax_fix(values: &[f32]) -> i32 {
    let max_abs = values.iter().fold(0.0f32, |max, value| max.max(value.abs()));
    if max_abs == 0.0 {
        return 7;
    }
    (127.0 / max_abs).log2().floor() as i32
}

/// Fix positions of every tensor from the float model on the calibration images.
pub fn minmax_fix_positions(weights: &MlpWeights, calibration: &[f32]) -> DpuFixPositions {
    let mut layers = Vec::new();
    let mut activations = calibration.to_vec();
    for (index, layer) in weights.layers.iter().enumerate() {
        let single = MlpWeights { activation: weights.activation, layers: vec![layer.clone()] };
        let mut output = single.forward_reference(&activations);
        if index + 1 < weights.layers.len() {
            output.iter_mut().for_each(|value| *value = weights.activation.apply_f32(*value));
        }
        layers.push(LayerFixPositions {
            name: layer.name.clone(),
            weight_fix: pow2_minmax_fix(&layer.weight),
            bias_fix: pow2_minmax_fix(&layer.bias),
            output_fix: pow2_minmax_fix(&output),
        });
        activations = output;
    }
    DpuFixPositions { input_fix: pow2_minmax_fix(calibration), layers }
}

fn clamp_i8(value: i64) -> i64 {
    value.clamp(-128, 127)
}

/// `value * 2^-shift` rounded half up (towards +inf on ties), the DPU's rounding.
fn shift_round_half_up(value: i64, shift: i32) -> i64 {
    if shift <= 0 {
        return value << -shift;
    }
    (value + (1 << (shift - 1))) >> shift
}

fn quantize_even(values: &[f32], fix: i32) -> Vec<i64> {
    values.iter().map(|&value| clamp_i8((value * 2f32.powi(fix)).round_ties_even() as i64)).collect()
}

/// Computes the int8 logits of one 8-bit image as the DPU does. Tensors are
/// int8 with power-of-two scales, products accumulate in 64 bits, and every
/// rescale rounds half up. Hard sigmoid `relu6(x + 3) * 2731 / 2^14` replaces
/// sigmoid.
pub fn dpu_reference_logits(weights: &MlpWeights, fix: &DpuFixPositions, pixels: &[u8]) -> Vec<i64> {
    let input_scale = 2f32.powi(fix.input_fix);
    let mut x: Vec<i64> =
        pixels.iter().map(|&pixel| clamp_i8((pixel as f32 / 255.0 * input_scale + 0.5).floor() as i64)).collect();
    let mut x_fix = fix.input_fix;

    for (index, (layer, layer_fix)) in weights.layers.iter().zip(&fix.layers).enumerate() {
        let w = quantize_even(&layer.weight, layer_fix.weight_fix);
        let b = quantize_even(&layer.bias, layer_fix.bias_fix);
        let acc_fix = x_fix + layer_fix.weight_fix;
        let is_hidden = index + 1 < weights.layers.len();

        let mut y = Vec::with_capacity(layer.outputs);
        for out in 0..layer.outputs {
            let mut acc = shift_round_half_up(b[out], layer_fix.bias_fix - acc_fix);
            for (i, &xi) in x.iter().enumerate() {
                acc += xi * w[i * layer.outputs + out];
            }
            let value = match (is_hidden, weights.activation) {
                (true, Activation::Relu) => shift_round_half_up(acc, acc_fix - layer_fix.output_fix).max(0),
                (true, Activation::Sigmoid) => {
                    let three = 3i64 << acc_fix;
                    let relu6 = (acc + three).clamp(0, 2 * three);
                    shift_round_half_up(relu6 * 2731, acc_fix + 14 - layer_fix.output_fix)
                }
                (false, _) => shift_round_half_up(acc, acc_fix - layer_fix.output_fix),
            };
            y.push(clamp_i8(value));
        }
        x = y;
        x_fix = layer_fix.output_fix;
    }
    x
}

/// Index of the first largest value, the tie rule of numpy's argmax.
pub fn argmax<T: PartialOrd + Copy>(values: &[T]) -> usize {
    let mut best = 0;
    for (index, &value) in values.iter().enumerate() {
        if value > values[best] {
            best = index;
        }
    }
    best
}

/// Correctly classified test images of the integer reference.
pub fn dpu_reference_correct(weights: &MlpWeights, fix: &DpuFixPositions) -> usize {
    let data = mnist();
    data.test_images
        .chunks(INPUT_SIZE)
        .zip(&data.test_labels)
        .filter(|(image, label)| argmax(&dpu_reference_logits(weights, fix, image)) == **label as usize)
        .count()
}

pub fn float_correct(weights: &MlpWeights, images: &[f32], labels: &[u8]) -> usize {
    let logits = weights.forward_reference(images);
    logits.chunks(NUM_CLASSES).zip(labels).filter(|(row, label)| argmax(row) == **label as usize).count()
}

/// Bundle inputs for the fixture model, with accuracies computed by the
/// float and integer references (computed once per activation).
pub fn bundle_inputs(activation: Activation, board: Board) -> BundleInputs {
    static RELU: OnceLock<BundleInputs> = OnceLock::new();
    static SIGMOID: OnceLock<BundleInputs> = OnceLock::new();
    let cell = match activation {
        Activation::Relu => &RELU,
        Activation::Sigmoid => &SIGMOID,
    };
    let mut inputs = cell.get_or_init(|| compute_bundle_inputs(activation)).clone();
    inputs.arch = ArchSource::Image(board);
    inputs
}

fn compute_bundle_inputs(activation: Activation) -> BundleInputs {
    let data = mnist();
    let weights = centroid_model(activation);
    let calibration_images = to_unit(&data.train_images[..CALIBRATION_IMAGES * INPUT_SIZE]);
    let fix_positions = minmax_fix_positions(&weights, &calibration_images);
    let test_images = to_unit(&data.test_images);

    let float_accuracy = float_correct(&weights, &test_images, &data.test_labels) as f64 / TEST_IMAGES as f64;
    let int8_accuracy = dpu_reference_correct(&weights, &fix_positions) as f64 / TEST_IMAGES as f64;
    BundleInputs {
        weights,
        fix_positions,
        calibration_images,
        test: LabeledImages { images: test_images, labels: data.test_labels.clone() },
        float_accuracy,
        int8_accuracy,
        arch: ArchSource::Image(Board::Zcu102),
        image: DEFAULT_IMAGE.to_string(),
        net_name: NET_NAME.to_string(),
    }
}
