//! The generated Python: Python 3.7 grammar, the Keras rebuild against
//! TensorFlow, and the board runner against stand-in `xir` and `vart`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::fixture::{self, NET_NAME, TEST_IMAGES};
use super::python_env::{describe, python_with_numpy, python_with_tensorflow};
use crate::model::{Activation, INPUT_SIZE};
use crate::vitis::{Board, BundleInputs, write_bundle};

const GENERATED_PYTHON: [&str; 2] = ["quantize_compile.py", "board/app_mnist.py"];

/// Directory of the stand-in `xir`, `vart` and `vitis_quantize` modules.
fn standin_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/vitis/testdata/vitis_standin")
}

fn write_fixture_bundle(inputs: &BundleInputs) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("deploy");
    write_bundle(inputs, &bundle).unwrap();
    (dir, bundle)
}

/// Parses `source` with Python 3.7's grammar.
fn parse_as_python37(source_path: &Path) -> Output {
    Command::new("python3")
        .args(["-c", "import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1], feature_version=(3, 7))"])
        .arg(source_path)
        .output()
        .expect("python3 runs")
}

#[test]
fn generated_python_parses_as_python37() {
    let (_dir, bundle) = write_fixture_bundle(&fixture::bundle_inputs(Activation::Relu, Board::Zcu102));
    for file in GENERATED_PYTHON {
        let output = parse_as_python37(&bundle.join(file));
        assert!(output.status.success(), "{file}: {}", describe(&output));
    }

    // The check itself rejects newer syntax, an assignment expression (3.8).
    let newer = bundle.join("walrus.py");
    std::fs::write(&newer, "if (n := 3) > 2:\n    print(n)\n").unwrap();
    assert!(!parse_as_python37(&newer).status.success(), "feature_version=(3, 7) must reject ':='");
}

#[test]
fn bundle_arrays_load_in_numpy() {
    let inputs = fixture::bundle_inputs(Activation::Relu, Board::Zcu102);
    let (_dir, bundle) = write_fixture_bundle(&inputs);
    let script = r#"
import json, sys
import numpy as np
root = sys.argv[1]
weights = np.load(root + "/model/weights.npz")
out = {name: [str(weights[name].dtype), list(weights[name].shape), float(weights[name].astype(np.float64).sum())]
       for name in weights.files}
for name in ["data/calibration_images.npy", "data/test_images.npy", "data/test_labels.npy",
             "board/test_images.npy", "board/test_labels.npy"]:
    array = np.load(root + "/" + name)
    out[name] = [str(array.dtype), list(array.shape), float(array.astype(np.float64).sum())]
out["kernel_0_5"] = float(weights["dense_1_kernel"][0, 5])
out["kernel_300_3"] = float(weights["dense_1_kernel"][300, 3])
print(json.dumps(out))
"#;
    let output = Command::new(python_with_numpy()).args(["-c", script]).arg(&bundle).output().unwrap();
    assert!(output.status.success(), "{}", describe(&output));
    let loaded: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();

    let f64_sum = |values: &[f32]| values.iter().map(|&value| value as f64).sum::<f64>();
    for layer in &inputs.weights.layers {
        let kernel = &loaded[format!("{}_kernel", layer.name)];
        assert_eq!(kernel[0], "float32");
        assert_eq!(kernel[1], serde_json::json!([layer.inputs, layer.outputs]));
        assert!((kernel[2].as_f64().unwrap() - f64_sum(&layer.weight)).abs() < 1e-9, "{}", layer.name);
        let bias = &loaded[format!("{}_bias", layer.name)];
        assert_eq!(bias[1], serde_json::json!([layer.outputs]));
        assert!((bias[2].as_f64().unwrap() - f64_sum(&layer.bias)).abs() < 1e-9);
    }
    let first = &inputs.weights.layers[0];
    assert_eq!(loaded["kernel_0_5"].as_f64().unwrap(), first.weight[5] as f64);
    assert_eq!(loaded["kernel_300_3"].as_f64().unwrap(), first.weight[300 * first.outputs + 3] as f64);

    let test = &loaded["data/test_images.npy"];
    assert_eq!(test[0], "float32");
    assert_eq!(test[1], serde_json::json!([TEST_IMAGES, INPUT_SIZE]));
    assert!((test[2].as_f64().unwrap() - f64_sum(&inputs.test.images)).abs() < 1e-6);
    let board = &loaded["board/test_images.npy"];
    assert_eq!(board[0], "uint8");
    let pixel_sum: f64 = fixture::mnist().test_images.iter().map(|&pixel| pixel as f64).sum();
    assert_eq!(board[2].as_f64().unwrap(), pixel_sum);
    let label_sum: f64 = inputs.test.labels.iter().map(|&label| label as f64).sum();
    assert_eq!(loaded["board/test_labels.npy"][2].as_f64().unwrap(), label_sum);
    assert_eq!(loaded["data/calibration_images.npy"][1], serde_json::json!([200, INPUT_SIZE]));
}

