use std::path::PathBuf;

use super::mnist_fixture::mnist_test_images;
use super::*;
use crate::model::{Activation, DenseLayer, INPUT_SIZE, MlpWeights, NUM_CLASSES, WeightsError};

/// Real test images compared per model; enough to reach every ReLU pattern
/// that matters while keeping the debug-build test short.
const AGREEMENT_IMAGES: usize = 1000;

fn metadata() -> ExportMetadata {
    let mut metadata = ExportMetadata::with_crate_version();
    metadata
        .hyper_parameters
        .insert("lr".to_string(), "0.001".to_string());
    metadata
        .hyper_parameters
        .insert("hidden_units".to_string(), "32".to_string());
    metadata.validation_accuracy = Some(0.9712);
    metadata.test_accuracy = Some(0.9695);
    metadata
}

fn runner_for(weights: &MlpWeights) -> TractRunner {
    let bytes = export_onnx(weights, &metadata()).expect("export succeeds");
    TractRunner::from_bytes(&bytes).expect("tract loads the export")
}

/// Reference logits and probabilities: plain f32 forward pass, f32 softmax.
fn reference_outputs(weights: &MlpWeights, images: &[f32]) -> (Vec<f32>, Vec<f32>) {
    let logits = weights.forward_reference(images);
    let probabilities = softmax_rows(&logits, NUM_CLASSES);
    (logits, probabilities)
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len(), "compared buffers differ in length");
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

fn assert_tract_matches_reference(activation: Activation, hidden: &[usize], seed: u64) {
    let weights = glorot_uniform_weights(activation, hidden, seed);
    let (images, _) = mnist_test_images(AGREEMENT_IMAGES);

    let prediction = runner_for(&weights).run(&images).expect("tract runs");
    let (logits, probabilities) = reference_outputs(&weights, &images);

    assert_eq!(prediction.batch, AGREEMENT_IMAGES);
    let probability_diff = max_abs_diff(&prediction.probabilities, &probabilities);
    assert!(
        probability_diff <= DEFAULT_TOLERANCE,
        "{activation} {hidden:?}: probabilities differ by {probability_diff:e}"
    );
    let logit_scale = logits
        .iter()
        .fold(1.0f32, |max, value| max.max(value.abs()));
    let logit_diff = max_abs_diff(&prediction.logits, &logits);
    assert!(
        logit_diff <= 1e-5 * logit_scale,
        "{activation} {hidden:?}: logits differ by {logit_diff:e}"
    );
    let comparison = compare_probabilities(&prediction.probabilities, &probabilities).unwrap();
    assert_eq!(
        comparison.argmax_equal, AGREEMENT_IMAGES,
        "{activation} {hidden:?}: argmax differs"
    );
}

#[test]
fn tract_matches_reference_relu_one_hidden() {
    assert_tract_matches_reference(Activation::Relu, &[32], 1);
}

#[test]
fn tract_matches_reference_relu_five_hidden() {
    assert_tract_matches_reference(Activation::Relu, &[128, 96, 64, 48, 32], 2);
}

#[test]
fn tract_matches_reference_sigmoid_one_hidden() {
    assert_tract_matches_reference(Activation::Sigmoid, &[32], 3);
}

#[test]
fn tract_matches_reference_sigmoid_five_hidden() {
    assert_tract_matches_reference(Activation::Sigmoid, &[128, 96, 64, 48, 32], 4);
}

