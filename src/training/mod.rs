//! Training the MLP with burn on the Flex CPU backend: model, Adam loop,
//! evaluation, and saving a trained model with its settings.

mod adam;
mod config;
mod cpu;
mod error;
mod evaluate;
mod metrics;
mod model;
mod saved;
mod trainer;

pub use config::TrainConfig;
pub use cpu::configure_cpu;
pub use error::TrainError;
pub use evaluate::{argmax, evaluate, loss_and_accuracy, predict_probabilities};
pub use metrics::{EpochMetrics, Evaluation};
pub use model::Mlp;
pub use saved::{MODEL_JSON, MODEL_WEIGHTS, SavedModel};
pub use trainer::{NoProgress, TrainProgress, TrainedModel, train};
