//! Tests of the quantization stage on real MNIST images and trained models.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tract_onnx::pb::ModelProto;

use super::test_support::{test_images, train_images, trained_model};
use super::*;
use crate::model::{Activation, INPUT_SIZE, MlpWeights};

/// Calibration images drawn from the training fixture.
const CALIB_SIZE: usize = 500;

fn settings(scale: ScaleKind, target: Target, format: ModelFormat) -> QuantSettings {
    QuantSettings {
        scale,
        target,
        format,
        ..QuantSettings::default()
    }
}

fn quantize_fixture(
    activation: Activation,
    settings: &QuantSettings,
) -> (&'static MlpWeights, Quantized) {
    let model = trained_model(activation);
    let train = train_images();
    let calibration = draw_calibration_set(&train.images, &train.labels, CALIB_SIZE, 5).unwrap();
    let quantized = quantize_model(model, &calibration.images, settings).unwrap();
    (model, quantized)
}

fn verify_fixture(model: &MlpWeights, quantized: &Quantized) -> VerifyReport {
    let test = test_images();
    verify(
        model,
        &quantized.params,
        &quantized.model,
        &test.images,
        &test.labels,
    )
    .unwrap()
}

/// Brute-force argmin of the squared error over fix positions -20..=40.
fn brute_force_fix(values: &[f32], rounding: RoundingMode) -> i32 {
    let error = |fix: i32| -> f64 {
        let scale = pow2_scale(fix);
        values
            .iter()
            .map(|&x| {
                (x as f64 - quantize_f32_i8(x, scale, rounding) as f64 * scale as f64).powi(2)
            })
            .sum()
    };
    (-20..=40).fold(
        -20,
        |best, fix| if error(fix) < error(best) { fix } else { best },
    )
}

#[test]
fn pow2_choice_matches_brute_force_mse() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let spreads = [0.01f32, 0.3, 1.0, 7.0, 150.0];
    for spread in spreads {
        // Roughly Gaussian (sum of uniforms) with a few large outliers.
        let mut values: Vec<f32> = (0..4000)
            .map(|_| {
                (0..4)
                    .map(|_| rng.random_range(-spread..spread))
                    .sum::<f32>()
                    / 2.0
            })
            .collect();
        values.extend((0..8).map(|i| spread * (6.0 + i as f32)));
        for rounding in [RoundingMode::HalfToEven, RoundingMode::HalfUp] {
            let stats = TensorStats::of(&values, DEFAULT_HISTOGRAM_BINS, rounding);
            assert_eq!(
                stats.pow2.min_mse_fix_pos(),
                brute_force_fix(&values, rounding),
                "spread {spread}, {rounding:?}"
            );
        }
    }
}

#[test]
fn pow2_streaming_matches_in_memory() {
    let values: Vec<f32> = (0..3000).map(|i| ((i as f32) * 0.37).sin() * 2.5).collect();
    let whole = TensorStats::of(&values, 512, RoundingMode::HalfUp);
    let mut streamed = TensorStats::for_range(ValueRange::of(&values), 512, RoundingMode::HalfUp);
    for chunk in values.chunks(700) {
        streamed.add_all(chunk);
    }
    assert_eq!(
        whole.pow2.min_mse_fix_pos(),
        streamed.pow2.min_mse_fix_pos()
    );
    assert_eq!(whole.histogram, streamed.histogram);
}

fn op_types(model: &ModelProto) -> Vec<String> {
    model
        .graph
        .as_ref()
        .unwrap()
        .node
        .iter()
        .map(|node| node.op_type.clone())
        .collect()
}

fn initializer<'a>(model: &'a ModelProto, name: &str) -> &'a tract_onnx::pb::TensorProto {
    model
        .graph
        .as_ref()
        .unwrap()
        .initializer
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("initializer {name} missing"))
}

