//! QOperator graph that stays in integers from the input quantizer to the
//! logits: each dense layer is a 1x1 QLinearConv over `[N, C, 1]`.
//!
//! QLinearConv carries an int32 bias, and tract 0.23 lowers a 1x1 QLinearConv
//! to one int8 matrix product. The bias add, the requantization (a rounding
//! shift for power-of-two scales), the clamp, the cast to int8 and a following
//! ReLU (`Max` with 0) all run inside that matmul kernel. MatMulInteger cannot
//! do this, because its int32 result leaves the kernel to be rescaled in f32.
//!
//! tract requantizes with ties to even. The DPU rounds ties up, so for the DPU
//! target the output scale is nudged so that the multiplier becomes
//! `2^-shift * (1 + 2^-23)`. Each positive value then moves up by less than one
//! accumulator step, which pushes every tie up and moves no other value across
//! a rounding boundary (see `MAX_NUDGED_SHIFT`). Negative values move down, so
//! the logits layer adds 128 output steps to its bias, which keeps every value
//! that does not saturate positive. Its QLinearConv output zero point -128
//! takes the 128 steps off again, so the stored int8 values are the logits.

use super::activation::LayerActivation;
use super::graph::GraphBuilder;
use super::int8_model::{INPUT_NAME, LOGITS_NAME, layer_output_q_name};
use super::params::TensorQuant;
use super::quantizer_nodes::quantize;
use super::rounding::{pow2_scale, quantize_f32_i8, quantize_f32_i32};
use super::{QuantParams, ScaleKind, Target};
use crate::model::MlpWeights;

/// Largest right shift from the accumulator to the output for which the
/// nudged multiplier rounds exactly like the DPU. Values that do not saturate
/// are below 256 output steps, so the nudge moves them by less than
/// `256 * 2^-23 = 2^-15` steps. The nearest non-tie is `2^-shift` steps from a
/// tie, so any shift up to 15 is exact; 14 keeps a factor of two in hand.
const MAX_NUDGED_SHIFT: i32 = 14;

/// Offset of the logits layer's bias in output steps, and minus its
/// QLinearConv output zero point.
const LOGITS_OFFSET: i32 = 128;

/// Integer parameters of one fused layer.
pub(super) struct FusedLayer {
    name: String,
    inputs: usize,
    outputs: usize,
    /// Quantized weights transposed to the conv layout `[outputs, inputs]`.
    weight: Vec<i8>,
    input_scale: f32,
    weight_scale: f32,
    /// Scale of the int8 output (the logits for the last layer).
    output_scale: f32,
    /// Output scale written into QLinearConv, nudged for the DPU target.
    conv_output_scale: f32,
    /// Bias on the accumulator's grid, with the logits offset for the last layer.
    bias: Vec<i32>,
    /// Right shift from the accumulator (input + weight fix positions) to the output.
    shift: i32,
    relu: bool,
}

/// Plans the fused graph, or returns `None` when a layer needs the float
/// requantization of the MatMulInteger graph: float scales, sigmoid layers, a
/// bias finer than the accumulator, or a shift outside `0..=MAX_NUDGED_SHIFT`.
pub(super) fn plan_fused_layers(
    weights: &MlpWeights,
    params: &QuantParams,
) -> Option<Vec<FusedLayer>> {
    if params.settings.scale != ScaleKind::Pow2 {
        return None;
    }
    let nudge = params.settings.target == Target::Dpu;
    let last = weights.layers.len() - 1;
    let mut layers = Vec::with_capacity(weights.layers.len());
    for (index, (dense, quant)) in weights.layers.iter().zip(&params.layers).enumerate() {
        let relu = match (quant.activation, index == last) {
            (LayerActivation::Relu, false) => true,
            (LayerActivation::Linear, true) => false,
            _ => return None,
        };
        let input = params.layer_input(index);
        let accumulator_fix = input.fix_pos? + quant.weight.fix_pos?;
        let bias_fix = quant.bias.fix_pos?;
        let output_fix = quant.output.fix_pos?;
        let shift = accumulator_fix - output_fix;
        if bias_fix > accumulator_fix || shift < 0 || (nudge && shift > MAX_NUDGED_SHIFT) {
            log::info!(
                "{}: bias fix position {bias_fix}, accumulator {accumulator_fix}, shift {shift}: \
                 writing MatMulInteger layers, not fused QLinearConv",
                dense.name
            );
            return None;
        }

        let mut weight = vec![0i8; dense.inputs * dense.outputs];
        for (i, row) in dense.weight.chunks(dense.outputs).enumerate() {
            for (o, &w) in row.iter().enumerate() {
                weight[o * dense.inputs + i] =
                    quantize_f32_i8(w, quant.weight.scale, quant.weight.rounding);
            }
        }
        let offset = if relu { 0 } else { LOGITS_OFFSET << shift };
        let bias = dense
            .bias
            .iter()
            .map(|&b| (bias_integer(b, &quant.bias) << (accumulator_fix - bias_fix)) + offset)
            .collect();
        let conv_output_scale = if nudge && shift > 0 {
            nudged_output_scale(accumulator_fix, output_fix)
        } else {
            pow2_scale(output_fix)
        };
        layers.push(FusedLayer {
            name: dense.name.clone(),
            inputs: dense.inputs,
            outputs: dense.outputs,
            weight,
            input_scale: input.scale,
            weight_scale: quant.weight.scale,
            output_scale: quant.output.scale,
            conv_output_scale,
            bias,
            shift,
            relu,
        });
    }
    Some(layers)
}