#[test]
fn export_parses_back_with_expected_graph() {
    let weights = glorot_uniform_weights(Activation::Relu, &[48, 24], 5);
    let summary = inspect_onnx(&export_onnx(&weights, &metadata()).unwrap()).unwrap();

    assert_eq!(summary.ir_version, IR_VERSION);
    assert_eq!(summary.default_opset(), Some(OPSET_VERSION));
    assert_eq!(summary.opsets.len(), 1);
    assert_eq!(summary.producer_name, PRODUCER_NAME);
    assert_eq!(
        summary.op_types(),
        ["Gemm", "Relu", "Gemm", "Relu", "Gemm", "Softmax"]
    );

    let batch_rows = |width| vec![Dim::Symbolic(BATCH_DIM.to_string()), Dim::Fixed(width)];
    assert_eq!(summary.inputs.len(), 1);
    assert_eq!(summary.inputs[0].name, INPUT_NAME);
    assert_eq!(summary.inputs[0].element_type, "FLOAT");
    assert_eq!(summary.inputs[0].dims, batch_rows(INPUT_SIZE as i64));
    let output_names: Vec<&str> = summary
        .outputs
        .iter()
        .map(|output| output.name.as_str())
        .collect();
    assert_eq!(output_names, [LOGITS_NAME, PROBABILITIES_NAME]);
    for output in &summary.outputs {
        assert_eq!(output.element_type, "FLOAT");
        assert_eq!(
            output.dims,
            batch_rows(NUM_CLASSES as i64),
            "shape of {}",
            output.name
        );
    }

    assert_eq!(
        summary.initializer_names(),
        [
            "dense_1.weight",
            "dense_1.bias",
            "dense_2.weight",
            "dense_2.bias",
            "logits.weight",
            "logits.bias"
        ]
    );
    let initializer_dims: Vec<Vec<Dim>> = summary
        .initializers
        .iter()
        .map(|tensor| tensor.dims.clone())
        .collect();
    let fixed = |dims: &[i64]| dims.iter().map(|&dim| Dim::Fixed(dim)).collect::<Vec<_>>();
    assert_eq!(
        initializer_dims,
        [
            fixed(&[784, 48]),
            fixed(&[48]),
            fixed(&[48, 24]),
            fixed(&[24]),
            fixed(&[24, 10]),
            fixed(&[10])
        ]
    );
    assert_eq!(
        summary.nodes[0].inputs,
        ["input", "dense_1.weight", "dense_1.bias"]
    );
    assert_eq!(summary.nodes[4].outputs, [LOGITS_NAME]);
    assert_eq!(summary.nodes[5].inputs, [LOGITS_NAME]);
}