#[test]
fn qdq_model_structure() {
    let (model, quantized) = quantize_fixture(Activation::Relu, &QuantSettings::default());
    let ops = op_types(&quantized.model);
    let count = |op: &str| ops.iter().filter(|o| *o == op).count();
    let layers = model.layers.len();
    // Input and one output per layer are quantized; weights and biases are int8 initializers.
    assert_eq!(count("QuantizeLinear"), 1 + layers);
    assert_eq!(count("DequantizeLinear"), 1 + 3 * layers);
    assert_eq!(count("MatMul"), layers);
    assert_eq!(count("Relu"), layers - 1);
    assert_eq!(count("Softmax"), 1);
    assert_eq!(count("MatMulInteger"), 0);

    let graph = quantized.model.graph.as_ref().unwrap();
    for node in graph
        .node
        .iter()
        .filter(|n| n.op_type == "QuantizeLinear" || n.op_type == "DequantizeLinear")
    {
        assert_eq!(
            node.input.len(),
            3,
            "{} has an explicit zero point",
            node.name
        );
        let zero = initializer(&quantized.model, &node.input[2]);
        assert!(zero.dims.is_empty(), "{} zero point is a scalar", node.name);
        assert_eq!(zero.data_type, 3, "{} zero point is int8", node.name);
        assert_eq!(zero.raw_data, vec![0u8], "{} zero point is 0", node.name);
        let scale = initializer(&quantized.model, &node.input[1]);
        let scale = f32::from_le_bytes(scale.raw_data[..4].try_into().unwrap());
        assert_eq!(
            scale.log2().fract(),
            0.0,
            "{} scale {scale} is a power of two",
            node.name
        );
    }
    let weight = initializer(&quantized.model, "dense_1/weight_quantized");
    assert_eq!(weight.data_type, 3, "weights are int8");
    assert_eq!(weight.dims, vec![784, 32]);
    let names: Vec<&str> = graph.output.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, vec![LOGITS_NAME, PROBABILITIES_NAME]);
}

#[test]
fn qdq_sigmoid_uses_hard_sigmoid_on_dpu() {
    let (_, dpu) = quantize_fixture(Activation::Sigmoid, &QuantSettings::default());
    let ops = op_types(&dpu.model);
    assert!(!ops.iter().any(|op| op == "Sigmoid"), "{ops:?}");
    for op in ["Add", "Clip", "Mul"] {
        assert!(ops.iter().any(|o| o == op), "{op} missing from {ops:?}");
    }
    assert_eq!(dpu.report.warnings.len(), 1);

    let (_, generic) = quantize_fixture(
        Activation::Sigmoid,
        &settings(ScaleKind::Pow2, Target::Generic, ModelFormat::Qdq),
    );
    assert!(op_types(&generic.model).iter().any(|op| op == "Sigmoid"));
    assert!(!op_types(&generic.model).iter().any(|op| op == "Clip"));
    assert!(generic.report.warnings.is_empty());
}

#[test]
fn qoperator_relu_pow2_is_integer_end_to_end() {
    let (model, quantized) = quantize_fixture(
        Activation::Relu,
        &settings(ScaleKind::Pow2, Target::Dpu, ModelFormat::QOperator),
    );
    let ops = op_types(&quantized.model);
    let count = |op: &str| ops.iter().filter(|o| *o == op).count();
    assert_eq!(count("QLinearConv"), model.layers.len(), "{ops:?}");
    assert_eq!(count("QuantizeLinear"), 1, "{ops:?}");
    assert_eq!(count("DequantizeLinear"), 1, "{ops:?}");
    assert_eq!(count("Max"), model.layers.len() - 1, "{ops:?}");
    for float_op in ["MatMulInteger", "MatMul", "Cast", "Mul", "Add", "Relu"] {
        assert_eq!(count(float_op), 0, "{float_op} in {ops:?}");
    }
}

#[test]
fn qoperator_falls_back_to_matmul_integer() {
    let cases = [
        (
            Activation::Sigmoid,
            settings(ScaleKind::Pow2, Target::Dpu, ModelFormat::QOperator),
        ),
        (
            Activation::Relu,
            settings(ScaleKind::Float, Target::Generic, ModelFormat::QOperator),
        ),
    ];
    for (activation, settings) in cases {
        let (model, quantized) = quantize_fixture(activation, &settings);
        let ops = op_types(&quantized.model);
        assert_eq!(
            ops.iter().filter(|op| *op == "MatMulInteger").count(),
            model.layers.len(),
            "{activation} {}: {ops:?}",
            settings.scale
        );
        assert!(!ops.iter().any(|op| op == "QLinearConv"), "{ops:?}");
    }
}

