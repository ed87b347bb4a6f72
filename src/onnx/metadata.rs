use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Metadata key of the validation accuracy in `metadata_props`.
pub const KEY_VALIDATION_ACCURACY: &str = "validation_accuracy";
/// Metadata key of the test accuracy in `metadata_props`.
pub const KEY_TEST_ACCURACY: &str = "test_accuracy";
/// Metadata key of the exporting tool's version in `metadata_props`.
pub const KEY_TOOL_VERSION: &str = "tool_version";
/// Metadata key of the hidden activation in `metadata_props`.
pub const KEY_ACTIVATION: &str = "activation";
/// Metadata key of the layer widths, input to output, in `metadata_props`.
pub const KEY_LAYER_SIZES: &str = "layer_sizes";
/// Prefix of the hyper-parameter keys in `metadata_props` (`hparam.lr`, ...).
pub const HYPER_PARAMETER_PREFIX: &str = "hparam.";

/// Provenance of an exported model (hyper-parameters, accuracies, tool
/// version), written to the graph doc string and to `metadata_props`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExportMetadata {
    /// Hyper-parameters of the run as key/value text (`lr` -> `0.001`), sorted by key.
    pub hyper_parameters: BTreeMap<String, String>,
    /// Accuracy on the validation split in [0, 1], if measured.
    pub validation_accuracy: Option<f64>,
    /// Accuracy on the test split in [0, 1], if measured.
    pub test_accuracy: Option<f64>,
    /// Version of the tool that wrote the file (`producer_version` too).
    pub tool_version: String,
}

impl ExportMetadata {
    /// Creates metadata with the version of this crate and nothing else.
    pub fn with_crate_version() -> Self {
        ExportMetadata {
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            ..Default::default()
        }
    }

    /// Lists the `metadata_props` entries: the tool version, the accuracies
    /// that are known and every hyper-parameter under `hparam.`.
    pub fn properties(&self) -> Vec<(String, String)> {
        let mut entries = vec![(KEY_TOOL_VERSION.to_string(), self.tool_version.clone())];
        if let Some(accuracy) = self.validation_accuracy {
            entries.push((KEY_VALIDATION_ACCURACY.to_string(), accuracy.to_string()));
        }
        if let Some(accuracy) = self.test_accuracy {
            entries.push((KEY_TEST_ACCURACY.to_string(), accuracy.to_string()));
        }
        for (key, value) in &self.hyper_parameters {
            entries.push((format!("{HYPER_PARAMETER_PREFIX}{key}"), value.clone()));
        }
        entries
    }

    /// Formats the graph doc string: one line per fact, readable in Netron.
    pub fn doc_string(&self, architecture: &str) -> String {
        let mut lines = vec![format!(
            "MNIST MLP {architecture}, exported by vitis-hpo {}",
            self.tool_version
        )];
        lines.push(format!(
            "validation accuracy: {}",
            format_accuracy(self.validation_accuracy)
        ));
        lines.push(format!(
            "test accuracy: {}",
            format_accuracy(self.test_accuracy)
        ));
        if !self.hyper_parameters.is_empty() {
            let pairs: Vec<String> = self
                .hyper_parameters
                .iter()
                .map(|(key, value)| format!("{key}={value}"))
                .collect();
            lines.push(format!("hyper-parameters: {}", pairs.join(", ")));
        }
        lines.join("\n")
    }
}

fn format_accuracy(accuracy: Option<f64>) -> String {
    accuracy.map_or_else(
        || "not measured".to_string(),
        |value| format!("{:.4}", value),
    )
}
