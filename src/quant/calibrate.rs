//! Calibration: the float model, with the target's activations, runs over the
//! calibration images while every activation tensor is observed.

use serde::{Deserialize, Serialize};

use super::activation::LayerActivation;
use super::observer::{TensorStats, ValueRange};
use super::{QuantError, QuantSettings};
use crate::model::{DenseLayer, INPUT_SIZE, MlpWeights};

/// Rows per forward batch; bounds the memory of the intermediate tensors.
const CALIBRATION_BATCH: usize = 512;

/// Statistics of one dense layer's activation tensors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerStats {
    pub name: String,
    pub activation: LayerActivation,
    /// `x W + b`, before the activation.
    pub pre_activation: TensorStats,
    /// After the activation; equal to `pre_activation` for the output layer.
    pub output: TensorStats,
}

/// Statistics of every activation tensor over the calibration images.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationStats {
    pub images: usize,
    pub input: TensorStats,
    pub layers: Vec<LayerStats>,
}

/// Runs the float model over `images` (row-major `[n, 784]`) twice: once for
/// each tensor's range, once for its histogram and power-of-two errors.
/// Sigmoid layers compute the DPU hard sigmoid for `Target::Dpu`, as the Vitis
/// AI quantizer converts them before it calibrates.
pub fn calibrate(
    weights: &MlpWeights,
    images: &[f32],
    settings: &QuantSettings,
) -> Result<CalibrationStats, QuantError> {
    weights.validate()?;
    settings.validate()?;
    if !images.len().is_multiple_of(INPUT_SIZE) {
        return Err(QuantError::ImageBufferShape {
            len: images.len(),
            width: INPUT_SIZE,
        });
    }
    let count = images.len() / INPUT_SIZE;
    if count == 0 {
        return Err(QuantError::NoImages {
            what: "calibration",
        });
    }
    let activations = layer_activations(weights, settings);

    let mut input_range = ValueRange::default();
    let mut layer_ranges =
        vec![(ValueRange::default(), ValueRange::default()); weights.layers.len()];
    for_each_batch(weights, &activations, images, |tensors| {
        input_range.add_all(tensors.input);
        for (ranges, (pre, out)) in layer_ranges.iter_mut().zip(&tensors.layers) {
            ranges.0.add_all(pre);
            ranges.1.add_all(out);
        }
    });

    let bins = settings.histogram_bins;
    let rounding = settings.activation_rounding();
    let mut input = TensorStats::for_range(input_range, bins, rounding);
    let mut layers: Vec<LayerStats> = weights
        .layers
        .iter()
        .zip(&activations)
        .zip(&layer_ranges)
        .map(|((layer, &activation), (pre, out))| LayerStats {
            name: layer.name.clone(),
            activation,
            pre_activation: TensorStats::for_range(*pre, bins, rounding),
            output: TensorStats::for_range(*out, bins, rounding),
        })
        .collect();
    for_each_batch(weights, &activations, images, |tensors| {
        input.add_all(tensors.input);
        for (stats, (pre, out)) in layers.iter_mut().zip(&tensors.layers) {
            stats.pre_activation.add_all(pre);
            stats.output.add_all(out);
        }
    });
    Ok(CalibrationStats {
        images: count,
        input,
        layers,
    })
}

/// Activation of every layer for the settings' target.
pub fn layer_activations(weights: &MlpWeights, settings: &QuantSettings) -> Vec<LayerActivation> {
    let count = weights.layers.len();
    (0..count)
        .map(|index| LayerActivation::for_layer(weights.activation, settings.target, index, count))
        .collect()
}

/// The tensors of one forward batch.
struct BatchTensors<'a> {
    input: &'a [f32],
    /// Per layer: pre-activation, output.
    layers: Vec<(Vec<f32>, Vec<f32>)>,
}

fn for_each_batch(
    weights: &MlpWeights,
    activations: &[LayerActivation],
    images: &[f32],
    mut visit: impl FnMut(&BatchTensors),
) {
    for input in images.chunks(CALIBRATION_BATCH * INPUT_SIZE) {
        let rows = input.len() / INPUT_SIZE;
        let mut layers = Vec::with_capacity(weights.layers.len());
        let mut x = input.to_vec();
        for (layer, activation) in weights.layers.iter().zip(activations) {
            let pre = dense_f32(&x, rows, layer);
            let out: Vec<f32> = pre.iter().map(|&v| activation.apply_f32(v)).collect();
            x = out.clone();
            layers.push((pre, out));
        }
        visit(&BatchTensors { input, layers });
    }
}

/// `x W + b` for `rows` rows of `x` in plain f32.
pub fn dense_f32(x: &[f32], rows: usize, layer: &DenseLayer) -> Vec<f32> {
    let mut y = Vec::with_capacity(rows * layer.outputs);
    for row in x.chunks(layer.inputs).take(rows) {
        let start = y.len();
        y.extend_from_slice(&layer.bias);
        let out = &mut y[start..];
        for (&xi, w_row) in row.iter().zip(layer.weight.chunks(layer.outputs)) {
            if xi == 0.0 {
                continue;
            }
            for (yj, &wij) in out.iter_mut().zip(w_row) {
                *yj += xi * wij;
            }
        }
    }
    y
}
