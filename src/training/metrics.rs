use serde::{Deserialize, Serialize};

/// Loss (mean softmax cross-entropy, nats) and accuracy (share in [0, 1]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub loss: f64,
    pub accuracy: f64,
}

/// Metrics of one epoch, named as Keras reports them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EpochMetrics {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Mean training loss over the epoch's batches, weighted by batch size.
    pub loss: f64,
    pub accuracy: f64,
    pub val_loss: f64,
    pub val_accuracy: f64,
    /// Wall time of the epoch including validation, seconds.
    pub elapsed_s: f64,
}
