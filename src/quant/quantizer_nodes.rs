//! QuantizeLinear and DequantizeLinear nodes with explicit zero points.
//!
//! The DPU rounds activations half up while QuantizeLinear rounds half to
//! even. For the DPU target the quantizer's input therefore gets an offset of
//! half a grid step, `2^-(grid + 1)` with `grid` the fractional bits of the
//! value. Every tie then rounds to the next integer up, and no other value
//! crosses a rounding boundary.

use super::graph::GraphBuilder;
use super::params::TensorQuant;
use super::rounding::{quantize_f32_i8, quantize_f32_i32};
use super::{QuantParams, ScaleKind, Target};

/// QuantizeLinear of `value`, preceded for the DPU target by the half-up offset
/// when `grid` (the value's fractional bits) is finer than the tensor's fix position.
pub(super) fn quantize(
    graph: &mut GraphBuilder,
    value: &str,
    quant: &TensorQuant,
    grid: Option<i32>,
    params: &QuantParams,
    output: &str,
) -> String {
    let mut value = value.to_string();
    if let Some(offset) = half_up_offset(quant, grid, params) {
        let offset = graph.f32_tensor(
            &format!("{}/round_half_up_offset", quant.name),
            &[],
            &[offset],
        );
        value = graph.node(
            "Add",
            &[&value, &offset],
            &format!("{}/round_half_up", quant.name),
            vec![],
        );
    }
    let scale = graph.f32_tensor(&format!("{}/scale", quant.name), &[], &[quant.scale]);
    let zero = zero_point(graph, quant, &quant.name);
    graph.node("QuantizeLinear", &[&value, &scale, &zero], output, vec![])
}

/// `2^-(grid + 1)` for DPU power-of-two tensors whose input grid is finer than their step.
fn half_up_offset(quant: &TensorQuant, grid: Option<i32>, params: &QuantParams) -> Option<f32> {
    if params.settings.target != Target::Dpu || params.settings.scale != ScaleKind::Pow2 {
        return None;
    }
    let (grid, fix) = (grid?, quant.fix_pos?);
    (grid > fix).then(|| (-(grid as f64 + 1.0)).exp2() as f32)
}

/// Int8 zero point 0 (int32 for 32-bit biases), written explicitly.
pub(super) fn zero_point(graph: &mut GraphBuilder, quant: &TensorQuant, prefix: &str) -> String {
    let name = format!("{prefix}/zero_point");
    if quant.bits == 32 {
        graph.i32_tensor(&name, &[], &[0])
    } else {
        graph.i8_tensor(&name, &[], &[0])
    }
}

pub(super) fn dequantize(
    graph: &mut GraphBuilder,
    quantized: &str,
    quant: &TensorQuant,
    output: &str,
) -> String {
    let scale = graph.f32_tensor(&format!("{output}/dq_scale"), &[], &[quant.scale]);
    let zero = zero_point(graph, quant, &format!("{output}/dq"));
    graph.node(
        "DequantizeLinear",
        &[quantized, &scale, &zero],
        output,
        vec![],
    )
}

pub(super) fn quantized_bias(
    graph: &mut GraphBuilder,
    bias: &[f32],
    quant: &TensorQuant,
    name: &str,
) -> String {
    if quant.bits == 32 {
        let values: Vec<i32> = bias
            .iter()
            .map(|&b| quantize_f32_i32(b, quant.scale))
            .collect();
        graph.i32_tensor(name, &[bias.len()], &values)
    } else {
        let values: Vec<i8> = bias
            .iter()
            .map(|&b| quantize_f32_i8(b, quant.scale, quant.rounding))
            .collect();
        graph.i8_tensor(name, &[bias.len()], &values)
    }
}

/// Dequantizes the bias to the float values the int8 model adds.
pub fn dequantized_bias(bias: &[f32], quant: &TensorQuant) -> Vec<f32> {
    if quant.bits == 32 {
        bias.iter()
            .map(|&b| (quantize_f32_i32(b, quant.scale) as f64 * quant.scale as f64) as f32)
            .collect()
    } else {
        bias.iter()
            .map(|&b| quantize_f32_i8(b, quant.scale, quant.rounding) as f32 * quant.scale)
            .collect()
    }
}