fn run_check_float(python: &Path, bundle: &Path) -> Output {
    Command::new(python)
        .arg(bundle.join("quantize_compile.py"))
        .arg("--check-float-only")
        .env("TF_CPP_MIN_LOG_LEVEL", "2")
        .env("CUDA_VISIBLE_DEVICES", "")
        .output()
        .unwrap()
}

/// Runs the Keras rebuild for real in TensorFlow 2.21 from PyPI (the
/// container's TensorFlow 2.8 has no wheels for current Pythons).
#[test]
fn keras_rebuild_matches_tool_float_accuracy() {
    let python = python_with_tensorflow();
    let inputs = fixture::bundle_inputs(Activation::Relu, Board::Zcu102);
    let (_dir, bundle) = write_fixture_bundle(&inputs);

    let output = run_check_float(&python, &bundle);
    assert!(output.status.success(), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let expected = format!("float test accuracy: {0:.2} % (vitis-hpo: {0:.2} %)", inputs.float_accuracy * 100.0);
    assert!(stdout.contains(&expected), "expected '{expected}' in:\n{stdout}");

    // A report 0.1 point away from what the weights give must fail the check.
    let report_path = bundle.join("tool_report.json");
    let mut report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap()).unwrap();
    report["float_accuracy"] = serde_json::json!(inputs.float_accuracy - 0.001);
    std::fs::write(&report_path, report.to_string()).unwrap();
    let output = run_check_float(&python, &bundle);
    assert!(!output.status.success(), "{}", describe(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("differs from vitis-hpo's by 0.100 points"),
        "{}",
        describe(&output)
    );
}

/// Runs the whole script, quantization included, with the stand-in
/// `vitis_quantize` (pow2-rounded weights, float activations) in TensorFlow.
#[test]
fn quantize_compile_saves_quantized_h5() {
    let python = python_with_tensorflow();
    let inputs = fixture::bundle_inputs(Activation::Relu, Board::Zcu102);
    let (_dir, bundle) = write_fixture_bundle(&inputs);

    let output = Command::new(&python)
        .arg(bundle.join("quantize_compile.py"))
        .env("PYTHONPATH", standin_path())
        .env("TF_CPP_MIN_LOG_LEVEL", "2")
        .env("CUDA_VISIBLE_DEVICES", "")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("calibrating on 200 images"), "{stdout}");
    assert!(stdout.contains("stand-in vitis_quantize: calibrated on 200 images in batches of 32"), "{stdout}");
    let int8_line = format!("(vitis-hpo int8 prediction: {:.2} %)", inputs.int8_accuracy * 100.0);
    assert!(stdout.contains(&int8_line), "expected '{int8_line}' in:\n{stdout}");

    let saved = std::fs::read(bundle.join("quantized.h5")).expect("quantized.h5 is written");
    assert_eq!(&saved[..8], b"\x89HDF\r\n\x1a\n", "quantized.h5 is an HDF5 file");
}

