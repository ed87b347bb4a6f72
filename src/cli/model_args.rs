use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;

use crate::training::{MODEL_JSON, SavedModel, TrainedModel};

/// Model selection of a stage: a run's best model, or a model folder.
#[derive(Debug, Clone, Args)]
pub struct ModelArgs {
    /// Run folder written by `search` or `pipeline`; its best/ model is used
    /// and the stage's files are written into it.
    #[arg(value_name = "RUN", required_unless_present = "model")]
    pub run: Option<PathBuf>,

    /// A model folder written by `train --out` (model.bpk and model.json),
    /// instead of a run; the stage's files are written into that folder.
    #[arg(long, value_name = "DIR", conflicts_with = "run")]
    pub model: Option<PathBuf>,
}

/// A loaded model and the folder that receives the stage's outputs.
pub struct LoadedModel {
    pub trained: TrainedModel,
    pub saved: SavedModel,
    pub out_dir: PathBuf,
}

impl ModelArgs {
    /// Returns the folder with model.json and model.bpk, and the output folder.
    pub fn locate(&self) -> anyhow::Result<(PathBuf, PathBuf)> {
        match (&self.run, &self.model) {
            (Some(run), None) => {
                if !run.is_dir() {
                    bail!("run folder {} not found; pass the --out folder of `vitis-hpo search`", run.display());
                }
                let best = run.join("best");
                if run.join(MODEL_JSON).is_file() && !best.join(MODEL_JSON).is_file() {
                    bail!("{} is a model folder, not a run; pass it as --model {}", run.display(), run.display());
                }
                if !best.join(MODEL_JSON).is_file() {
                    bail!(
                        "run {} has no model ({} is missing): no trial has finished yet; \
                         run `vitis-hpo search --out {}` first, or pass --model DIR",
                        run.display(),
                        best.join(MODEL_JSON).display(),
                        run.display()
                    );
                }
                Ok((best, run.clone()))
            }
            (None, Some(model)) => Ok((model.clone(), model.clone())),
            _ => bail!("give a RUN folder or --model DIR"),
        }
    }

    /// Loads the model with its settings.
    pub fn load(&self) -> anyhow::Result<LoadedModel> {
        let (model_dir, out_dir) = self.locate()?;
        let (trained, saved) = load_model_dir(&model_dir)?;
        Ok(LoadedModel { trained, saved, out_dir })
    }
}

pub fn load_model_dir(model_dir: &Path) -> anyhow::Result<(TrainedModel, SavedModel)> {
    TrainedModel::load(model_dir).with_context(|| format!("cannot load the model in {}", model_dir.display()))
}
