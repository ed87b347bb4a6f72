//! int8 post-training quantization of the MLP for the Xilinx DPU: calibration,
//! power-of-two or float scales, QDQ and integer ONNX models, the DPU's
//! integer arithmetic as a reference, and verification in tract.

mod activation;
mod calib_set;
mod calibrate;
mod dpu;
mod dpu_constraints;
mod error;
mod float_model;
mod graph;
mod int8_model;
mod observer;
mod options;
mod params;
mod qlinear_model;
mod quantize;
mod quantizer_nodes;
mod rounding;
mod thresholds;
mod tract_run;
mod verify;

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

pub use activation::{LayerActivation, hard_sigmoid_dpu_f32};
pub use calib_set::{CalibrationSet, draw_calibration_set};
pub use calibrate::{CalibrationStats, LayerStats, calibrate};
pub use dpu::{DpuLayer, DpuLayerParams, DpuModel};
pub use dpu_constraints::apply_dpu_constraints;
pub use error::QuantError;
pub use float_model::build_float_model;
pub use int8_model::{INPUT_NAME, LOGITS_NAME, PROBABILITIES_NAME, build_int8_model};
pub use observer::{Histogram, Pow2Errors, TensorStats, ValueRange, non_overflow_fix_pos};
pub use options::{
    CalibMethod, DEFAULT_HISTOGRAM_BINS, DEFAULT_PERCENTILE, ModelFormat, QuantSettings, ScaleKind,
    Target,
};
pub use params::{
    LayerQuant, POW2_BIAS_BITS, QuantParams, ScaleMethod, TensorQuant, TensorRole, choose_params,
};
pub use quantize::{QuantReport, Quantized, quantize_model, write_json, write_onnx};
pub use rounding::{
    RoundingMode, dequantize_i8_f32, pow2_scale, quantize_f32_i8, shift_round_half_up,
};
pub use tract_run::TractModel;
pub use verify::{DpuReferenceCheck, LayerSqnr, VerifyReport, sigmoid_warning, verify};
