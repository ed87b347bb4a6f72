//! The MLP as plain data: its architecture and its trained weights, shared by
//! training (burn), export (ONNX), quantization and the deployment bundle.

mod activation;
mod weights;

pub use activation::{Activation, ParseActivationError};
pub use weights::{DenseLayer, MlpWeights, WeightsError};

/// Pixels per MNIST image (28 x 28), the width of the model input.
pub const INPUT_SIZE: usize = 784;

/// Number of classes (digits 0-9), the width of the model output.
pub const NUM_CLASSES: usize = 10;
