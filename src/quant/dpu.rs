//! Integer reference of the DPU: int8 tensors, int32 accumulation,
//! power-of-two shifts with round half up, saturation to int8. The tract int8
//! model and a board emulator must match it bit for bit.

use serde::{Deserialize, Serialize};

use super::activation::{HARD_SIGMOID_NUMERATOR, HARD_SIGMOID_SHIFT, LayerActivation};
use super::rounding::{RoundingMode, quantize_f32_i8, saturate_i8, shift_round_half_up};
use super::{QuantError, QuantParams, ScaleKind, Target};
use crate::model::MlpWeights;

/// Rows that `DpuLayer::forward_i8` accumulates together. Their int32
/// accumulators (8 x 512 x 4 bytes for 512 outputs) fit in L1 cache.
const ROW_BLOCK: usize = 8;

/// Fix positions (fractional bits) of one dense layer on the DPU.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DpuLayerParams {
    pub name: String,
    /// `relu`, `hard_sigmoid` or `linear` (the logits layer).
    pub activation: String,
    pub input_fix_pos: i32,
    pub weight_fix_pos: i32,
    pub bias_fix_pos: i32,
    /// Fix position of the dense layer's int8 result: after ReLU for relu
    /// layers, before the hard sigmoid for sigmoid layers, the logits for the
    /// output layer.
    pub output_fix_pos: i32,
    /// Fix position after the hard sigmoid; `None` for other activations.
    pub hard_sigmoid_fix_pos: Option<i32>,
    /// Right shift from the accumulator to the output: input + weight - output fix position.
    pub shift_cut: i32,
    /// Left shift from the bias to the accumulator: input + weight - bias fix position.
    pub shift_bias: i32,
}

/// One dense layer with int8 weights and bias.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DpuLayer {
    pub params: DpuLayerParams,
    pub activation: LayerActivation,
    pub inputs: usize,
    pub outputs: usize,
    /// Row-major `[inputs, outputs]`.
    pub weight: Vec<i8>,
    pub bias: Vec<i8>,
}

/// The whole model as the DPU runs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DpuModel {
    pub input_fix_pos: i32,
    pub layers: Vec<DpuLayer>,
}

impl DpuModel {
    /// Quantizes the weights with `params`, which must use power-of-two scales
    /// and the DPU target.
    pub fn new(weights: &MlpWeights, params: &QuantParams) -> Result<Self, QuantError> {
        weights.validate()?;
        if params.settings.scale != ScaleKind::Pow2 || params.settings.target != Target::Dpu {
            return Err(QuantError::NotDpuParams {
                scale: params.settings.scale,
                target: params.settings.target,
            });
        }
        let mut layers = Vec::with_capacity(weights.layers.len());
        for (index, (dense, quant)) in weights.layers.iter().zip(&params.layers).enumerate() {
            let input_fix_pos = params.layer_input(index).fix();
            let weight_fix_pos = quant.weight.fix();
            let bias_fix_pos = quant.bias.fix();
            let output_fix_pos = quant.dense_output().fix();
            let hard_sigmoid_fix_pos =
                (quant.activation == LayerActivation::HardSigmoid).then(|| quant.output.fix());
            let params = DpuLayerParams {
                name: dense.name.clone(),
                activation: quant.activation.name().to_string(),
                input_fix_pos,
                weight_fix_pos,
                bias_fix_pos,
                output_fix_pos,
                hard_sigmoid_fix_pos,
                shift_cut: input_fix_pos + weight_fix_pos - output_fix_pos,
                shift_bias: input_fix_pos + weight_fix_pos - bias_fix_pos,
            };
            layers.push(DpuLayer {
                params,
                activation: quant.activation,
                inputs: dense.inputs,
                outputs: dense.outputs,
                weight: dense
                    .weight
                    .iter()
                    .map(|&w| quantize_f32_i8(w, quant.weight.scale, RoundingMode::HalfToEven))
                    .collect(),
                bias: dense
                    .bias
                    .iter()
                    .map(|&b| quantize_f32_i8(b, quant.bias.scale, RoundingMode::HalfToEven))
                    .collect(),
            });
        }
        Ok(DpuModel {
            input_fix_pos: params.input.fix(),
            layers,
        })
    }

    /// Per-layer fix positions, for the deployment bundle.
    pub fn layer_params(&self) -> Vec<DpuLayerParams> {
        self.layers
            .iter()
            .map(|layer| layer.params.clone())
            .collect()
    }

    /// Fix position of the int8 logits.
    pub fn logits_fix_pos(&self) -> i32 {
        self.layers
            .last()
            .map_or(0, |layer| layer.params.output_fix_pos)
    }

