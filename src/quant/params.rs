//! Per-tensor quantization parameters: the choice from calibration statistics,
//! then the DPU compiler's constraints on power-of-two fix positions.

use serde::{Deserialize, Serialize};

use super::activation::LayerActivation;
use super::calibrate::CalibrationStats;
use super::observer::{TensorStats, ValueRange, non_overflow_fix_pos};
use super::rounding::{I8_MAX, I8_MIN, RoundingMode, pow2_scale};
use super::thresholds::{
    entropy_threshold, float_mse_threshold, histogram_clipped_share, percentile_threshold,
};
use super::{CalibMethod, QuantError, QuantSettings, ScaleKind};
use crate::model::MlpWeights;

/// Bit width of biases with power-of-two scales. The pof2s strategy of the
/// Vitis AI TF2 quantizer (vitis_pof2s_quantize_strategy.json in Xilinx/Vitis-AI)
/// quantizes Dense biases to 8 bits by min MSE with ties to even, with their
/// own fix position. The DPU shifts them onto the accumulator's grid
/// (`shift_bias`), so the int8 bias is what the board adds.
pub const POW2_BIAS_BITS: u32 = 8;

/// Bit width of biases with float scales: int32 at scale `input_scale *
/// weight_scale`, the ONNX convention for integer operators (onnxruntime's
/// quantize_static), which makes the bias exact up to that grid.
pub const FLOAT_BIAS_BITS: u32 = 32;

/// Kind of quantized tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TensorRole {
    Input,
    Weight,
    Bias,
    PreActivation,
    Activation,
}

/// Rule that chose a tensor's scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScaleMethod {
    MinMax,
    Percentile,
    Mse,
    Entropy,
    /// Float-scale bias: `input_scale * weight_scale`.
    InputTimesWeight,
}

impl From<CalibMethod> for ScaleMethod {
    fn from(method: CalibMethod) -> Self {
        match method {
            CalibMethod::MinMax => ScaleMethod::MinMax,
            CalibMethod::Percentile => ScaleMethod::Percentile,
            CalibMethod::Mse => ScaleMethod::Mse,
            CalibMethod::Entropy => ScaleMethod::Entropy,
        }
    }
}

/// Quantization parameters of one tensor, symmetric (zero point 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TensorQuant {
    pub name: String,
    pub role: TensorRole,
    /// Real value of one integer step.
    pub scale: f32,
    /// Fractional bits, `scale = 2^-fix_pos`; `None` for float scales.
    pub fix_pos: Option<i32>,
    /// 8, or 32 for float-scale biases.
    pub bits: u32,
    pub method: ScaleMethod,
    pub rounding: RoundingMode,
    /// Smallest and largest value seen (the weights themselves, or the calibration data).
    pub observed_min: f32,
    pub observed_max: f32,
    /// Share of observed values outside the integer range, in [0, 1].
    pub clipped_share: f64,
    /// True when `clipped_share` comes from histogram bin centers rather than every value.
    pub clipped_share_estimated: bool,
    /// Fix position moved to meet a DPU compiler constraint, with the reason.
    pub adjustment: Option<String>,
}

impl TensorQuant {
    /// Fix position; panics for float scales, which the DPU paths never see.
    pub fn fix(&self) -> i32 {
        self.fix_pos
            .expect("power-of-two tensor has a fix position")
    }

    pub(super) fn set_fix(&mut self, fix_pos: i32, reason: String) {
        log::info!(
            "{}: fix position {} -> {fix_pos} ({reason})",
            self.name,
            self.fix()
        );
        self.adjustment = Some(format!(
            "fix position {} -> {fix_pos}: {reason}",
            self.fix()
        ));
        self.fix_pos = Some(fix_pos);
        self.scale = pow2_scale(fix_pos);
    }
}

/// Quantization parameters of one dense layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerQuant {
    pub name: String,
    pub activation: LayerActivation,
    pub weight: TensorQuant,
    pub bias: TensorQuant,
    /// `x W + b` before a sigmoid or hard sigmoid; `None` where the
    /// activation is fused (ReLU) or absent (the output layer).
    pub pre_activation: Option<TensorQuant>,
    /// The layer's output: after the activation, or the logits.
    pub output: TensorQuant,
}

impl LayerQuant {
    /// Returns the tensor the dense layer itself writes: the pre-activation for sigmoid layers, else the output.
    pub fn dense_output(&self) -> &TensorQuant {
        self.pre_activation.as_ref().unwrap_or(&self.output)
    }

