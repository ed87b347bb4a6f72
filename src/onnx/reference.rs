use std::path::Path;

use serde::{Deserialize, Serialize};

use super::OnnxError;

/// File name of the committed reference model under models/.
pub const REFERENCE_MODEL_FILE: &str = "mnist_mlp_reference.onnx";
/// File name of the reference model's expected outputs under models/.
pub const REFERENCE_OUTPUTS_FILE: &str = "mnist_mlp_reference.expected.json";

/// Expected outputs of the committed reference model for a few MNIST test
/// images, computed with `MlpWeights::forward_reference` and an f32 softmax,
/// so that a runtime is checked against arithmetic that does not use it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferenceOutputs {
    /// Layer widths, such as `784-32-10`.
    pub architecture: String,
    pub activation: String,
    /// Source of the weights: a weights JSON path or the seed of random weights.
    pub weights_source: String,
    /// Indices of the images in the MNIST test split (t10k).
    pub image_indices: Vec<usize>,
    pub labels: Vec<u8>,
    /// Raw pixels per image, 784 values in 0..=255; the model input is `pixel / 255`.
    pub pixels: Vec<Vec<u8>>,
    /// Logits per image, 10 values.
    pub logits: Vec<Vec<f32>>,
    /// Softmax of the logits per image, 10 values.
    pub probabilities: Vec<Vec<f32>>,
}

impl ReferenceOutputs {
    /// Reads the expected outputs from a JSON file.
    pub fn read(path: &Path) -> Result<Self, OnnxError> {
        let text = std::fs::read_to_string(path).map_err(|source| OnnxError::Io {
            action: "read",
            path: path.to_path_buf(),
            source,
        })?;
        serde_json::from_str(&text)
            .map_err(|error| OnnxError::Malformed(format!("{}: {error}", path.display())))
    }

    /// Returns the model input for all images, row-major `[n, 784]` in [0, 1].
    pub fn input(&self) -> Vec<f32> {
        self.pixels
            .iter()
            .flatten()
            .map(|&pixel| f32::from(pixel) / 255.0)
            .collect()
    }
}