#[test]
fn qoperator_matches_qdq_pow2_generic() {
    // With power-of-two scales and ties to even, the fused integer layers
    // and the float QDQ graph compute the same integers.
    let test = test_images();
    let outputs = [LOGITS_NAME.to_string()];
    let mut logits = Vec::new();
    for format in [ModelFormat::Qdq, ModelFormat::QOperator] {
        let (_, quantized) = quantize_fixture(
            Activation::Relu,
            &settings(ScaleKind::Pow2, Target::Generic, format),
        );
        if format == ModelFormat::QOperator {
            assert!(
                op_types(&quantized.model)
                    .iter()
                    .any(|op| op == "QLinearConv")
            );
        }
        let runner = TractModel::load(&quantized.model, &outputs).unwrap();
        logits.push(runner.run_batched(&test.images, INPUT_SIZE, 256).unwrap());
    }
    assert_eq!(logits[0], logits[1]);
}

#[test]
fn int8_relu_within_one_point() {
    let (model, quantized) = quantize_fixture(Activation::Relu, &QuantSettings::default());
    let report = verify_fixture(model, &quantized);
    eprintln!("{}", report.summary());
    assert!(
        report.float_accuracy_pct > 85.0,
        "float model is trained: {}",
        report.summary()
    );
    assert!(report.drop_points.abs() <= 1.0, "{}", report.summary());
    assert!(report.agreement_pct >= 97.0, "{}", report.summary());
    for layer in &report.layers {
        assert!(layer.sqnr_db.unwrap() > 20.0, "{}", report.summary());
    }
}

#[test]
fn int8_sigmoid_hard_sigmoid_within_one_point() {
    let (model, quantized) = quantize_fixture(Activation::Sigmoid, &QuantSettings::default());
    let report = verify_fixture(model, &quantized);
    eprintln!("{}", report.summary());
    assert!(
        report.float_accuracy_pct > 85.0,
        "float model is trained: {}",
        report.summary()
    );
    assert!(report.drop_points.abs() <= 1.0, "{}", report.summary());
    assert_eq!(report.warnings.len(), 1);
}

#[test]
fn tract_int8_matches_dpu_reference() {
    for activation in [Activation::Relu, Activation::Sigmoid] {
        for format in [ModelFormat::Qdq, ModelFormat::QOperator] {
            let (model, quantized) =
                quantize_fixture(activation, &settings(ScaleKind::Pow2, Target::Dpu, format));
            let report = verify_fixture(model, &quantized);
            let dpu = report.dpu_reference.as_ref().unwrap();
            assert_eq!(
                dpu.identical_logits_pct,
                100.0,
                "{activation} {format}: {}",
                report.summary()
            );
            assert_eq!(
                dpu.accuracy_pct, report.int8_accuracy_pct,
                "{activation} {format}"
            );
        }
    }
}

#[test]
fn float_scales_generic_within_one_point() {
    for format in [ModelFormat::Qdq, ModelFormat::QOperator] {
        let (model, quantized) = quantize_fixture(
            Activation::Relu,
            &settings(ScaleKind::Float, Target::Generic, format),
        );
        let report = verify_fixture(model, &quantized);
        assert!(
            report.drop_points.abs() <= 1.0,
            "{format}: {}",
            report.summary()
        );
        assert!(report.dpu_reference.is_none());
        assert!(quantized.dpu.is_none());
        assert!(quantized.report.tensors.iter().all(|t| t.fix_pos.is_none()));
        assert_eq!(quantized.report.bias_bits, 32);
    }
}

#[test]
fn calibration_methods_all_verify() {
    for method in [
        CalibMethod::MinMax,
        CalibMethod::Percentile,
        CalibMethod::Mse,
        CalibMethod::Entropy,
    ] {
        for scale in [ScaleKind::Pow2, ScaleKind::Float] {
            let settings = QuantSettings {
                method: Some(method),
                ..settings(scale, Target::Generic, ModelFormat::Qdq)
            };
            let (model, quantized) = quantize_fixture(Activation::Relu, &settings);
            assert!(
                quantized
                    .report
                    .tensors
                    .iter()
                    .filter(|t| t.role == TensorRole::Activation)
                    .all(|t| t.method == method.into())
            );
            let report = verify_fixture(model, &quantized);
            assert!(
                report.drop_points.abs() <= 2.0,
                "{method} {scale}: {}",
                report.summary()
            );
        }
    }
}

