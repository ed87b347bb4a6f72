use serde::{Deserialize, Serialize};

use super::TrainError;
use crate::model::Activation;

/// Architecture and training settings of one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// Adam learning rate. Default 1e-3.
    pub learning_rate: f64,
    /// Number of hidden dense layers, at least 1. Default 2.
    pub num_dense_layers: usize,
    /// Units in each hidden layer, at least 1. Default 165.
    pub num_dense_nodes: usize,
    /// Activation of the hidden layers. Default relu.
    pub activation: Activation,
    /// Images per gradient step. Default 128.
    pub batch_size: usize,
    /// Passes over the training split. Default 3.
    pub epochs: usize,
    /// Seed of the weight initialization and of the per-epoch shuffles.
    pub seed: u64,
}

impl TrainConfig {
    pub const DEFAULT_LEARNING_RATE: f64 = 1e-3;
    pub const DEFAULT_LAYERS: usize = 2;
    pub const DEFAULT_NODES: usize = 165;
    pub const DEFAULT_BATCH_SIZE: usize = 128;
    pub const DEFAULT_EPOCHS: usize = 3;
    pub const DEFAULT_SEED: u64 = 42;
    /// Largest model trained, in weights and biases: 4 copies of f32 (the
    /// weights, their gradients and Adam's two moments) take 3.2 GB.
    pub const MAX_PARAMETERS: usize = 200_000_000;

    /// Checks every setting, naming the first invalid one.
    pub fn validate(&self) -> Result<(), TrainError> {
        let invalid = |name: &'static str, value: String, hint: &'static str| {
            Err(TrainError::InvalidSetting { name, value, hint })
        };
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return invalid("learning rate", self.learning_rate.to_string(), "use a positive number such as 1e-3");
        }
        if self.num_dense_layers == 0 {
            return invalid("number of dense layers", "0".into(), "use at least 1 hidden layer");
        }
        if self.num_dense_nodes == 0 {
            return invalid("number of dense nodes", "0".into(), "use at least 1 unit per layer");
        }
        let parameters = self.layer_sizes().windows(2).map(|pair| (pair[0] + 1) * pair[1]).sum::<usize>();
        if parameters > Self::MAX_PARAMETERS {
            return invalid(
                "model size",
                format!("{parameters} parameters ({} x {})", self.num_dense_layers, self.num_dense_nodes),
                "the limit is 200 million parameters (weights, gradients and Adam state take 3.2 GB); use fewer layers or nodes",
            );
        }
        if self.batch_size == 0 {
            return invalid("batch size", "0".into(), "use at least 1 image per batch");
        }
        if self.epochs == 0 {
            return invalid("epochs", "0".into(), "use at least 1 epoch");
        }
        Ok(())
    }

    /// Layer widths from input to output, for example `[784, 165, 165, 10]`.
    pub fn layer_sizes(&self) -> Vec<usize> {
        let mut sizes = vec![crate::model::INPUT_SIZE];
        sizes.extend(std::iter::repeat_n(self.num_dense_nodes, self.num_dense_layers));
        sizes.push(crate::model::NUM_CLASSES);
        sizes
    }
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            learning_rate: Self::DEFAULT_LEARNING_RATE,
            num_dense_layers: Self::DEFAULT_LAYERS,
            num_dense_nodes: Self::DEFAULT_NODES,
            activation: Activation::Relu,
            batch_size: Self::DEFAULT_BATCH_SIZE,
            epochs: Self::DEFAULT_EPOCHS,
            seed: Self::DEFAULT_SEED,
        }
    }
}
