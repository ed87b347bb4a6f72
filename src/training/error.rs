use std::path::PathBuf;

/// Errors from training, evaluating, saving and loading models.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// A training setting out of its range.
    #[error("invalid {name} {value}: {hint}")]
    InvalidSetting { name: &'static str, value: String, hint: &'static str },
    /// The data set to train or evaluate on has no images.
    #[error("the {split} split is empty; choose a split with at least one image")]
    EmptySplit { split: &'static str },
    /// The loss became NaN or infinite.
    #[error("training diverged: the loss is {loss} at epoch {epoch}, batch {batch}; lower the learning rate")]
    Diverged { epoch: usize, batch: usize, loss: f32 },
    /// The progress receiver stopped a run whose validation accuracy showed it
    /// could not compete.
    #[error("training pruned after epoch {epoch}")]
    Pruned { epoch: usize },
    /// Training stopped early because an interrupt was requested.
    #[error("training interrupted")]
    Interrupted,
    /// A model file could not be written or read.
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
}