#[test]
fn pow2_defaults_follow_vitis_choices() {
    let (_, quantized) = quantize_fixture(Activation::Relu, &QuantSettings::default());
    let params = &quantized.params;
    assert_eq!(params.input.method, ScaleMethod::MinMax);
    // Pixels in [0, 1]: 127 * 2^-6 covers 1.0, 127 * 2^-7 does not.
    assert_eq!(params.input.fix_pos, Some(6));
    assert_eq!(params.input.clipped_share, 0.0);
    for layer in &params.layers {
        assert_eq!(layer.weight.method, ScaleMethod::Mse);
        assert_eq!(layer.weight.rounding, RoundingMode::HalfToEven);
        assert_eq!(layer.bias.bits, POW2_BIAS_BITS);
        assert_eq!(layer.bias.rounding, RoundingMode::HalfToEven);
        assert_eq!(layer.output.method, ScaleMethod::Mse);
        assert_eq!(layer.output.rounding, RoundingMode::HalfUp);
    }
    let dpu_layers = quantized.report.dpu_layers.as_ref().unwrap();
    for layer in dpu_layers {
        assert!((0..=16).contains(&layer.shift_cut), "{layer:?}");
        assert!(layer.shift_bias <= 16, "{layer:?}");
        assert!(layer.shift_bias >= 0.min(layer.shift_cut - 16), "{layer:?}");
    }
}

#[test]
fn calibration_same_seed_deterministic() {
    let first = quantize_fixture(Activation::Relu, &QuantSettings::default()).1;
    let second = quantize_fixture(Activation::Relu, &QuantSettings::default()).1;
    assert_eq!(first.stats, second.stats);
    assert_eq!(first.params, second.params);
    assert_eq!(first.model, second.model);
}

#[test]
fn dpu_constraints_move_fix_positions() {
    let (_, quantized) = quantize_fixture(Activation::Sigmoid, &QuantSettings::default());
    let mut params = quantized.params.clone();
    // Force shift_cut above 16 and shift_bias above 16 on the output layer.
    let input_fix = params.layers[0].output.fix();
    let logits = &mut params.layers[1];
    logits.output.fix_pos = Some(0);
    logits.weight.fix_pos = Some(20);
    logits.bias.fix_pos = Some(-10);
    // Force the hard sigmoid input fix above 15 and its output below 7.
    params.layers[0].pre_activation.as_mut().unwrap().fix_pos = Some(18);
    params.layers[0].output.fix_pos = Some(5);
    apply_dpu_constraints(&mut params);

    assert_eq!(params.layers[0].pre_activation.as_ref().unwrap().fix(), 15);
    assert_eq!(params.layers[0].output.fix(), 7);
    let logits = &params.layers[1];
    let new_input_fix = params.layers[0].output.fix();
    assert_ne!(input_fix, 0);
    assert_eq!(
        logits.weight.fix() + new_input_fix - logits.output.fix(),
        16,
        "shift_cut clamped to 16"
    );
    assert_eq!(
        logits.weight.fix() + new_input_fix - logits.bias.fix(),
        16,
        "shift_bias clamped to 16"
    );
    assert!(
        logits
            .weight
            .adjustment
            .as_ref()
            .unwrap()
            .contains("shift_cut")
    );
    assert!(
        logits
            .bias
            .adjustment
            .as_ref()
            .unwrap()
            .contains("shift_bias")
    );
}

#[test]
fn max_drop_check_fails_clearly() {
    let (model, quantized) = quantize_fixture(Activation::Relu, &QuantSettings::default());
    let mut report = verify_fixture(model, &quantized);
    assert!(report.check_max_drop(5.0).is_ok());
    report.drop_points = 0.8;
    let error = report.check_max_drop(0.5).unwrap_err();
    assert!(matches!(error, QuantError::AccuracyDrop { .. }), "{error}");
    assert!(error.to_string().contains("0.80 points"), "{error}");
}