    /// Quantizes pixels to the int8 input: `clamp(round(x * 2^fix), -128, 127)`
    /// with ties to even, like the board runner's numpy `round`. Pixels k/255
    /// never land on a tie (that needs 255 to divide k), so this equals the
    /// quantizer's round half up on MNIST.
    pub fn quantize_input(&self, pixels: &[f32]) -> Vec<i8> {
        let scale = super::rounding::pow2_scale(self.input_fix_pos);
        pixels
            .iter()
            .map(|&x| quantize_f32_i8(x, scale, RoundingMode::HalfToEven))
            .collect()
    }

    /// Int8 logits of row-major `[n, 784]` images, `[n, 10]`.
    pub fn forward_i8(&self, images: &[f32]) -> Vec<i8> {
        let mut x = self.quantize_input(images);
        for layer in &self.layers {
            x = layer.forward_i8(&x);
        }
        x
    }

    /// Float logits: int8 logits times `2^-fix`.
    pub fn logits_f32(&self, logits_i8: &[i8]) -> Vec<f32> {
        let scale = super::rounding::pow2_scale(self.logits_fix_pos());
        logits_i8.iter().map(|&q| q as f32 * scale).collect()
    }
}

impl DpuLayer {
    /// Computes one layer on int8 rows. The int32 accumulator `sum(x * w)`
    /// and the bias are aligned on the finer of their grids: the DPU shifts the
    /// bias left by `shift_bias`, or the accumulator left when `shift_bias` is
    /// negative. ReLU, the right shift with round half up and saturation follow.
    /// Hard sigmoid layers then compute `clamp(q + 3 * 2^p, 0, 6 * 2^p) * 2731`
    /// and shift it right by `14 + p - h` (p, h: input and output fix positions).
    pub fn forward_i8(&self, x: &[i8]) -> Vec<i8> {
        let rows = x.len() / self.inputs;
        let mut out = Vec::with_capacity(rows * self.outputs);
        let mut acc = vec![0i32; ROW_BLOCK * self.outputs];
        for block in x.chunks(ROW_BLOCK * self.inputs) {
            let acc = &mut acc[..block.len() / self.inputs * self.outputs];
            self.accumulate(block, acc);
            for row_acc in acc.chunks(self.outputs) {
                out.extend(
                    row_acc
                        .iter()
                        .zip(&self.bias)
                        .map(|(&a, &b)| self.requantize(a, b)),
                );
            }
        }
        out
    }

    /// Writes `sum_k x[r][k] * w[k][j]` of the rows of `block` into `acc`,
    /// with AVX2 where the CPU has it. The default x86-64 target has no
    /// 32-bit vector multiply (SSE4.1), and the DPU reference is most of the
    /// quantize command's time without it.
    fn accumulate(&self, block: &[i8], acc: &mut [i32]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            unsafe { accumulate_avx2(&self.weight, self.inputs, block, acc) };
            return;
        }
        accumulate_rows(&self.weight, self.inputs, block, acc);
    }

    /// Adds the bias to one accumulator, applies the activation and requantizes to int8.
    fn requantize(&self, a: i32, b: i8) -> i8 {
        let p = &self.params;
        let accumulator_fix = p.input_fix_pos + p.weight_fix_pos;
        let grid = accumulator_fix.max(p.bias_fix_pos);
        let total =
            ((a as i64) << (grid - accumulator_fix)) + ((b as i64) << (grid - p.bias_fix_pos));
        match self.activation {
            LayerActivation::Relu => {
                saturate_i8(shift_round_half_up(total.max(0), grid - p.output_fix_pos))
            }
            LayerActivation::HardSigmoid => {
                let pre = saturate_i8(shift_round_half_up(total, grid - p.output_fix_pos)) as i64;
                let fix = p.output_fix_pos;
                let shifted = (pre + (3i64 << fix)).clamp(0, 6i64 << fix);
                let hard_fix = p
                    .hard_sigmoid_fix_pos
                    .expect("hard sigmoid layers have an output fix position");
                saturate_i8(shift_round_half_up(
                    shifted * HARD_SIGMOID_NUMERATOR,
                    HARD_SIGMOID_SHIFT + fix - hard_fix,
                ))
            }
            // Sigmoid never reaches the DPU: `DpuModel::new` requires the DPU target.
            LayerActivation::Linear | LayerActivation::Sigmoid => {
                saturate_i8(shift_round_half_up(total, grid - p.output_fix_pos))
            }
        }
    }
}