fn bias_integer(bias: f32, quant: &TensorQuant) -> i32 {
    if quant.bits == 32 {
        quantize_f32_i32(bias, quant.scale)
    } else {
        quantize_f32_i8(bias, quant.scale, quant.rounding) as i32
    }
}

/// Output scale `y` for which tract's multiplier `x_scale * w_scale / y` is
/// `2^-shift * (1 + 2^-23)` in f32, whether it divides or multiplies by `1 / y`.
/// `y` is the f32 just below `2^-output_fix`.
pub(super) fn nudged_output_scale(accumulator_fix: i32, output_fix: i32) -> f32 {
    let scale = f32::from_bits(pow2_scale(output_fix).to_bits() - 1);
    let target = pow2_scale(accumulator_fix - output_fix) * (1.0 + f32::EPSILON);
    let product = pow2_scale(accumulator_fix);
    debug_assert_eq!(product / scale, target);
    debug_assert_eq!(product * scale.recip(), target);
    scale
}

/// Appends QuantizeLinear of the input and the fused layers, and returns the
/// float logits `[N, outputs]`.
pub(super) fn build_fused_layers(
    graph: &mut GraphBuilder,
    params: &QuantParams,
    plan: &[FusedLayer],
) -> String {
    let input_q = quantize(graph, INPUT_NAME, &params.input, None, params, "input/q");
    wire_fused_layers(graph, &input_q, plan)
}

/// Wires `plan` after the int8 tensor `input_q` of shape `[N, inputs]`.
fn wire_fused_layers(graph: &mut GraphBuilder, input_q: &str, plan: &[FusedLayer]) -> String {
    let width_axis = graph.i64_tensor("width_axis", &[1], &[2]);
    let mut x = graph.node("Unsqueeze", &[input_q, &width_axis], "input/q_ncw", vec![]);
    for layer in plan {
        x = wire_fused_layer(graph, &x, layer, &width_axis);
    }
    x
}

