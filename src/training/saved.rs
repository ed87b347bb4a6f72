use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use crate::data::DataSettings;

use super::{EpochMetrics, Evaluation, Mlp, TrainConfig, TrainError, TrainedModel};

/// File name of the burnpack weights inside a model folder.
pub const MODEL_WEIGHTS: &str = "model.bpk";
/// File name of the architecture and settings inside a model folder.
pub const MODEL_JSON: &str = "model.json";

/// The JSON half of a saved model: architecture, training settings, metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedModel {
    /// Version of vitis-hpo that wrote the model.
    pub tool_version: String,
    pub config: TrainConfig,
    /// Layer widths from input to output, for readers of the JSON.
    pub layer_sizes: Vec<usize>,
    pub history: Vec<EpochMetrics>,
    /// Test-split metrics, when they were measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<Evaluation>,
    /// Data source and split of the training data.
    pub data: DataSettings,
}

impl TrainedModel {
    /// Writes `model.bpk` and `model.json` into `folder`, creating it.
    pub fn save(&self, folder: &Path, test: Option<Evaluation>, data: &DataSettings) -> Result<(), TrainError> {
        std::fs::create_dir_all(folder).map_err(|error| io_error(folder, &error))?;
        let saved = SavedModel {
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            config: self.config.clone(),
            layer_sizes: self.config.layer_sizes(),
            history: self.history.clone(),
            test,
            data: data.clone(),
        };
        let json_path = folder.join(MODEL_JSON);
        let json = serde_json::to_string_pretty(&saved).expect("model settings serialize");
        std::fs::write(&json_path, json + "\n").map_err(|error| io_error(&json_path, &error))?;

        let weights_path = folder.join(MODEL_WEIGHTS);
        self.model
            .clone()
            .save_file(&weights_path)
            .map_err(|error| io_error(&weights_path, &error))
    }

    /// Reads a model folder written by [`TrainedModel::save`].
    pub fn load(folder: &Path) -> Result<(TrainedModel, SavedModel), TrainError> {
        let json_path = folder.join(MODEL_JSON);
        let text = std::fs::read_to_string(&json_path).map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => TrainError::Io {
                path: json_path.clone(),
                message: "not found; pass a folder written by `vitis-hpo train` or a search run's best/ folder".into(),
            },
            _ => io_error(&json_path, &error),
        })?;
        let saved: SavedModel = serde_json::from_str(&text)
            .map_err(|error| TrainError::Io { path: json_path.clone(), message: format!("invalid model JSON: {error}") })?;
        saved.config.validate()?;

        let weights_path = folder.join(MODEL_WEIGHTS);
        if !weights_path.is_file() {
            return Err(TrainError::Io { path: weights_path, message: "not found; the model folder is incomplete".into() });
        }
        let model = Mlp::init(&saved.config, &Device::flex())
            .try_load_file(&weights_path)
            .map_err(|error| io_error(&weights_path, &error))?;
        let trained = TrainedModel { config: saved.config.clone(), history: saved.history.clone(), model };
        Ok((trained, saved))
    }
}

fn io_error(path: &Path, error: &dyn std::fmt::Display) -> TrainError {
    TrainError::Io { path: PathBuf::from(path), message: error.to_string() }
}