    pub(super) fn dense_output_mut(&mut self) -> &mut TensorQuant {
        self.pre_activation.as_mut().unwrap_or(&mut self.output)
    }
}

/// Quantization parameters of the whole model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuantParams {
    pub settings: QuantSettings,
    pub input: TensorQuant,
    pub layers: Vec<LayerQuant>,
}

impl QuantParams {
    /// Returns the tensor layer `index` reads: the model input or the previous layer's output.
    pub fn layer_input(&self, index: usize) -> &TensorQuant {
        if index == 0 {
            &self.input
        } else {
            &self.layers[index - 1].output
        }
    }

    /// Lists every quantized tensor, input first, in graph order.
    pub fn tensors(&self) -> Vec<&TensorQuant> {
        let mut tensors = vec![&self.input];
        for layer in &self.layers {
            tensors.push(&layer.weight);
            tensors.push(&layer.bias);
            tensors.extend(layer.pre_activation.as_ref());
            tensors.push(&layer.output);
        }
        tensors
    }
}

/// Chooses every tensor's parameters. Power of two (Vitis AI pof2s): weights
/// and biases by min MSE with ties to even, the input by min-max, activations
/// by min MSE with the target's rounding, then the DPU constraints. Float
/// scales: min-max everywhere, int32 biases. `settings.method` overrides the
/// input's and the activations' method.
pub fn choose_params(
    weights: &MlpWeights,
    stats: &CalibrationStats,
    settings: &QuantSettings,
) -> Result<QuantParams, QuantError> {
    weights.validate()?;
    settings.validate()?;

    let input_method = settings.method.unwrap_or(CalibMethod::MinMax);
    let activation_method = settings.method.unwrap_or(match settings.scale {
        ScaleKind::Pow2 => CalibMethod::Mse,
        ScaleKind::Float => CalibMethod::MinMax,
    });

    let input = choose_activation(
        "input",
        TensorRole::Input,
        &stats.input,
        input_method,
        settings,
    );
    let mut layers = Vec::with_capacity(weights.layers.len());
    let mut input_scale = input.scale;
    for (layer, layer_stats) in weights.layers.iter().zip(&stats.layers) {
        let weight = choose_weight(
            &format!("{}/weight", layer.name),
            TensorRole::Weight,
            &layer.weight,
            settings,
        );
        let pre_activation = layer_stats.activation.quantizes_pre_activation().then(|| {
            choose_activation(
                &format!("{}/pre_activation", layer.name),
                TensorRole::PreActivation,
                &layer_stats.pre_activation,
                activation_method,
                settings,
            )
        });
        let output = choose_activation(
            &format!("{}/output", layer.name),
            TensorRole::Activation,
            &layer_stats.output,
            activation_method,
            settings,
        );
        let bias = match settings.scale {
            ScaleKind::Pow2 => choose_weight(
                &format!("{}/bias", layer.name),
                TensorRole::Bias,
                &layer.bias,
                settings,
            ),
            ScaleKind::Float => float_bias(
                &format!("{}/bias", layer.name),
                &layer.bias,
                input_scale * weight.scale,
            ),
        };
        input_scale = output.scale;
        layers.push(LayerQuant {
            name: layer.name.clone(),
            activation: layer_stats.activation,
            weight,
            bias,
            pre_activation,
            output,
        });
    }
    let mut params = QuantParams {
        settings: settings.clone(),
        input,
        layers,
    };

    if settings.scale == ScaleKind::Pow2 {
        super::dpu_constraints::apply_dpu_constraints(&mut params);
    }
    refresh_weight_clipping(&mut params, weights);
    refresh_activation_clipping(&mut params, stats);
    Ok(params)
}

fn choose_weight(
    name: &str,
    role: TensorRole,
    values: &[f32],
    settings: &QuantSettings,
) -> TensorQuant {
    let rounding = RoundingMode::HalfToEven;
    let stats = TensorStats::of(values, settings.histogram_bins, rounding);
    let (scale, fix_pos, method) = match settings.scale {
        ScaleKind::Pow2 => {
            let fix = stats.pow2.min_mse_fix_pos();
            (pow2_scale(fix), Some(fix), ScaleMethod::Mse)
        }
        ScaleKind::Float => (
            float_scale(stats.range.abs_max()),
            None,
            ScaleMethod::MinMax,
        ),
    };
    TensorQuant {
        name: name.to_string(),
        role,
        scale,
        fix_pos,
        bits: 8,
        method,
        rounding,
        observed_min: stats.range.min,
        observed_max: stats.range.max,
        clipped_share: 0.0,
        clipped_share_estimated: false,
        adjustment: None,
    }
}