#[test]
fn export_records_metadata() {
    let weights = glorot_uniform_weights(Activation::Sigmoid, &[32], 6);
    let summary = inspect_onnx(&export_onnx(&weights, &metadata()).unwrap()).unwrap();

    assert_eq!(
        summary.metadata_value(KEY_TOOL_VERSION),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(summary.producer_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(
        summary.metadata_value(KEY_VALIDATION_ACCURACY),
        Some("0.9712")
    );
    assert_eq!(summary.metadata_value(KEY_TEST_ACCURACY), Some("0.9695"));
    assert_eq!(summary.metadata_value("hparam.lr"), Some("0.001"));
    assert_eq!(summary.metadata_value("hparam.hidden_units"), Some("32"));
    assert_eq!(summary.metadata_value(KEY_ACTIVATION), Some("sigmoid"));
    assert_eq!(summary.metadata_value(KEY_LAYER_SIZES), Some("784-32-10"));
    assert!(
        summary.doc_string.contains("784-32-10"),
        "doc string: {}",
        summary.doc_string
    );
    assert!(
        summary.doc_string.contains("test accuracy: 0.9695"),
        "doc string: {}",
        summary.doc_string
    );
    assert!(
        summary.doc_string.contains("lr=0.001"),
        "doc string: {}",
        summary.doc_string
    );
}

#[test]
fn export_stores_weights_row_major() {
    let weights = glorot_uniform_weights(Activation::Relu, &[16], 7);
    let model = build_model_proto(&weights, &ExportMetadata::default()).unwrap();
    let graph = model.graph.unwrap();

    for (layer, pair) in weights.layers.iter().zip(graph.initializer.chunks(2)) {
        let decode = |raw: &[u8]| -> Vec<f32> {
            raw.chunks(4)
                .map(|bytes| f32::from_le_bytes(bytes.try_into().unwrap()))
                .collect()
        };
        assert_eq!(
            decode(&pair[0].raw_data),
            layer.weight,
            "weight of {}",
            layer.name
        );
        assert_eq!(
            decode(&pair[1].raw_data),
            layer.bias,
            "bias of {}",
            layer.name
        );
    }
}

#[test]
fn runner_accepts_batches_1_7_256() {
    let weights = glorot_uniform_weights(Activation::Relu, &[64, 32], 8);
    let runner = runner_for(&weights);
    let (images, _) = mnist_test_images(256);

    for batch in [1, 7, 256] {
        let input = &images[..batch * INPUT_SIZE];
        let prediction = runner.run(input).expect("tract runs the batch");
        let (logits, probabilities) = reference_outputs(&weights, input);

        assert_eq!(prediction.batch, batch);
        assert_eq!(
            prediction.logits.len(),
            batch * NUM_CLASSES,
            "logits of batch {batch}"
        );
        assert_eq!(
            prediction.probabilities.len(),
            batch * NUM_CLASSES,
            "probabilities of batch {batch}"
        );
        assert!(
            max_abs_diff(&prediction.logits, &logits) <= 1e-4,
            "logits of batch {batch}"
        );
        assert!(
            max_abs_diff(&prediction.probabilities, &probabilities) <= DEFAULT_TOLERANCE,
            "batch {batch}"
        );
    }
}

#[test]
fn runner_specialized_plans_match_symbolic() {
    let bytes = export_onnx(
        &glorot_uniform_weights(Activation::Sigmoid, &[40, 20], 18),
        &metadata(),
    )
    .unwrap();
    let symbolic_only = TractRunner::from_bytes_with_options(
        &bytes,
        &RunnerOptions {
            specialize_min_batch: usize::MAX,
            ..RunnerOptions::default()
        },
    )
    .unwrap();
    let always_specialized = TractRunner::from_bytes_with_options(
        &bytes,
        &RunnerOptions {
            specialize_min_batch: 1,
            ..RunnerOptions::default()
        },
    )
    .unwrap();
    let (images, _) = mnist_test_images(40);

    // Twelve distinct sizes are more than the plan cache keeps, so the last
    // ones fall back to the symbolic plan. Every size must give the same outputs.
    for batch in (1..=12).chain([12, 3]) {
        let input = &images[..batch * INPUT_SIZE];
        let expected = symbolic_only.run(input).unwrap();
        let actual = always_specialized.run(input).unwrap();

        assert_eq!(actual.batch, batch);
        assert!(
            max_abs_diff(&expected.probabilities, &actual.probabilities) <= 1e-6,
            "batch {batch}"
        );
        assert!(
            max_abs_diff(&expected.logits, &actual.logits) <= 1e-5,
            "batch {batch}"
        );
    }
}

#[test]
fn runner_chunked_equals_single_run() {
    let runner = runner_for(&glorot_uniform_weights(Activation::Sigmoid, &[32], 9));
    let (images, _) = mnist_test_images(300);

    let whole = runner.run(&images).unwrap();
    let chunked = runner.run_chunked(&images, 128).unwrap();

    assert_eq!(chunked.batch, 300);
    assert!(max_abs_diff(&whole.probabilities, &chunked.probabilities) <= 1e-6);
    assert!(max_abs_diff(&whole.logits, &chunked.logits) <= 1e-5);
}

#[test]
fn runner_two_threads_matches_one() {
    let bytes = export_onnx(
        &glorot_uniform_weights(Activation::Relu, &[165, 165], 10),
        &metadata(),
    )
    .unwrap();
    let single = TractRunner::from_bytes(&bytes).unwrap();
    let threaded = TractRunner::from_bytes_with_options(
        &bytes,
        &RunnerOptions {
            threads: 2,
            ..RunnerOptions::default()
        },
    )
    .unwrap();
    let (images, _) = mnist_test_images(256);

    let expected = single.run(&images).unwrap();
    let actual = threaded.run(&images).unwrap();

    assert!(max_abs_diff(&expected.probabilities, &actual.probabilities) <= 1e-6);
}

#[test]
fn runner_rejects_partial_image() {
    let runner = runner_for(&glorot_uniform_weights(Activation::Relu, &[8], 11));

    let error = runner.run(&vec![0.5; INPUT_SIZE + 3]).unwrap_err();

    assert!(
        matches!(
            error,
            OnnxError::InputLength {
                len: 787,
                width: 784
            }
        ),
        "{error}"
    );
}

#[test]
fn runner_rejects_corrupt_bytes() {
    let error = TractRunner::from_bytes(b"not an onnx model").unwrap_err();

    assert!(matches!(error, OnnxError::Tract { .. }), "{error}");
    assert!(
        error
            .to_string()
            .starts_with("tract failed to parse the ONNX model"),
        "{error}"
    );
}

#[test]
fn export_rejects_wrong_weight_length() {
    let mut weights = glorot_uniform_weights(Activation::Relu, &[16], 12);
    weights.layers[0].weight.pop();

    let error = export_onnx(&weights, &metadata()).unwrap_err();

    assert!(
        matches!(
            error,
            OnnxError::InvalidWeights(WeightsError::WeightLength { .. })
        ),
        "{error}"
    );
    assert_eq!(
        error.to_string(),
        "cannot export invalid weights: layer 'dense_1' has 12543 weights, expected 784 x 16 = 12544"
    );
}

#[test]
fn export_rejects_broken_chain() {
    let mut weights = glorot_uniform_weights(Activation::Relu, &[16, 8], 13);
    weights.layers.remove(1);

    let error = export_onnx(&weights, &metadata()).unwrap_err();

    assert!(
        matches!(error, OnnxError::InvalidWeights(WeightsError::Chain { .. })),
        "{error}"
    );
}

#[test]
fn export_rejects_empty_model() {
    let weights = MlpWeights {
        activation: Activation::Relu,
        layers: Vec::new(),
    };

    let error = export_onnx(&weights, &metadata()).unwrap_err();

    assert!(
        matches!(error, OnnxError::InvalidWeights(WeightsError::Empty)),
        "{error}"
    );
}

#[test]
fn export_rejects_wrong_input_width() {
    let layer = DenseLayer {
        name: "logits".to_string(),
        inputs: 100,
        outputs: 10,
        weight: vec![0.0; 1000],
        bias: vec![0.0; 10],
    };
    let weights = MlpWeights {
        activation: Activation::Relu,
        layers: vec![layer],
    };

    let error = export_onnx(&weights, &metadata()).unwrap_err();

    assert!(
        matches!(
            error,
            OnnxError::InputSize {
                expected: 784,
                actual: 100
            }
        ),
        "{error}"
    );
}

#[test]
fn export_rejects_wrong_class_count() {
    let layer = DenseLayer {
        name: "logits".to_string(),
        inputs: 784,
        outputs: 3,
        weight: vec![0.0; 2352],
        bias: vec![0.0; 3],
    };
    let weights = MlpWeights {
        activation: Activation::Relu,
        layers: vec![layer],
    };

    let error = export_onnx(&weights, &metadata()).unwrap_err();

    assert!(
        matches!(
            error,
            OnnxError::OutputSize {
                expected: 10,
                actual: 3
            }
        ),
        "{error}"
    );
}

#[test]
fn write_onnx_then_load_from_path() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("model.onnx");
    let weights = glorot_uniform_weights(Activation::Relu, &[16], 14);

    write_onnx(&path, &weights, &metadata()).unwrap();
    let summary = inspect_onnx_file(&path).unwrap();
    let prediction = TractRunner::from_path(&path)
        .unwrap()
        .run(&vec![0.25; INPUT_SIZE])
        .unwrap();

    assert_eq!(summary.op_types(), ["Gemm", "Relu", "Gemm", "Softmax"]);
    let (_, probabilities) = reference_outputs(&weights, &vec![0.25; INPUT_SIZE]);
    assert!(max_abs_diff(&prediction.probabilities, &probabilities) <= DEFAULT_TOLERANCE);
}

#[test]
fn write_onnx_reports_missing_directory() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("missing/model.onnx");
    let weights = glorot_uniform_weights(Activation::Relu, &[16], 15);

    let error = write_onnx(&path, &weights, &metadata()).unwrap_err();

    assert!(
        matches!(
            error,
            OnnxError::Io {
                action: "write",
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("missing/model.onnx"), "{error}");
}

#[test]
fn verify_report_passes_and_fails_on_tolerance() {
    let weights = glorot_uniform_weights(Activation::Relu, &[32], 16);
    let runner = runner_for(&weights);
    let (images, labels) = mnist_test_images(200);
    let (_, mut reference) = reference_outputs(&weights, &images);

    let report = verify_probabilities(
        &runner,
        &images,
        &labels,
        "reference",
        &reference,
        DEFAULT_TOLERANCE,
    )
    .unwrap();
    assert!(report.passed, "{report:?}");
    assert!(report.check().is_ok());
    assert_eq!(report.comparison.images, 200);
    assert_eq!(report.comparison.argmax_equal, 200);
    assert_eq!(report.comparison.argmax_agreement, 1.0);
    assert_eq!(
        report.tract_accuracy,
        accuracy(&reference, &labels).unwrap()
    );
    assert!((report.tract_loss - mean_cross_entropy(&reference, &labels).unwrap()).abs() < 1e-5);

    reference[3] += 1e-3;
    let report = verify_probabilities(
        &runner,
        &images,
        &labels,
        "reference",
        &reference,
        DEFAULT_TOLERANCE,
    )
    .unwrap();
    assert!(!report.passed);
    assert!(
        (report.comparison.max_abs_diff - 1e-3).abs() < 1e-5,
        "{report:?}"
    );
    let error = report.check().unwrap_err();
    assert!(
        matches!(error, OnnxError::ToleranceExceeded { .. }),
        "{error}"
    );
    assert!(
        error.to_string().contains("above the tolerance 1e-5"),
        "{error}"
    );
}

#[test]
fn verify_report_serializes_to_json() {
    let report = VerifyReport {
        tract_accuracy: 0.97,
        tract_loss: 0.1,
        reference: "burn".to_string(),
        reference_accuracy: 0.97,
        comparison: ProbabilityComparison {
            images: 10000,
            max_abs_diff: 2e-7,
            argmax_equal: 10000,
            argmax_agreement: 1.0,
        },
        tolerance: DEFAULT_TOLERANCE,
        passed: true,
    };

    let json = serde_json::to_string(&report).unwrap();

    assert!(json.contains("\"max_abs_diff\":2e-7"), "{json}");
    assert!(json.contains("\"images\":10000"), "{json}");
    assert_eq!(serde_json::from_str::<VerifyReport>(&json).unwrap(), report);
}

#[test]
fn accuracy_counts_argmax_hits() {
    let mut probabilities = vec![0.0f32; 3 * NUM_CLASSES];
    probabilities[2] = 1.0; // image 0 -> class 2
    probabilities[NUM_CLASSES + 7] = 0.9; // image 1 -> class 7
    probabilities[2 * NUM_CLASSES] = 0.6; // image 2 -> class 0

    assert_eq!(accuracy(&probabilities, &[2, 7, 1]).unwrap(), 2.0 / 3.0);
    assert_eq!(accuracy(&probabilities, &[0, 0, 0]).unwrap(), 1.0 / 3.0);
}

#[test]
fn cross_entropy_matches_direct_formula() {
    let probabilities = softmax_rows(
        &[
            1.0, 2.0, 0.5, -1.0, 0.0, 3.0, 0.2, 0.1, -0.4, 1.5, 0.3, 0.2, 0.1, 0.0, -0.1, -0.2,
            -0.3, 2.0, 1.0, 0.0,
        ],
        10,
    );
    let labels = [5u8, 7];

    let expected = (-(probabilities[5] as f64).ln() - (probabilities[17] as f64).ln()) / 2.0;

    assert!((mean_cross_entropy(&probabilities, &labels).unwrap() - expected).abs() < 1e-12);
}

#[test]
fn cross_entropy_is_finite_for_zero_probability() {
    let mut probabilities = vec![0.0f32; NUM_CLASSES];
    probabilities[0] = 1.0;

    let loss = mean_cross_entropy(&probabilities, &[3]).unwrap();

    assert!(
        (loss - (-(f32::MIN_POSITIVE as f64).ln())).abs() < 1e-9,
        "{loss}"
    );
}

#[test]
fn metrics_reject_invalid_label_and_length() {
    let probabilities = vec![0.1f32; 2 * NUM_CLASSES];

    let label_error = accuracy(&probabilities, &[1, 10]).unwrap_err();
    let length_error = mean_cross_entropy(&probabilities, &[1]).unwrap_err();

    assert!(
        matches!(
            label_error,
            OnnxError::InvalidLabel {
                index: 1,
                label: 10,
                classes: 10
            }
        ),
        "{label_error}"
    );
    assert!(
        matches!(
            length_error,
            OnnxError::LengthMismatch {
                expected: 10,
                actual: 20,
                ..
            }
        ),
        "{length_error}"
    );
}

#[test]
fn compare_probabilities_finds_max_diff_and_argmax() {
    let a = softmax_rows(
        &[
            0.0, 1.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
            0.0, 0.0, 0.0,
        ],
        10,
    );
    let mut b = a.clone();
    b[1] += 0.25; // still below b[2] for image 0
    b[11] += 0.9; // image 1 now prefers class 1

    let comparison = compare_probabilities(&a, &b).unwrap();

    assert_eq!(comparison.images, 2);
    assert!(
        (comparison.max_abs_diff - 0.9).abs() < 1e-6,
        "{comparison:?}"
    );
    assert_eq!(comparison.argmax_equal, 1);
    assert_eq!(comparison.argmax_agreement, 0.5);
}

#[test]
fn check_tolerance_rejects_nan() {
    let comparison = ProbabilityComparison {
        images: 1,
        max_abs_diff: f32::NAN,
        argmax_equal: 1,
        argmax_agreement: 1.0,
    };

    assert!(check_tolerance(&comparison, DEFAULT_TOLERANCE).is_err());
}

#[test]
fn softmax_rows_matches_direct_formula() {
    let logits = [1.0f32, -2.0, 0.5, 100.0, 99.0, 98.0];

    let probabilities = softmax_rows(&logits, 3);

    for (row, chunk) in logits.chunks(3).enumerate() {
        let sum: f64 = chunk
            .iter()
            .map(|&x| (x as f64 - chunk[0] as f64).exp())
            .sum();
        for (column, &x) in chunk.iter().enumerate() {
            let expected = (x as f64 - chunk[0] as f64).exp() / sum;
            let actual = probabilities[row * 3 + column] as f64;
            assert!(
                (actual - expected).abs() < 1e-6,
                "row {row} column {column}: {actual} vs {expected}"
            );
        }
    }
}

#[test]
fn glorot_weights_are_seeded_and_bounded() {
    let weights = glorot_uniform_weights(Activation::Relu, &[20], 17);

    assert_eq!(weights, glorot_uniform_weights(Activation::Relu, &[20], 17));
    assert_ne!(weights, glorot_uniform_weights(Activation::Relu, &[20], 18));
    assert!(weights.validate().is_ok());
    let names: Vec<&str> = weights
        .layers
        .iter()
        .map(|layer| layer.name.as_str())
        .collect();
    assert_eq!(names, ["dense_1", "logits"]);
    let limit = (6.0f32 / (784.0 + 20.0)).sqrt();
    assert!(weights.layers[0].weight.iter().all(|w| w.abs() <= limit));
    assert!(
        weights.layers[0]
            .weight
            .iter()
            .any(|w| w.abs() > 0.9 * limit)
    );
}

/// models/ of the repository, resolved as in the MNIST fixture.
fn models_dir() -> PathBuf {
    let from_manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models");
    if from_manifest.join(REFERENCE_MODEL_FILE).is_file() {
        return from_manifest;
    }
    PathBuf::from(file!())
        .ancestors()
        .nth(3)
        .unwrap()
        .join("models")
}

#[test]
fn reference_model_reproduces_stored_outputs() {
    let directory = models_dir();
    let expected = ReferenceOutputs::read(&directory.join(REFERENCE_OUTPUTS_FILE)).unwrap();
    let runner = TractRunner::from_path(&directory.join(REFERENCE_MODEL_FILE)).unwrap();
    let summary = inspect_onnx_file(&directory.join(REFERENCE_MODEL_FILE)).unwrap();

    let prediction = runner.run(&expected.input()).unwrap();

    assert_eq!(
        summary.metadata_value(KEY_LAYER_SIZES),
        Some(expected.architecture.as_str())
    );
    assert_eq!(prediction.batch, expected.labels.len());
    let stored_logits: Vec<f32> = expected.logits.concat();
    let stored_probabilities: Vec<f32> = expected.probabilities.concat();
    assert!(max_abs_diff(&prediction.logits, &stored_logits) <= 1e-4);
    assert!(max_abs_diff(&prediction.probabilities, &stored_probabilities) <= DEFAULT_TOLERANCE);
}
