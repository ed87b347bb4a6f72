//! ONNX export of an `MlpWeights` model, parsing the file back, and float
//! inference and verification of the exported file in tract.

mod error;
mod export;
mod inspect;
mod metadata;
mod metrics;
mod proto;
mod random_weights;
mod reference;
mod runner;
mod verify;

#[cfg(test)]
mod mnist_fixture;
#[cfg(test)]
mod tests;

pub use error::OnnxError;
pub use export::{
    BATCH_DIM, INPUT_NAME, IR_VERSION, LOGITS_NAME, OPSET_VERSION, PROBABILITIES_NAME,
    PRODUCER_NAME, architecture, bias_name, build_model_proto, export_onnx, weight_name,
    write_onnx,
};
pub use inspect::{Dim, NodeSummary, OnnxSummary, TensorSummary, inspect_onnx, inspect_onnx_file};
pub use metadata::{
    ExportMetadata, HYPER_PARAMETER_PREFIX, KEY_ACTIVATION, KEY_LAYER_SIZES, KEY_TEST_ACCURACY,
    KEY_TOOL_VERSION, KEY_VALIDATION_ACCURACY,
};
pub use metrics::{
    PROBABILITY_FLOOR, ProbabilityComparison, accuracy, argmax, compare_probabilities,
    mean_cross_entropy, softmax_rows,
};
pub use random_weights::glorot_uniform_weights;
pub use reference::{REFERENCE_MODEL_FILE, REFERENCE_OUTPUTS_FILE, ReferenceOutputs};
pub use runner::{Prediction, RunnerOptions, TractRunner};
pub use verify::{
    DEFAULT_TOLERANCE, VERIFY_CHUNK_IMAGES, VerifyReport, check_tolerance, verify_probabilities,
};
