//! Inputs of the deployment bundle: the model, its fix positions, the data and the target.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::board::ArchSource;
use crate::model::MlpWeights;

/// Default Vitis AI image: Vitis AI 2.5 (tag 2.5.0.1260) kept this name.
pub const DEFAULT_IMAGE: &str = "xilinx/vitis-ai-cpu:latest";

/// Power-of-two fix positions (number of fractional bits of the int8 value)
/// that the tool's quantizer chose; a value `v` is stored as
/// `clamp(round(v * 2^fix), -128, 127)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DpuFixPositions {
    /// Fix position of the model input (pixels in [0, 1]).
    pub input_fix: i32,
    /// One entry per dense layer, in model order.
    pub layers: Vec<LayerFixPositions>,
}

/// Fix positions of one dense layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerFixPositions {
    /// Layer name, equal to the `DenseLayer::name` it belongs to.
    pub name: String,
    pub weight_fix: i32,
    pub bias_fix: i32,
    /// Fix position of the layer output after its activation (the logits for
    /// the last layer).
    pub output_fix: i32,
}

/// Images with labels, as the tool's data loader gives them.
#[derive(Debug, Clone, PartialEq)]
pub struct LabeledImages {
    /// Row-major `[n, 784]`, pixels scaled to [0, 1] from 8-bit values.
    pub images: Vec<f32>,
    /// `[n]`, digits 0-9.
    pub labels: Vec<u8>,
}

/// Everything [`write_bundle`](super::write_bundle) needs from the earlier stages.
#[derive(Debug, Clone)]
pub struct BundleInputs {
    /// The float model to deploy.
    pub weights: MlpWeights,
    /// Fix positions from the tool's DPU-target quantization.
    pub fix_positions: DpuFixPositions,
    /// Row-major `[n, 784]` calibration images the tool's quantizer used;
    /// the Vitis AI quantizer calibrates on the same ones.
    pub calibration_images: Vec<f32>,
    /// Test split that both the tool and the bundle's scripts evaluate on.
    pub test: LabeledImages,
    /// The tool's float test accuracy, a fraction in [0, 1].
    pub float_accuracy: f64,
    /// The tool's int8 (DPU-simulating) test accuracy, a fraction in [0, 1].
    pub int8_accuracy: f64,
    /// Target board, or a custom arch.json.
    pub arch: ArchSource,
    /// Docker image that compiles the model, usually [`DEFAULT_IMAGE`].
    pub image: String,
    /// Name of the compiled network: the `.xmodel` file stem. Letters,
    /// digits, `_` and `-` only, because it goes into shell commands.
    pub net_name: String,
}

impl BundleInputs {
    pub fn custom_arch_path(&self) -> Option<&PathBuf> {
        match &self.arch {
            ArchSource::Custom { path, .. } => Some(path),
            ArchSource::Image(_) => None,
        }
    }
}
