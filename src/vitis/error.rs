//! Errors of the deployment bundle.

use std::path::PathBuf;

use crate::model::WeightsError;

/// Error for inputs that cannot make a bundle, or files that cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The weights do not chain into a valid MLP.
    #[error("invalid model weights: {0}")]
    Weights(#[from] WeightsError),
    /// The model input is not one flattened 28 x 28 image.
    #[error("the model takes {actual} inputs, but the board runner feeds {expected} pixels per image")]
    InputSize { expected: usize, actual: usize },
    /// The fix positions do not cover the model's layers one to one.
    #[error("fix positions list {actual} layers but the model has {expected}: quantize the same model again")]
    FixLayerCount { expected: usize, actual: usize },
    /// A fix position entry names another layer than the model has at that index.
    #[error("fix positions of layer {index} are for '{actual}', expected '{expected}': quantize the same model again")]
    FixLayerName { index: usize, expected: String, actual: String },
    /// An image buffer is empty or not a whole number of images.
    #[error("{buffer} has {len} values, which is not a positive multiple of {image_size} pixels")]
    ImageBufferLength { buffer: &'static str, len: usize, image_size: usize },
    /// Labels and images differ in count.
    #[error("the test split has {images} images but {labels} labels")]
    LabelCount { images: usize, labels: usize },
    /// A label is not a digit.
    #[error("test label {index} is {label}, expected a digit 0-9")]
    LabelRange { index: usize, label: u8 },
    /// A test pixel is not an 8-bit value divided by 255, so the board, which
    /// reads 8-bit images, would see other inputs than vitis-hpo evaluated.
    #[error(
        "test pixel {index} is {value}, not an 8-bit value / 255: the board runner needs images loaded from 8-bit MNIST files"
    )]
    NotEightBit { index: usize, value: f32 },
    /// An accuracy outside [0, 1].
    #[error("{kind} accuracy {value} is not a fraction in [0, 1]")]
    Accuracy { kind: &'static str, value: f64 },
    /// A network name that is unsafe in a file name or a shell command.
    #[error("invalid net name '{0}': use 1-64 letters, digits, '_' or '-'")]
    NetName(String),
    /// A docker image reference with characters docker does not accept.
    #[error("invalid docker image '{0}': expected a reference like {default}", default = super::DEFAULT_IMAGE)]
    ImageName(String),
    /// The custom arch.json cannot be read or is not JSON.
    #[error("cannot use arch file {path}: {reason}; pass the arch.json of the board's DPU")]
    ArchFile { path: PathBuf, reason: String },
    /// Writing a bundle file failed.
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}