/// Writes `sum_k x[r][k] * w[k][j]` of the rows of `block` (`[rows, inputs]`)
/// into `acc` (`[rows, outputs]`). Each weight row is loaded once for all rows
/// of the block, which keeps it in L1 cache while the rows reuse it.
#[inline(always)]
fn accumulate_rows(weight: &[i8], inputs: usize, block: &[i8], acc: &mut [i32]) {
    let outputs = weight.len() / inputs;
    acc.fill(0);
    for (k, w_row) in weight.chunks(outputs).enumerate() {
        for (row, row_acc) in block.chunks(inputs).zip(acc.chunks_mut(outputs)) {
            let xi = row[k] as i32;
            if xi == 0 {
                continue;
            }
            for (a, &w) in row_acc.iter_mut().zip(w_row) {
                *a += xi * w as i32;
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn accumulate_avx2(weight: &[i8], inputs: usize, block: &[i8], acc: &mut [i32]) {
    accumulate_rows(weight, inputs, block, acc);
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    fn random_layer(activation: LayerActivation, rng: &mut ChaCha8Rng) -> DpuLayer {
        let (inputs, outputs) = (37, 13);
        let params = DpuLayerParams {
            name: "dense".to_string(),
            activation: activation.name().to_string(),
            input_fix_pos: 6,
            weight_fix_pos: 7,
            bias_fix_pos: 5,
            output_fix_pos: 4,
            hard_sigmoid_fix_pos: (activation == LayerActivation::HardSigmoid).then_some(7),
            shift_cut: 9,
            shift_bias: 8,
        };
        DpuLayer {
            params,
            activation,
            inputs,
            outputs,
            weight: (0..inputs * outputs).map(|_| rng.random()).collect(),
            bias: (0..outputs).map(|_| rng.random()).collect(),
        }
    }

    /// Computes one output of `layer` directly from the DPU's definition.
    fn naive_output(layer: &DpuLayer, row: &[i8], j: usize) -> i8 {
        let acc: i64 = (0..layer.inputs)
            .map(|k| row[k] as i64 * layer.weight[k * layer.outputs + j] as i64)
            .sum();
        // Accumulator fix 13, bias fix 5, output fix 4.
        let total = acc + ((layer.bias[j] as i64) << 8);
        match layer.activation {
            LayerActivation::Relu => saturate_i8(shift_round_half_up(total.max(0), 9)),
            LayerActivation::HardSigmoid => {
                let pre = saturate_i8(shift_round_half_up(total, 9)) as i64;
                let shifted = (pre + 3 * 16).clamp(0, 6 * 16);
                saturate_i8(shift_round_half_up(shifted * 2731, 14 + 4 - 7))
            }
            _ => saturate_i8(shift_round_half_up(total, 9)),
        }
    }

    #[test]
    fn layer_forward_matches_naive_reference() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for activation in [
            LayerActivation::Relu,
            LayerActivation::HardSigmoid,
            LayerActivation::Linear,
        ] {
            let layer = random_layer(activation, &mut rng);
            // 19 rows: two full row blocks and a partial one.
            let rows = 2 * ROW_BLOCK + 3;
            let x: Vec<i8> = (0..rows * layer.inputs)
                .map(|i| if i % 5 == 0 { 0 } else { rng.random() })
                .collect();
            let out = layer.forward_i8(&x);
            assert_eq!(out.len(), rows * layer.outputs);
            for (r, row) in x.chunks(layer.inputs).enumerate() {
                for j in 0..layer.outputs {
                    assert_eq!(
                        out[r * layer.outputs + j],
                        naive_output(&layer, row, j),
                        "{} row {r} output {j}",
                        activation.name()
                    );
                }
            }
        }
    }

    #[test]
    fn portable_accumulate_matches_naive_sums() {
        // `forward_i8` takes the AVX2 path on most x86-64 machines, so the
        // portable loop is checked on its own.
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let layer = random_layer(LayerActivation::Linear, &mut rng);
        let rows = ROW_BLOCK - 3;
        let x: Vec<i8> = (0..rows * layer.inputs).map(|_| rng.random()).collect();
        let mut acc = vec![7i32; rows * layer.outputs];
        accumulate_rows(&layer.weight, layer.inputs, &x, &mut acc);
        for (r, row) in x.chunks(layer.inputs).enumerate() {
            for j in 0..layer.outputs {
                let expected: i32 = (0..layer.inputs)
                    .map(|k| row[k] as i32 * layer.weight[k * layer.outputs + j] as i32)
                    .sum();
                assert_eq!(acc[r * layer.outputs + j], expected, "row {r} output {j}");
            }
        }
    }
}