#[test]
fn written_model_loads_in_tract() {
    let (_, quantized) = quantize_fixture(Activation::Relu, &QuantSettings::default());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model_int8.onnx");
    write_onnx(&quantized.model, &path).unwrap();
    let model =
        tract_onnx::prelude::Framework::proto_model_for_path(&tract_onnx::onnx(), &path).unwrap();
    let loaded = TractModel::load(&model, &[LOGITS_NAME.to_string()]).unwrap();
    let test = test_images();
    for rows in [1, 7, 256] {
        let logits = loaded.run(&test.images[..rows * 784], rows).unwrap();
        assert_eq!(logits[0].len(), rows * 10);
    }

    let json_path = dir.path().join("quant.json");
    write_json(&quantized.report, &json_path, "quant.json").unwrap();
    let text = std::fs::read_to_string(&json_path).unwrap();
    let back: QuantReport = serde_json::from_str(&text).unwrap();
    assert_eq!(back, quantized.report);
}

#[test]
fn option_names_parse() {
    assert_eq!("pow2".parse::<ScaleKind>().unwrap(), ScaleKind::Pow2);
    assert_eq!("Float".parse::<ScaleKind>().unwrap(), ScaleKind::Float);
    assert_eq!("kl".parse::<CalibMethod>().unwrap(), CalibMethod::Entropy);
    assert_eq!(
        "minmax".parse::<CalibMethod>().unwrap(),
        CalibMethod::MinMax
    );
    assert_eq!("generic".parse::<Target>().unwrap(), Target::Generic);
    assert_eq!(
        "qoperator".parse::<ModelFormat>().unwrap(),
        ModelFormat::QOperator
    );
    for text in ["pow2", "float"] {
        assert_eq!(text.parse::<ScaleKind>().unwrap().to_string(), text);
    }
    let error = "pow3".parse::<ScaleKind>().unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid scale kind 'pow3': expected one of pow2, float"
    );
    assert!("median".parse::<CalibMethod>().is_err());
    assert!("gpu".parse::<Target>().is_err());
    assert!("qlinear".parse::<ModelFormat>().is_err());
}

#[test]
fn invalid_settings_rejected() {
    let float_on_dpu = settings(ScaleKind::Float, Target::Dpu, ModelFormat::Qdq);
    assert!(matches!(
        float_on_dpu.validate(),
        Err(QuantError::FloatScaleOnDpu)
    ));
    let bad_percentile = QuantSettings {
        percentile: 0.0,
        ..QuantSettings::default()
    };
    assert!(matches!(
        bad_percentile.validate(),
        Err(QuantError::InvalidPercentile(_))
    ));
    let few_bins = QuantSettings {
        histogram_bins: 10,
        ..QuantSettings::default()
    };
    assert!(matches!(
        few_bins.validate(),
        Err(QuantError::InvalidHistogramBins(10))
    ));
}

#[test]
fn bad_calibration_input_rejected() {
    let model = trained_model(Activation::Relu);
    let error = calibrate(model, &[], &QuantSettings::default()).unwrap_err();
    assert!(matches!(error, QuantError::NoImages { .. }), "{error}");
    let error = calibrate(model, &[0.5; 100], &QuantSettings::default()).unwrap_err();
    assert!(
        matches!(error, QuantError::ImageBufferShape { .. }),
        "{error}"
    );
    let mut broken = model.clone();
    broken.layers[1].bias.pop();
    let error = calibrate(&broken, &[0.5; 784], &QuantSettings::default()).unwrap_err();
    assert!(matches!(error, QuantError::Weights(_)), "{error}");
}

#[test]
fn verify_rejects_mismatched_labels() {
    let (model, quantized) = quantize_fixture(Activation::Relu, &QuantSettings::default());
    let test = test_images();
    let error = verify(
        model,
        &quantized.params,
        &quantized.model,
        &test.images[..784 * 3],
        &test.labels[..2],
    )
    .unwrap_err();
    assert!(
        matches!(
            error,
            QuantError::LabelCount {
                images: 3,
                labels: 2
            }
        ),
        "{error}"
    );
}

#[test]
fn dpu_reference_rejects_generic_params() {
    let (model, quantized) = quantize_fixture(
        Activation::Relu,
        &settings(ScaleKind::Pow2, Target::Generic, ModelFormat::Qdq),
    );
    let error = DpuModel::new(model, &quantized.params).unwrap_err();
    assert!(matches!(error, QuantError::NotDpuParams { .. }), "{error}");
}
