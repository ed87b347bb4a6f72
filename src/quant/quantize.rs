//! The quantization stage end to end: calibrate, choose parameters, build the
//! int8 model and its report, and write them.

use std::path::Path;

use prost::Message;
use serde::{Deserialize, Serialize};
use tract_onnx::pb::ModelProto;

use super::dpu::{DpuLayerParams, DpuModel};
use super::int8_model::build_int8_model;
use super::params::{FLOAT_BIAS_BITS, POW2_BIAS_BITS, QuantParams, TensorQuant, choose_params};
use super::verify::sigmoid_warning;
use super::{CalibrationStats, QuantError, QuantSettings, ScaleKind, Target, calibrate};
use crate::model::MlpWeights;

/// Contents of quant.json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuantReport {
    pub settings: QuantSettings,
    pub calibration_images: usize,
    /// Bias bit width: 8 with power-of-two scales (int8 biases with their own
    /// fix position, as in the DPU's xmodel), 32 with float scales.
    pub bias_bits: u32,
    /// Every quantized tensor in graph order.
    pub tensors: Vec<TensorQuant>,
    /// Per-layer fix positions for the DPU; present for power-of-two scales on the DPU target.
    pub dpu_layers: Option<Vec<DpuLayerParams>>,
    pub warnings: Vec<String>,
}

/// Everything the quantization stage produces.
#[derive(Debug, Clone)]
pub struct Quantized {
    pub stats: CalibrationStats,
    pub params: QuantParams,
    pub model: ModelProto,
    /// The DPU integer reference; present for power-of-two scales on the DPU target.
    pub dpu: Option<DpuModel>,
    pub report: QuantReport,
}

/// Calibrates `weights` on `calibration_images` (row-major `[n, 784]`),
/// chooses the parameters and builds the int8 model. Logs the sigmoid warning
/// for the DPU target.
pub fn quantize_model(
    weights: &MlpWeights,
    calibration_images: &[f32],
    settings: &QuantSettings,
) -> Result<Quantized, QuantError> {
    let stats = calibrate(weights, calibration_images, settings)?;
    let params = choose_params(weights, &stats, settings)?;
    let model = build_int8_model(weights, &params)?;
    let dpu = (settings.scale == ScaleKind::Pow2 && settings.target == Target::Dpu)
        .then(|| DpuModel::new(weights, &params))
        .transpose()?;

    let warnings: Vec<String> = sigmoid_warning(weights, settings.target)
        .into_iter()
        .collect();
    for warning in &warnings {
        log::warn!("{warning}");
    }
    let report = QuantReport {
        settings: settings.clone(),
        calibration_images: stats.images,
        bias_bits: match settings.scale {
            ScaleKind::Pow2 => POW2_BIAS_BITS,
            ScaleKind::Float => FLOAT_BIAS_BITS,
        },
        tensors: params.tensors().into_iter().cloned().collect(),
        dpu_layers: dpu.as_ref().map(DpuModel::layer_params),
        warnings,
    };
    Ok(Quantized {
        stats,
        params,
        model,
        dpu,
        report,
    })
}

/// Writes an ONNX model as protobuf bytes.
pub fn write_onnx(model: &ModelProto, path: &Path) -> Result<(), QuantError> {
    std::fs::write(path, model.encode_to_vec()).map_err(|source| QuantError::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    })
}

/// Writes `value` as pretty JSON.
pub fn write_json<T: Serialize>(
    value: &T,
    path: &Path,
    name: &'static str,
) -> Result<(), QuantError> {
    let text =
        serde_json::to_string_pretty(value).map_err(|source| QuantError::Json { name, source })?;
    std::fs::write(path, text + "\n").map_err(|source| QuantError::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    })
}
