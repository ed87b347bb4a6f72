//! Quantization options: scale kind, calibration method, target and model format.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::QuantError;

/// Default share of values (in percent) kept inside the range by `--method percentile`.
pub const DEFAULT_PERCENTILE: f64 = 99.99;

/// Default number of histogram bins per calibrated tensor.
pub const DEFAULT_HISTOGRAM_BINS: usize = 2048;

/// Representation of the scales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ScaleKind {
    /// Power-of-two scales `2^-fix_pos`, the only kind the DPU runs.
    #[default]
    Pow2,
    /// Arbitrary float scales, as onnxruntime and most CPU runtimes use.
    Float,
}

/// Calibration method that picks an activation's range from the calibration data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CalibMethod {
    /// The range covers every observed value (Vitis AI calls it non-overflow).
    MinMax,
    /// The range covers the given percentile of absolute values.
    Percentile,
    /// The range minimizes the mean squared quantization error.
    Mse,
    /// The range minimizes the KL divergence between the float and the
    /// quantized distribution of absolute values (TensorRT's entropy method).
    Entropy,
}

/// Where the int8 model is meant to run; decides activation rounding and sigmoid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// The Xilinx DPU: activations round half up and sigmoid becomes the DPU's
    /// hard sigmoid `relu6(x + 3) * 2731 / 2^14`.
    #[default]
    Dpu,
    /// A generic ONNX runtime: ONNX rounding (half to even) and the real sigmoid.
    Generic,
}

/// Layout of the written int8 ONNX model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ModelFormat {
    /// Float operators between QuantizeLinear/DequantizeLinear pairs.
    #[default]
    Qdq,
    /// Integer operators (MatMulInteger on int8 tensors) for fast CPU inference.
    QOperator,
}

macro_rules! impl_option_text {
    ($type:ty, $option:literal, $expected:literal, [$(($variant:expr, $($text:literal)|+)),+ $(,)?]) => {
        impl $type {
            /// Name used on the command line and in reports.
            pub fn name(self) -> &'static str {
                let names: &[($type, &'static str)] = &[$(($variant, [$($text),+][0])),+];
                names.iter().find(|(value, _)| *value == self).map(|(_, name)| *name).unwrap_or("")
            }
        }

        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl FromStr for $type {
            type Err = QuantError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($($text)|+ => Ok($variant),)+
                    _ => Err(QuantError::InvalidOption {
                        option: $option,
                        value: s.to_string(),
                        expected: $expected,
                    }),
                }
            }
        }
    };
}

impl_option_text!(
    ScaleKind,
    "scale kind",
    "pow2, float",
    [(ScaleKind::Pow2, "pow2"), (ScaleKind::Float, "float")]
);
impl_option_text!(
    CalibMethod,
    "calibration method",
    "minmax, percentile, mse, entropy (or kl)",
    [
        (CalibMethod::MinMax, "minmax" | "min-max" | "non-overflow"),
        (CalibMethod::Percentile, "percentile"),
        (CalibMethod::Mse, "mse" | "min-mse"),
        (CalibMethod::Entropy, "entropy" | "kl"),
    ]
);
impl_option_text!(
    Target,
    "target",
    "dpu, generic",
    [(Target::Dpu, "dpu"), (Target::Generic, "generic")]
);
impl_option_text!(
    ModelFormat,
    "model format",
    "qdq, qoperator",
    [
        (ModelFormat::Qdq, "qdq"),
        (ModelFormat::QOperator, "qoperator")
    ]
);

/// Checked quantization settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuantSettings {
    /// Scale representation; default power of two.
    pub scale: ScaleKind,
    /// Calibration method for the model input and every activation. `None`
    /// keeps the per-tensor default. With power-of-two scales that is the
    /// Vitis AI choice (input min-max, activations min MSE), with float scales
    /// min-max. Weights and biases always keep their default (min MSE for
    /// power-of-two scales, min-max for float scales).
    pub method: Option<CalibMethod>,
    /// Percentile of absolute values kept by `CalibMethod::Percentile`, in percent; default 99.99.
    pub percentile: f64,
    /// Runtime the int8 model simulates; default the DPU.
    pub target: Target,
    /// Layout of the written model; default QDQ.
    pub format: ModelFormat,
    /// Histogram bins per calibrated tensor; default 2048.
    pub histogram_bins: usize,
}

impl Default for QuantSettings {
    fn default() -> Self {
        QuantSettings {
            scale: ScaleKind::Pow2,
            method: None,
            percentile: DEFAULT_PERCENTILE,
            target: Target::Dpu,
            format: ModelFormat::Qdq,
            histogram_bins: DEFAULT_HISTOGRAM_BINS,
        }
    }
}

impl QuantSettings {
    /// Checks the combination of options.
    pub fn validate(&self) -> Result<(), QuantError> {
        if self.scale == ScaleKind::Float && self.target == Target::Dpu {
            return Err(QuantError::FloatScaleOnDpu);
        }
        if !(self.percentile > 0.0 && self.percentile <= 100.0) {
            return Err(QuantError::InvalidPercentile(self.percentile));
        }
        if self.histogram_bins < 256 {
            return Err(QuantError::InvalidHistogramBins(self.histogram_bins));
        }
        Ok(())
    }

    /// Rounding of activations: the DPU rounds half up, ONNX QuantizeLinear half to even.
    pub fn activation_rounding(&self) -> super::RoundingMode {
        match self.target {
            Target::Dpu => super::RoundingMode::HalfUp,
            Target::Generic => super::RoundingMode::HalfToEven,
        }
    }
}
