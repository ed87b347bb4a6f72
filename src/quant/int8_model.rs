//! ONNX writers for the int8 model: QDQ (float operators between
//! QuantizeLinear/DequantizeLinear) and QOperator. QOperator models are
//! QLinearConv layers that stay in integers (`qlinear_model`) where the
//! scales allow, and otherwise MatMulInteger with float requantization.
//!
//! With power-of-two scales every float operation between two quantizers is
//! exact in f32, so the float graph computes the DPU's integers. Values stay on
//! a power-of-two grid, and an accumulator of at most 1023 int8 products
//! (127 * 128 * 1023 < 2^24) fits the f32 significand.

use tract_onnx::pb::ModelProto;

use super::activation::{HARD_SIGMOID_NUMERATOR, HARD_SIGMOID_SHIFT, LayerActivation};
use super::graph::{GraphBuilder, int_attribute};
use super::params::{LayerQuant, TensorQuant};
use super::qlinear_model::{build_fused_layers, plan_fused_layers};
use super::quantizer_nodes::{dequantize, dequantized_bias, quantize, quantized_bias, zero_point};
use super::rounding::quantize_f32_i8;
use super::{ModelFormat, QuantError, QuantParams};
use crate::model::MlpWeights;

/// Name of the model input.
pub const INPUT_NAME: &str = "input";
/// Name of the logits output.
pub const LOGITS_NAME: &str = "logits";
/// Name of the softmax output.
pub const PROBABILITIES_NAME: &str = "probabilities";

/// ONNX TensorProto data type code of float, for Cast.
const ONNX_FLOAT: i64 = 1;

/// Name of the int8 tensor a layer writes (present in both formats).
pub fn layer_output_q_name(layer: &str) -> String {
    format!("{layer}/output_q")
}

/// Builds the int8 model in the settings' format.
pub fn build_int8_model(
    weights: &MlpWeights,
    params: &QuantParams,
) -> Result<ModelProto, QuantError> {
    weights.validate()?;
    let mut graph = GraphBuilder::default();
    if params.settings.format == ModelFormat::QOperator
        && let Some(plan) = plan_fused_layers(weights, params)
    {
        let logits = build_fused_layers(&mut graph, params, &plan);
        return Ok(finish_model(graph, &logits, weights, params));
    }

    let input_q = quantize(
        &mut graph,
        INPUT_NAME,
        &params.input,
        None,
        params,
        "input/q",
    );
    let mut x = match params.settings.format {
        ModelFormat::Qdq => dequantize(&mut graph, &input_q, &params.input, "input/dq"),
        ModelFormat::QOperator => input_q,
    };

    let last = weights.layers.len() - 1;
    for (index, (dense, quant)) in weights.layers.iter().zip(&params.layers).enumerate() {
        let input_quant = params.layer_input(index);
        let weight_q: Vec<i8> = dense
            .weight
            .iter()
            .map(|&w| quantize_f32_i8(w, quant.weight.scale, quant.weight.rounding))
            .collect();
        let weight_q = graph.i8_tensor(
            &format!("{}/weight_quantized", dense.name),
            &[dense.inputs, dense.outputs],
            &weight_q,
        );

        let pre_activation = match params.settings.format {
            ModelFormat::Qdq => {
                let weight = dequantize(
                    &mut graph,
                    &weight_q,
                    &quant.weight,
                    &format!("{}/weight", dense.name),
                );
                let bias_q = quantized_bias(
                    &mut graph,
                    &dense.bias,
                    &quant.bias,
                    &format!("{}/bias_quantized", dense.name),
                );
                let bias = dequantize(
                    &mut graph,
                    &bias_q,
                    &quant.bias,
                    &format!("{}/bias", dense.name),
                );
                let matmul = graph.node(
                    "MatMul",
                    &[&x, &weight],
                    &format!("{}/matmul", dense.name),
                    vec![],
                );
                graph.node(
                    "Add",
                    &[&matmul, &bias],
                    &format!("{}/pre_activation_f32", dense.name),
                    vec![],
                )
            }
            ModelFormat::QOperator => {
                let x_zero = zero_point(&mut graph, input_quant, &format!("{}/input", dense.name));
                let w_zero = zero_point(&mut graph, &quant.weight, &quant.weight.name);
                let accumulator = graph.node(
                    "MatMulInteger",
                    &[&x, &weight_q, &x_zero, &w_zero],
                    &format!("{}/accumulator", dense.name),
                    vec![],
                );
                let accumulator = graph.node(
                    "Cast",
                    &[&accumulator],
                    &format!("{}/accumulator_f32", dense.name),
                    vec![int_attribute("to", ONNX_FLOAT)],
                );
                let scale = graph.f32_tensor(
                    &format!("{}/accumulator_scale", dense.name),
                    &[],
                    &[input_quant.scale * quant.weight.scale],
                );
                let matmul = graph.node(
                    "Mul",
                    &[&accumulator, &scale],
                    &format!("{}/matmul", dense.name),
                    vec![],
                );
                let bias = graph.f32_tensor(
                    &format!("{}/bias", dense.name),
                    &[dense.outputs],
                    &dequantized_bias(&dense.bias, &quant.bias),
                );
                graph.node(
                    "Add",
                    &[&matmul, &bias],
                    &format!("{}/pre_activation_f32", dense.name),
                    vec![],
                )
            }
        };

        let grid = accumulator_grid(input_quant, quant);
        let output_q = layer_tail(&mut graph, &pre_activation, quant, grid, params);
        x = if index == last {
            dequantize(&mut graph, &output_q, &quant.output, LOGITS_NAME)
        } else {
            match params.settings.format {
                ModelFormat::Qdq => dequantize(
                    &mut graph,
                    &output_q,
                    &quant.output,
                    &format!("{}/output", dense.name),
                ),
                ModelFormat::QOperator => output_q,
            }
        };
    }
    Ok(finish_model(graph, &x, weights, params))
}

