use std::path::PathBuf;

use crate::model::WeightsError;

/// Error of ONNX export, parsing, tract inference and float verification.
#[derive(Debug, thiserror::Error)]
pub enum OnnxError {
    /// The weights do not form a valid MLP, so no graph can be built from them.
    #[error("cannot export invalid weights: {0}")]
    InvalidWeights(#[from] WeightsError),

    /// The model's input width is not the 784 pixels of an MNIST image.
    #[error("the first layer takes {actual} inputs, expected {expected} (28 x 28 MNIST pixels)")]
    InputSize { expected: usize, actual: usize },

    /// The model's output width is not the 10 MNIST classes.
    #[error("the last layer gives {actual} outputs, expected {expected} (one per digit)")]
    OutputSize { expected: usize, actual: usize },

    /// Reading or writing a model file failed.
    #[error("cannot {action} '{}': {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The bytes are not a protobuf-encoded ONNX `ModelProto`.
    #[error("invalid ONNX protobuf: {0}")]
    Decode(#[from] prost::DecodeError),

    /// The ONNX file decoded but lacks a part that this tool writes.
    #[error("invalid ONNX model: {0}")]
    Malformed(String),

    /// tract failed to load, optimize or run the model.
    #[error("tract failed to {action}: {message}")]
    Tract {
        action: &'static str,
        message: String,
    },

    /// The input buffer does not hold a whole number of images.
    #[error("the input has {len} values, which is not a multiple of {width} pixels per image")]
    InputLength { len: usize, width: usize },

    /// Two buffers that must describe the same images differ in length.
    #[error("{what} has {actual} values, expected {expected}")]
    LengthMismatch {
        what: &'static str,
        expected: usize,
        actual: usize,
    },

    /// A label is not a class index of the model.
    #[error("label {label} at image {index} is not a class index below {classes}")]
    InvalidLabel {
        index: usize,
        label: u8,
        classes: usize,
    },

    /// The tract probabilities differ from the reference by more than the tolerance.
    #[error(
        "tract probabilities differ from the reference by {max_abs_diff:e}, above the tolerance \
         {tolerance:e} (argmax agrees on {argmax_agreement_pct:.2}% of images): re-export the model \
         or raise the tolerance if the reference runs in lower precision"
    )]
    ToleranceExceeded {
        max_abs_diff: f32,
        tolerance: f32,
        argmax_agreement_pct: f64,
    },
}

impl OnnxError {
    /// Wraps a tract error, keeping its whole context chain in the message.
    pub(crate) fn tract(action: &'static str, error: impl std::fmt::Display) -> Self {
        OnnxError::Tract {
            action,
            message: format!("{error:#}"),
        }
    }
}
