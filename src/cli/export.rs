use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::model_args::{LoadedModel, ModelArgs};
use crate::onnx::{ExportMetadata, write_onnx};

/// File name of the exported float model in a run or model folder.
pub const MODEL_ONNX: &str = "model.onnx";

/// Options of `vitis-hpo export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub model: ModelArgs,

    /// Path of the ONNX file. Default: model.onnx in the run or model folder.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(args: ExportArgs) -> anyhow::Result<()> {
    let loaded = args.model.load()?;
    let path = args.out.unwrap_or_else(|| loaded.out_dir.join(MODEL_ONNX));
    export(&loaded, &path)?;
    println!("exported {} to {}", describe(&loaded), path.display());
    Ok(())
}

/// Writes the loaded model as ONNX to `path`.
pub fn export(loaded: &LoadedModel, path: &std::path::Path) -> anyhow::Result<()> {
    let weights = loaded.trained.weights();
    write_onnx(path, &weights, &export_metadata(loaded)).with_context(|| format!("cannot export to {}", path.display()))
}

fn export_metadata(loaded: &LoadedModel) -> ExportMetadata {
    let config = &loaded.saved.config;
    let mut hyper_parameters = BTreeMap::new();
    hyper_parameters.insert("learning_rate".to_string(), format!("{:e}", config.learning_rate));
    hyper_parameters.insert("num_dense_layers".to_string(), config.num_dense_layers.to_string());
    hyper_parameters.insert("num_dense_nodes".to_string(), config.num_dense_nodes.to_string());
    hyper_parameters.insert("activation".to_string(), config.activation.to_string());
    hyper_parameters.insert("batch_size".to_string(), config.batch_size.to_string());
    hyper_parameters.insert("epochs".to_string(), config.epochs.to_string());
    ExportMetadata {
        hyper_parameters,
        validation_accuracy: loaded.saved.history.last().map(|epoch| epoch.val_accuracy),
        test_accuracy: loaded.saved.test.map(|test| test.accuracy),
        ..ExportMetadata::with_crate_version()
    }
}

/// Formats a short description such as `784-165-165-10 relu`.
pub fn describe(loaded: &LoadedModel) -> String {
    let sizes: Vec<String> = loaded.saved.layer_sizes.iter().map(usize::to_string).collect();
    format!("{} {}", sizes.join("-"), loaded.saved.config.activation)
}
