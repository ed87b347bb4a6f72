use std::path::PathBuf;

use crate::model::{Activation, DenseLayer, MlpWeights};
use crate::vitis::{
    ArchSource, Board, BundleError, BundleInputs, DEFAULT_IMAGE, DpuFixPositions, LabeledImages, LayerFixPositions,
    write_bundle,
};

/// Builds inputs for a 784-3-10 model with two all-zero test images and one
/// calibration image.
fn small_inputs() -> BundleInputs {
    let layer = |name: &str, inputs: usize, outputs: usize| DenseLayer {
        name: name.into(),
        inputs,
        outputs,
        weight: vec![0.01; inputs * outputs],
        bias: vec![0.0; outputs],
    };
    let fix = |name: &str| LayerFixPositions { name: name.into(), weight_fix: 7, bias_fix: 7, output_fix: 4 };
    BundleInputs {
        weights: MlpWeights {
            activation: Activation::Relu,
            layers: vec![layer("dense_1", 784, 3), layer("logits", 3, 10)],
        },
        fix_positions: DpuFixPositions { input_fix: 6, layers: vec![fix("dense_1"), fix("logits")] },
        calibration_images: vec![0.5; 784],
        test: LabeledImages { images: vec![0.0; 2 * 784], labels: vec![3, 7] },
        float_accuracy: 0.5,
        int8_accuracy: 0.5,
        arch: ArchSource::Image(Board::Zcu102),
        image: DEFAULT_IMAGE.to_string(),
        net_name: "mnist_mlp".into(),
    }
}

/// Runs `write_bundle` on modified inputs and checks that it failed before
/// writing anything.
fn bundle_error(modify: impl FnOnce(&mut BundleInputs)) -> BundleError {
    let mut inputs = small_inputs();
    modify(&mut inputs);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("deploy");
    let error = write_bundle(&inputs, &out).expect_err("invalid inputs must be rejected");
    assert!(!out.exists(), "nothing may be written for invalid inputs ({error})");
    error
}

#[test]
fn small_inputs_are_valid() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = write_bundle(&small_inputs(), &dir.path().join("deploy")).unwrap();
    assert!(bundle.compile_script.is_file());
}

#[test]
fn broken_weights_rejected() {
    let error = bundle_error(|inputs| {
        inputs.weights.layers[0].bias.pop();
    });
    assert!(matches!(error, BundleError::Weights(_)), "{error}");
}

#[test]
fn input_size_must_be_784() {
    let error = bundle_error(|inputs| {
        let first = &mut inputs.weights.layers[0];
        first.inputs = 100;
        first.weight.truncate(100 * 3);
    });
    assert!(matches!(error, BundleError::InputSize { expected: 784, actual: 100 }), "{error}");
}

#[test]
fn fix_layer_count_must_match() {
    let error = bundle_error(|inputs| {
        inputs.fix_positions.layers.pop();
    });
    assert!(matches!(error, BundleError::FixLayerCount { expected: 2, actual: 1 }), "{error}");
}

#[test]
fn fix_layer_names_must_match() {
    let error = bundle_error(|inputs| inputs.fix_positions.layers[1].name = "dense_2".into());
    assert!(matches!(error, BundleError::FixLayerName { index: 1, .. }), "{error}");
    assert!(error.to_string().contains("'dense_2'"), "{error}");
}

#[test]
fn partial_image_rejected() {
    let error = bundle_error(|inputs| inputs.calibration_images.push(0.0));
    assert!(matches!(error, BundleError::ImageBufferLength { buffer: "the calibration set", len: 785, .. }), "{error}");
    let error = bundle_error(|inputs| inputs.test.images.clear());
    assert!(matches!(error, BundleError::ImageBufferLength { buffer: "the test split", len: 0, .. }), "{error}");
}

#[test]
fn label_count_must_match() {
    let error = bundle_error(|inputs| inputs.test.labels.push(1));
    assert!(matches!(error, BundleError::LabelCount { images: 2, labels: 3 }), "{error}");
}

#[test]
fn label_must_be_digit() {
    let error = bundle_error(|inputs| inputs.test.labels[1] = 10);
    assert!(matches!(error, BundleError::LabelRange { index: 1, label: 10 }), "{error}");
}

#[test]
fn test_pixels_must_be_eight_bit() {
    let error = bundle_error(|inputs| inputs.test.images[5] = 0.5);
    assert!(matches!(error, BundleError::NotEightBit { index: 5, .. }), "{error}");
    let error = bundle_error(|inputs| inputs.test.images[0] = 1.5);
    assert!(matches!(error, BundleError::NotEightBit { index: 0, .. }), "{error}");
}

#[test]
fn accuracy_must_be_fraction() {
    let error = bundle_error(|inputs| inputs.float_accuracy = 97.5);
    assert!(matches!(error, BundleError::Accuracy { kind: "float", .. }), "{error}");
    let error = bundle_error(|inputs| inputs.int8_accuracy = f64::NAN);
    assert!(matches!(error, BundleError::Accuracy { kind: "int8", .. }), "{error}");
}

#[test]
fn net_name_must_be_shell_safe() {
    for name in ["", "my net", "a;rm", "x\"y", &"n".repeat(65)] {
        let error = bundle_error(|inputs| inputs.net_name = name.to_string());
        assert!(matches!(error, BundleError::NetName(_)), "{name:?}: {error}");
    }
}

#[test]
fn image_name_must_be_docker_reference() {
    let error = bundle_error(|inputs| inputs.image = "xilinx/vitis ai".into());
    assert!(matches!(error, BundleError::ImageName(_)), "{error}");
    let error = bundle_error(|inputs| inputs.image = "$(reboot)".into());
    assert!(matches!(error, BundleError::ImageName(_)), "{error}");
}

#[test]
fn custom_arch_must_be_readable_json() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.json");
    let error = bundle_error(|inputs| inputs.arch = ArchSource::Custom { board: Board::Zcu102, path: missing.clone() });
    assert!(matches!(error, BundleError::ArchFile { .. }), "{error}");

    let not_json: PathBuf = dir.path().join("arch.json");
    std::fs::write(&not_json, "fingerprint=0x1").unwrap();
    let error =
        bundle_error(|inputs| inputs.arch = ArchSource::Custom { board: Board::Zcu102, path: not_json.clone() });
    assert!(error.to_string().contains("not valid JSON"), "{error}");
}