/// Writes the stand-in "xmodel": the stand-in `xir` reads this JSON in place
/// of a compiled graph.
fn write_standin_xmodel(inputs: &BundleInputs, bundle: &Path, batch: usize, dpu_subgraphs: usize) {
    let layers: Vec<serde_json::Value> = inputs
        .fix_positions
        .layers
        .iter()
        .map(|fix| {
            serde_json::json!({
                "name": fix.name, "weight_fix": fix.weight_fix, "bias_fix": fix.bias_fix, "output_fix": fix.output_fix,
            })
        })
        .collect();
    let xmodel = serde_json::json!({
        "weights": bundle.join("model/weights.npz"),
        "activation": inputs.weights.activation.name(),
        "input_size": INPUT_SIZE,
        "input_fix": inputs.fix_positions.input_fix,
        "batch": batch,
        "dpu_subgraphs": dpu_subgraphs,
        "layers": layers,
    });
    std::fs::write(bundle.join(format!("board/{NET_NAME}.xmodel")), xmodel.to_string()).unwrap();
}

fn run_app_mnist(bundle: &Path, threads: usize, runner_log: &Path) -> Output {
    Command::new(python_with_numpy())
        .arg(bundle.join("board/app_mnist.py"))
        .args(["--threads", &threads.to_string()])
        .env("PYTHONPATH", standin_path())
        .env("VART_STANDIN_LOG", runner_log)
        .output()
        .unwrap()
}

/// Runs app_mnist.py on the stand-in DPU and checks that it classifies
/// exactly the test images the integer reference classifies.
fn check_app_mnist(activation: Activation) {
    let inputs = fixture::bundle_inputs(activation, Board::Zcu102);
    let (dir, bundle) = write_fixture_bundle(&inputs);
    // A batch of 3 leaves a partial last batch in every thread.
    write_standin_xmodel(&inputs, &bundle, 3, 1);
    let runner_log = dir.path().join("runners.log");

    let output = run_app_mnist(&bundle, 4, &runner_log);
    assert!(output.status.success(), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);

    let correct = fixture::dpu_reference_correct(&inputs.weights, &inputs.fix_positions);
    let expected =
        format!("accuracy: {:.2} % ({correct} / {TEST_IMAGES})", correct as f64 * 100.0 / TEST_IMAGES as f64);
    assert!(stdout.contains(&expected), "expected '{expected}' in:\n{stdout}");
    assert!(stdout.contains(&format!("vitis-hpo int8 prediction: {:.2} %", inputs.int8_accuracy * 100.0)), "{stdout}");
    assert!(stdout.contains("input fix_point: 6, batch size: 3, threads: 4"), "{stdout}");
    assert!(stdout.contains("images/s"), "{stdout}");

    let runner_threads: std::collections::BTreeSet<String> =
        std::fs::read_to_string(&runner_log).unwrap().lines().map(str::to_string).collect();
    assert_eq!(runner_threads.len(), 5, "main-thread probe plus one runner per worker thread: {runner_threads:?}");
}

#[test]
fn app_mnist_matches_integer_reference_relu() {
    let inputs = fixture::bundle_inputs(Activation::Relu, Board::Zcu102);
    // The fixture model is a nearest-centroid classifier: about 80 % on MNIST,
    // and the int8 model stays within 1 point of it.
    assert!(inputs.float_accuracy > 0.75, "float accuracy {}", inputs.float_accuracy);
    assert!(
        (inputs.float_accuracy - inputs.int8_accuracy).abs() < 0.01,
        "{} vs {}",
        inputs.float_accuracy,
        inputs.int8_accuracy
    );
    check_app_mnist(Activation::Relu);
}

#[test]
fn app_mnist_matches_integer_reference_sigmoid() {
    check_app_mnist(Activation::Sigmoid);
}

#[test]
fn app_mnist_rejects_split_dpu_graph() {
    let inputs = fixture::bundle_inputs(Activation::Relu, Board::Zcu102);
    let (dir, bundle) = write_fixture_bundle(&inputs);
    write_standin_xmodel(&inputs, &bundle, 1, 2);
    let output = run_app_mnist(&bundle, 2, &dir.path().join("runners.log"));
    assert!(!output.status.success(), "{}", describe(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("has 2 DPU subgraphs"), "{}", describe(&output));
}
