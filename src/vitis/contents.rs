//! JSON documents of the bundle and the values its templates are filled with.

use serde::Serialize;

use super::board::ArchSource;
use super::dpu_check::DpuMapping;
use super::inputs::{BundleInputs, DpuFixPositions};
use crate::model::Activation;

/// Path of a custom arch.json inside the bundle, relative to its root.
pub const CUSTOM_ARCH_FILE: &str = "arch/arch.json";
/// The bundle root as the container mounts it.
const WORKSPACE: &str = "/workspace";

/// `model/architecture.json`: what `quantize_compile.py` rebuilds the Keras
/// Sequential model from.
#[derive(Debug, Serialize)]
pub struct Architecture {
    pub net_name: String,
    pub input_size: usize,
    pub layers: Vec<ArchitectureLayer>,
}

/// One Keras `Dense` layer; `activation` is a Keras activation name.
#[derive(Debug, Serialize)]
pub struct ArchitectureLayer {
    pub name: String,
    pub units: usize,
    pub activation: &'static str,
}

/// `tool_report.json`: what vitis-hpo predicted, for the scripts to compare with.
#[derive(Debug, Serialize)]
pub struct ToolReport<'a> {
    pub net_name: &'a str,
    pub board: &'static str,
    pub dpu: &'static str,
    pub arch_json: String,
    pub image: &'a str,
    pub float_accuracy: f64,
    pub int8_accuracy: f64,
    pub calibration_images: usize,
    pub test_images: usize,
    pub fix_positions: &'a DpuFixPositions,
    pub warnings: Vec<String>,
}

/// `board/expected.json`: the accuracies the board runner prints for comparison.
#[derive(Debug, Serialize)]
pub struct Expected<'a> {
    pub net_name: &'a str,
    pub board: &'static str,
    pub float_accuracy: f64,
    pub int8_accuracy: f64,
}

pub fn architecture(inputs: &BundleInputs) -> Architecture {
    let last = inputs.weights.layers.len() - 1;
    let hidden_activation = match inputs.weights.activation {
        Activation::Relu => "relu",
        Activation::Sigmoid => "sigmoid",
    };
    let layers = inputs
        .weights
        .layers
        .iter()
        .enumerate()
        .map(|(index, layer)| ArchitectureLayer {
            name: layer.name.clone(),
            units: layer.outputs,
            // The model ends at the logits: softmax stays out of the DPU graph.
            activation: if index == last { "linear" } else { hidden_activation },
        })
        .collect();
    Architecture { net_name: inputs.net_name.clone(), input_size: inputs.weights.input_size(), layers }
}

/// Path of the arch.json inside the container.
pub fn arch_json_in_container(arch: &ArchSource) -> String {
    match arch {
        ArchSource::Image(board) => board.arch_json_in_image(),
        ArchSource::Custom { .. } => format!("{WORKSPACE}/{CUSTOM_ARCH_FILE}"),
    }
}

pub fn tool_report<'a>(inputs: &'a BundleInputs, mapping: &DpuMapping, image_size: usize) -> ToolReport<'a> {
    ToolReport {
        net_name: &inputs.net_name,
        board: mapping.board.name(),
        dpu: mapping.dpu,
        arch_json: arch_json_in_container(&inputs.arch),
        image: &inputs.image,
        float_accuracy: inputs.float_accuracy,
        int8_accuracy: inputs.int8_accuracy,
        calibration_images: inputs.calibration_images.len() / image_size,
        test_images: inputs.test.labels.len(),
        fix_positions: &inputs.fix_positions,
        warnings: mapping.warnings.iter().map(ToString::to_string).collect(),
    }
}

pub fn expected<'a>(inputs: &'a BundleInputs, mapping: &DpuMapping) -> Expected<'a> {
    Expected {
        net_name: &inputs.net_name,
        board: mapping.board.name(),
        float_accuracy: inputs.float_accuracy,
        int8_accuracy: inputs.int8_accuracy,
    }
}

/// Placeholder values shared by all templates.
pub fn template_values(inputs: &BundleInputs, mapping: &DpuMapping, image_size: usize) -> Vec<(&'static str, String)> {
    let warnings = mapping.warnings.iter().map(|warning| format!("- {warning}")).collect::<Vec<_>>().join("\n");
    let arch_in_image = matches!(inputs.arch, ArchSource::Image(_));
    vec![
        ("NET_NAME", inputs.net_name.clone()),
        ("BOARD", mapping.board.name().to_ascii_uppercase()),
        ("DPU", mapping.dpu.to_string()),
        ("ARCH_JSON", arch_json_in_container(&inputs.arch)),
        ("ARCH_IN_IMAGE", arch_in_image.to_string()),
        ("IMAGE", inputs.image.clone()),
        ("FLOAT_ACCURACY_PCT", format!("{:.2}", inputs.float_accuracy * 100.0)),
        ("INT8_ACCURACY_PCT", format!("{:.2}", inputs.int8_accuracy * 100.0)),
        ("TEST_COUNT", inputs.test.labels.len().to_string()),
        ("CALIB_COUNT", (inputs.calibration_images.len() / image_size).to_string()),
        ("WARNINGS", warnings),
    ]
}