/// Wires one dense layer as QLinearConv over `[N, inputs, 1]`. Returns the int8
/// output `[N, outputs, 1]` of a ReLU layer, or the float logits `[N, outputs]`.
fn wire_fused_layer(
    graph: &mut GraphBuilder,
    x: &str,
    layer: &FusedLayer,
    width_axis: &str,
) -> String {
    let name = &layer.name;
    let x_scale = graph.f32_tensor(&format!("{name}/input_scale"), &[], &[layer.input_scale]);
    let x_zero = graph.i8_tensor(&format!("{name}/input_zero_point"), &[], &[0]);
    let weight = graph.i8_tensor(
        &format!("{name}/weight_quantized"),
        &[layer.outputs, layer.inputs, 1],
        &layer.weight,
    );
    let w_scale = graph.f32_tensor(&format!("{name}/weight_scale"), &[], &[layer.weight_scale]);
    let w_zero = graph.i8_tensor(&format!("{name}/weight_zero_point"), &[], &[0]);
    let y_scale = graph.f32_tensor(
        &format!("{name}/conv_output_scale"),
        &[],
        &[layer.conv_output_scale],
    );
    let y_zero_point = if layer.relu { 0 } else { -LOGITS_OFFSET as i8 };
    let y_zero = graph.i8_tensor(
        &format!("{name}/conv_output_zero_point"),
        &[],
        &[y_zero_point],
    );
    let bias = graph.i32_tensor(
        &format!("{name}/bias_accumulator"),
        &[layer.outputs],
        &layer.bias,
    );
    let conv = graph.node(
        "QLinearConv",
        &[
            x, &x_scale, &x_zero, &weight, &w_scale, &w_zero, &y_scale, &y_zero, &bias,
        ],
        &format!("{name}/conv_q"),
        vec![],
    );
    log::debug!("{name}: fused QLinearConv, right shift {}", layer.shift);

    if layer.relu {
        // Rounding maps 0 to 0 and is monotone, so ReLU after the
        // requantization equals ReLU before it.
        let zero = graph.i8_tensor(&format!("{name}/relu_zero"), &[], &[0]);
        return graph.node("Max", &[&conv, &zero], &layer_output_q_name(name), vec![]);
    }
    // The stored values are the int8 logits, so they dequantize with zero point 0.
    let scale = graph.f32_tensor(&format!("{name}/logits_scale"), &[], &[layer.output_scale]);
    let zero = graph.i8_tensor(&format!("{name}/logits_zero_point"), &[], &[0]);
    let logits = graph.node(
        "DequantizeLinear",
        &[&conv, &scale, &zero],
        &format!("{name}/logits_ncw"),
        vec![],
    );
    graph.node("Squeeze", &[&logits, width_axis], LOGITS_NAME, vec![])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quant::TractModel;
    use crate::quant::rounding::{saturate_i8, shift_round_half_up};

    /// Accumulator values around every rounding tie of the int8 range, plus
    /// the ends beyond saturation.
    fn accumulators(shift: i32) -> Vec<i32> {
        let step = 1i32 << shift;
        let half = step / 2;
        let mut values = Vec::new();
        for k in -131..131 {
            for d in -2..=2 {
                values.push(k * step + half + d);
            }
            values.push(k * step);
        }
        values
    }

    /// Builds a 1-input layer whose weights are 1, so with input 1 the accumulator
    /// of output `j` is `1 + bias[j]`. Input and output fix positions are 0
    /// and the weight fix position is `shift`.
    fn probe_layer(name: &str, shift: i32, accumulators: &[i32], relu: bool) -> FusedLayer {
        let offset = if relu { 0 } else { LOGITS_OFFSET << shift };
        FusedLayer {
            name: name.to_string(),
            inputs: 1,
            outputs: accumulators.len(),
            weight: vec![1; accumulators.len()],
            input_scale: 1.0,
            weight_scale: pow2_scale(shift),
            output_scale: 1.0,
            conv_output_scale: nudged_output_scale(shift, 0),
            bias: accumulators.iter().map(|&t| t - 1 + offset).collect(),
            shift,
            relu,
        }
    }

    /// Runs `plan` in tract on the single input value 1; returns `outputs`.
    fn run_plan(plan: &[FusedLayer], outputs: &[String]) -> Vec<Vec<f32>> {
        let mut graph = GraphBuilder::default();
        let scale = graph.f32_tensor("input/scale", &[], &[1.0]);
        let zero = graph.i8_tensor("input/zero_point", &[], &[0]);
        let input_q = graph.node(
            "QuantizeLinear",
            &[INPUT_NAME, &scale, &zero],
            "input/q",
            vec![],
        );
        let logits = wire_fused_layers(&mut graph, &input_q, plan);
        let width = plan.last().unwrap().outputs;
        let proto = graph.finish("probe", (INPUT_NAME, 1), &[(&logits, width)], "", &[]);
        TractModel::load(&proto, outputs)
            .unwrap()
            .run(&[1.0], 1)
            .unwrap()
    }

    #[test]
    fn nudged_scale_gives_target_multiplier() {
        for accumulator_fix in -4..30 {
            for output_fix in (accumulator_fix - MAX_NUDGED_SHIFT)..accumulator_fix {
                let scale = nudged_output_scale(accumulator_fix, output_fix);
                let target = pow2_scale(accumulator_fix - output_fix) * (1.0 + f32::EPSILON);
                assert_eq!(pow2_scale(accumulator_fix) / scale, target);
                assert_eq!(pow2_scale(accumulator_fix) * scale.recip(), target);
            }
        }
    }

    #[test]
    fn fused_relu_layer_rounds_like_dpu() {
        for shift in [1, 2, 7, 11, MAX_NUDGED_SHIFT] {
            let values = accumulators(shift);
            let relu = probe_layer("hidden", shift, &values, true);
            let mut logits = probe_layer("logits", 0, &[0], false);
            logits.inputs = values.len();
            logits.weight = vec![0; values.len()];
            let output = layer_output_q_name("hidden");
            let tract = run_plan(&[relu, logits], std::slice::from_ref(&output));
            for (&t, &q) in values.iter().zip(&tract[0]) {
                let expected = saturate_i8(shift_round_half_up(t.max(0) as i64, shift));
                assert_eq!(q, expected as f32, "accumulator {t}, shift {shift}");
            }
        }
    }

    #[test]
    fn fused_logits_layer_rounds_like_dpu() {
        for shift in [1, 2, 7, 11, MAX_NUDGED_SHIFT] {
            let values = accumulators(shift);
            let logits = probe_layer("logits", shift, &values, false);
            let tract = run_plan(&[logits], &[LOGITS_NAME.to_string()]);
            for (&t, &q) in values.iter().zip(&tract[0]) {
                let expected = saturate_i8(shift_round_half_up(t as i64, shift));
                assert_eq!(q, expected as f32, "accumulator {t}, shift {shift}");
            }
        }
    }
}
