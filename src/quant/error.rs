use std::path::PathBuf;

use crate::model::WeightsError;

/// Error of the quantization stage, one variant per failure kind.
#[derive(Debug, thiserror::Error)]
pub enum QuantError {
    /// A calibration set of zero images was requested.
    #[error("calibration size is 0: pass a calibration size of at least 1 (1000 is typical)")]
    CalibSizeZero,

    /// More calibration images were requested than the pool holds.
    #[error(
        "calibration size {requested} exceeds the {available} images available: pass at most {available}"
    )]
    CalibSizeTooLarge { requested: usize, available: usize },

    /// An image buffer whose length is not a whole number of images.
    #[error("image buffer has {len} values, which is not a multiple of {width} pixels per image")]
    ImageBufferShape { len: usize, width: usize },

    /// Image and label counts differ.
    #[error("{images} images but {labels} labels: pass one label per image")]
    LabelCount { images: usize, labels: usize },

    /// A label outside the class range.
    #[error("label {label} at index {index} is not a class in 0..{classes}")]
    InvalidLabel {
        index: usize,
        label: u8,
        classes: usize,
    },

    /// No images were given where at least one is needed.
    #[error("no {what} images given: pass at least one")]
    NoImages { what: &'static str },

    /// The model weights do not form a valid MLP.
    #[error("invalid model: {0}")]
    Weights(#[from] WeightsError),

    /// An option value that does not parse.
    #[error("invalid {option} '{value}': expected one of {expected}")]
    InvalidOption {
        option: &'static str,
        value: String,
        expected: &'static str,
    },

    /// A percentile outside (0, 100].
    #[error("percentile {0} is outside (0, 100]: pass e.g. 99.99")]
    InvalidPercentile(f64),

    /// A histogram bin count too small for the calibration methods.
    #[error("histogram bin count {0} is below 256: pass at least 256 (2048 is the default)")]
    InvalidHistogramBins(usize),

    /// Float scales requested for the DPU, which computes with power-of-two scales only.
    #[error(
        "float scales cannot run on the DPU, which uses power-of-two scales: use --scale pow2, or --target generic for a float-scale CPU model"
    )]
    FloatScaleOnDpu,

    /// DPU integer arithmetic asked of parameters the DPU cannot run.
    #[error(
        "the DPU reference needs power-of-two scales and the DPU target, got --scale {scale} --target {target}"
    )]
    NotDpuParams {
        scale: super::ScaleKind,
        target: super::Target,
    },

    /// The int8 model lost more accuracy than allowed.
    #[error(
        "int8 accuracy {int8_accuracy_pct:.2} % is {drop_points:.2} points below float accuracy {float_accuracy_pct:.2} %, above the allowed drop of {max_drop_points} points"
    )]
    AccuracyDrop {
        float_accuracy_pct: f64,
        int8_accuracy_pct: f64,
        drop_points: f64,
        max_drop_points: f64,
    },

    /// tract failed to load or run a model.
    #[error("tract failed to {action}: {message}")]
    Tract {
        action: &'static str,
        message: String,
    },

    /// A file could not be read or written.
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A report could not be serialized.
    #[error("cannot serialize {name}: {source}")]
    Json {
        name: &'static str,
        #[source]
        source: serde_json::Error,
    },
}

impl QuantError {
    pub(crate) fn tract(action: &'static str, error: impl std::fmt::Display) -> Self {
        QuantError::Tract {
            action,
            message: format!("{error:#}"),
        }
    }
}