/// Appends the softmax and wraps the graph into a model with its metadata.
fn finish_model(
    mut graph: GraphBuilder,
    logits: &str,
    weights: &MlpWeights,
    params: &QuantParams,
) -> ModelProto {
    graph.node(
        "Softmax",
        &[logits],
        PROBABILITIES_NAME,
        vec![int_attribute("axis", 1)],
    );

    let doc = format!(
        "int8 {} model of an MNIST MLP: {} scales, target {}",
        params.settings.format, params.settings.scale, params.settings.target
    );
    let metadata = [
        ("quant_format", params.settings.format.to_string()),
        ("quant_scale", params.settings.scale.to_string()),
        ("quant_target", params.settings.target.to_string()),
        ("activation", weights.activation.to_string()),
    ];
    let outputs = [
        (LOGITS_NAME, weights.output_size()),
        (PROBABILITIES_NAME, weights.output_size()),
    ];
    graph.finish(
        "mlp_int8",
        (INPUT_NAME, weights.input_size()),
        &outputs,
        &doc,
        &metadata,
    )
}

/// Fractional bits of `x W + b` with power-of-two scales: the finer of the
/// accumulator's grid (input + weight fix positions) and the bias's.
fn accumulator_grid(input: &TensorQuant, layer: &LayerQuant) -> Option<i32> {
    let input_fix = input.fix_pos?;
    Some((input_fix + layer.weight.fix_pos?).max(layer.bias.fix_pos?))
}

/// Activation and output quantization of one layer; returns the int8 output tensor.
fn layer_tail(
    graph: &mut GraphBuilder,
    pre_activation: &str,
    quant: &LayerQuant,
    grid: Option<i32>,
    params: &QuantParams,
) -> String {
    let name = &quant.name;
    let output_q = layer_output_q_name(name);
    match quant.activation {
        LayerActivation::Relu => {
            let relu = graph.node("Relu", &[pre_activation], &format!("{name}/relu"), vec![]);
            quantize(graph, &relu, &quant.output, grid, params, &output_q)
        }
        LayerActivation::Linear => quantize(
            graph,
            pre_activation,
            &quant.output,
            grid,
            params,
            &output_q,
        ),
        LayerActivation::Sigmoid | LayerActivation::HardSigmoid => {
            let pre_quant = quant
                .pre_activation
                .as_ref()
                .expect("sigmoid layers quantize their input");
            let pre_q = quantize(
                graph,
                pre_activation,
                pre_quant,
                grid,
                params,
                &format!("{name}/pre_activation_q"),
            );
            let pre = dequantize(graph, &pre_q, pre_quant, &format!("{name}/pre_activation"));
            if quant.activation == LayerActivation::Sigmoid {
                let sigmoid = graph.node("Sigmoid", &[&pre], &format!("{name}/sigmoid"), vec![]);
                quantize(graph, &sigmoid, &quant.output, None, params, &output_q)
            } else {
                let hard_sigmoid = hard_sigmoid(graph, &pre, name);
                let grid = pre_quant.fix_pos.map(|fix| fix + HARD_SIGMOID_SHIFT);
                quantize(graph, &hard_sigmoid, &quant.output, grid, params, &output_q)
            }
        }
    }
}

/// Appends the DPU hard sigmoid `relu6(x + 3) * 2731 / 2^14` as Add, Clip, Mul.
// NOTE: the Mul and the half-up offset after it are exact in f32 only while
// the hard sigmoid's input fix position is at most 8 (6 * 2^8 * 2731 * 2 <
// 2^24). Above that a tie can round differently from the DPU; the verify
// report's `identical_logits_pct` shows such a difference.
fn hard_sigmoid(graph: &mut GraphBuilder, x: &str, layer: &str) -> String {
    let three = graph.f32_tensor(&format!("{layer}/hard_sigmoid/three"), &[], &[3.0]);
    let zero = graph.f32_tensor(&format!("{layer}/hard_sigmoid/zero"), &[], &[0.0]);
    let six = graph.f32_tensor(&format!("{layer}/hard_sigmoid/six"), &[], &[6.0]);
    let multiplier = HARD_SIGMOID_NUMERATOR as f32 / (1i64 << HARD_SIGMOID_SHIFT) as f32;
    let multiplier = graph.f32_tensor(
        &format!("{layer}/hard_sigmoid/multiplier"),
        &[],
        &[multiplier],
    );
    let shifted = graph.node(
        "Add",
        &[x, &three],
        &format!("{layer}/hard_sigmoid/add"),
        vec![],
    );
    let clipped = graph.node(
        "Clip",
        &[&shifted, &zero, &six],
        &format!("{layer}/hard_sigmoid/relu6"),
        vec![],
    );
    graph.node(
        "Mul",
        &[&clipped, &multiplier],
        &format!("{layer}/hard_sigmoid"),
        vec![],
    )
}