fn choose_activation(
    name: &str,
    role: TensorRole,
    stats: &TensorStats,
    method: CalibMethod,
    settings: &QuantSettings,
) -> TensorQuant {
    let rounding = settings.activation_rounding();
    let abs_max = stats.range.abs_max();
    let threshold = |method: CalibMethod| match method {
        CalibMethod::MinMax => abs_max,
        CalibMethod::Percentile => percentile_threshold(&stats.histogram, settings.percentile),
        CalibMethod::Entropy => entropy_threshold(&stats.histogram),
        CalibMethod::Mse => float_mse_threshold(&stats.histogram, rounding),
    };
    let (scale, fix_pos) = match (settings.scale, method) {
        (ScaleKind::Pow2, CalibMethod::Mse) => {
            let fix = stats.pow2.min_mse_fix_pos();
            (pow2_scale(fix), Some(fix))
        }
        (ScaleKind::Pow2, method) => {
            let fix = non_overflow_fix_pos(threshold(method));
            (pow2_scale(fix), Some(fix))
        }
        (ScaleKind::Float, method) => (float_scale(threshold(method)), None),
    };
    TensorQuant {
        name: name.to_string(),
        role,
        scale,
        fix_pos,
        bits: 8,
        method: method.into(),
        rounding,
        observed_min: stats.range.min,
        observed_max: stats.range.max,
        clipped_share: 0.0,
        clipped_share_estimated: false,
        adjustment: None,
    }
}

/// Symmetric float scale that maps `threshold` to 127; 1/127 for an all-zero tensor.
fn float_scale(threshold: f32) -> f32 {
    if threshold > 0.0 && threshold.is_finite() {
        threshold / I8_MAX as f32
    } else {
        1.0 / I8_MAX as f32
    }
}

fn float_bias(name: &str, values: &[f32], scale: f32) -> TensorQuant {
    let range = ValueRange::of(values);
    TensorQuant {
        name: name.to_string(),
        role: TensorRole::Bias,
        scale,
        fix_pos: None,
        bits: FLOAT_BIAS_BITS,
        method: ScaleMethod::InputTimesWeight,
        rounding: RoundingMode::HalfToEven,
        observed_min: range.min,
        observed_max: range.max,
        clipped_share: 0.0,
        clipped_share_estimated: false,
        adjustment: None,
    }
}

fn refresh_weight_clipping(params: &mut QuantParams, weights: &MlpWeights) {
    for (layer, dense) in params.layers.iter_mut().zip(&weights.layers) {
        layer.weight.clipped_share = clipped_share(&dense.weight, &layer.weight);
        layer.bias.clipped_share = clipped_share(&dense.bias, &layer.bias);
    }
}

/// Exact share of `values` whose rounded value falls outside the tensor's integer range.
pub fn clipped_share(values: &[f32], quant: &TensorQuant) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let (low, high) = if quant.bits == 8 {
        (I8_MIN as f64, I8_MAX as f64)
    } else {
        (i32::MIN as f64, i32::MAX as f64)
    };
    let clipped = values
        .iter()
        .filter(|&&x| {
            let q = quant.rounding.round(x as f64 / quant.scale as f64);
            q < low || q > high
        })
        .count();
    clipped as f64 / values.len() as f64
}

fn refresh_activation_clipping(params: &mut QuantParams, stats: &CalibrationStats) {
    set_activation_clipping(&mut params.input, &stats.input);
    for (layer, layer_stats) in params.layers.iter_mut().zip(&stats.layers) {
        if let Some(pre) = layer.pre_activation.as_mut() {
            set_activation_clipping(pre, &layer_stats.pre_activation);
        }
        set_activation_clipping(&mut layer.output, &layer_stats.output);
    }
}

fn set_activation_clipping(quant: &mut TensorQuant, stats: &TensorStats) {
    let exact = quant
        .fix_pos
        .filter(|_| stats.pow2.rounding == quant.rounding)
        .and_then(|fix| stats.pow2.clipped_at(fix));
    match exact {
        Some(clipped) if stats.range.count > 0 => {
            quant.clipped_share = clipped as f64 / stats.range.count as f64;
            quant.clipped_share_estimated = false;
        }
        _ => {
            quant.clipped_share = histogram_clipped_share(&stats.histogram, quant.scale as f64);
            quant.clipped_share_estimated = true;
        }
    }
}
