//! export, verify, quantize and deploy on models trained here, and the
//! pipeline command on a small setting.

use std::path::Path;
use std::process::Command;

use vitis_hpo::data::{DataSource, SplitSpec, TestSplit, load_pool, split_pool};
use vitis_hpo::model::Activation;
use vitis_hpo::onnx::{DEFAULT_TOLERANCE, ExportMetadata, TractRunner, export_onnx, verify_probabilities};
use vitis_hpo::quant::{QuantSettings, Target, draw_calibration_set, quantize_model, verify};
use vitis_hpo::training::{NoProgress, TrainConfig, predict_probabilities, train};

fn vitis_hpo(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_vitis-hpo")).args(args).output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn splits() -> vitis_hpo::data::Splits {
    let pool = load_pool(&DataSource::EmbeddedMnist).unwrap();
    split_pool(&pool, &"6000,1000,1000".parse::<SplitSpec>().unwrap(), TestSplit::FromPool, 11).unwrap()
}

fn config(activation: Activation, layers: usize, nodes: usize) -> TrainConfig {
    TrainConfig { learning_rate: 2e-3, num_dense_layers: layers, num_dense_nodes: nodes, activation, batch_size: 64, epochs: 1, seed: 3 }
}

#[test]
fn tract_matches_burn_on_test_images() {
    let splits = splits();
    for (activation, layers) in [(Activation::Relu, 1), (Activation::Relu, 5), (Activation::Sigmoid, 1), (Activation::Sigmoid, 5)] {
        let trained = train(&config(activation, layers, 48), &splits.train, &splits.validation, &mut NoProgress).unwrap();
        let burn = predict_probabilities(&trained, &splits.test);
        let bytes = export_onnx(&trained.weights(), &ExportMetadata::with_crate_version()).unwrap();
        let runner = TractRunner::from_bytes(&bytes).unwrap();
        let report = verify_probabilities(&runner, &splits.test.images, &splits.test.labels, "burn", &burn, DEFAULT_TOLERANCE).unwrap();
        assert!(report.comparison.max_abs_diff <= 1e-5, "{activation} x{layers}: {}", report.comparison.max_abs_diff);
        assert_eq!(report.comparison.argmax_equal, 1000, "{activation} x{layers}");
        assert!(report.check().is_ok());
    }
}

#[test]
fn int8_within_one_point_of_float() {
    let splits = splits();
    for activation in [Activation::Relu, Activation::Sigmoid] {
        let mut config = config(activation, 2, 64);
        config.epochs = 2;
        let trained = train(&config, &splits.train, &splits.validation, &mut NoProgress).unwrap();
        let weights = trained.weights();
        let calibration = draw_calibration_set(&splits.train.images, &splits.train.labels, 500, 0).unwrap();
        let again = draw_calibration_set(&splits.train.images, &splits.train.labels, 500, 0).unwrap();
        assert_eq!(calibration.indices, again.indices);
        let settings = QuantSettings { target: Target::Dpu, ..QuantSettings::default() };
        let quantized = quantize_model(&weights, &calibration.images, &settings).unwrap();
        let report = verify(&weights, &quantized.params, &quantized.model, &splits.test.images, &splits.test.labels).unwrap();
        assert!(report.drop_points.abs() <= 1.0, "{activation}: {}", report.summary());
        assert!(report.float_accuracy_pct > 80.0, "{activation}: {}", report.summary());
    }
}

fn train_model(dir: &Path) -> String {
    let model = dir.join("model");
    let (ok, _, stderr) = vitis_hpo(&[
        "train", "--layers", "1", "--nodes", "32", "--epochs", "1", "--split", "3000,1000,500", "--out", model.to_str().unwrap(),
    ]);
    assert!(ok, "{stderr}");
    model.to_str().unwrap().to_string()
}

#[test]
fn stages_run_on_a_model_folder() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_model(dir.path());
    let (ok, _, stderr) = vitis_hpo(&["export", "--model", &model]);
    assert!(ok, "{stderr}");
    let (ok, stdout, stderr) = vitis_hpo(&["verify", "--model", &model]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("equal argmax on 100.00 %"), "{stdout}");
    let (ok, stdout, stderr) = vitis_hpo(&["quantize", "--model", &model, "--calib-size", "300"]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("int8 accuracy"), "{stdout}");
    let (ok, _, stderr) = vitis_hpo(&["quantize", "--model", &model, "--calib-size", "300", "--format", "qoperator", "--max-drop", "5"]);
    assert!(ok, "{stderr}");
    let (ok, stdout, stderr) = vitis_hpo(&["deploy", "--model", &model, "--board", "kv260"]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("compile.sh"), "{stdout}");
    for file in ["model.onnx", "model_int8.onnx", "model_int8_qoperator.onnx", "quant.json", "verify.json", "deploy/compile.sh"] {
        assert!(Path::new(&model).join(file).is_file(), "{file} missing");
    }
    let verify: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(Path::new(&model).join("verify.json")).unwrap()).unwrap();
    assert!(verify.get("float").is_some());
    assert!(verify.get("int8").is_some());
}

#[test]
fn bad_stage_input_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let empty_run = dir.path().join("empty");
    std::fs::create_dir_all(&empty_run).unwrap();
    let (ok, _, stderr) = vitis_hpo(&["export", empty_run.to_str().unwrap()]);
    assert!(!ok);
    assert!(stderr.contains("has no model"), "{stderr}");
    let (ok, _, stderr) = vitis_hpo(&["quantize", empty_run.to_str().unwrap()]);
    assert!(!ok);
    assert!(stderr.contains("has no model"), "{stderr}");

    let model = train_model(dir.path());
    let (ok, _, stderr) = vitis_hpo(&["quantize", "--model", &model, "--calib-size", "0"]);
    assert!(!ok);
    assert!(stderr.contains("--calib-size"), "{stderr}");
    let (ok, _, stderr) = vitis_hpo(&["quantize", "--model", &model, "--calib-size", "5000"]);
    assert!(!ok);
    assert!(stderr.contains("--calib-size"), "{stderr}");
    assert!(stderr.contains("5000"), "{stderr}");
    let bad_file = dir.path().join("calib.idx");
    std::fs::write(&bad_file, b"not an idx file").unwrap();
    let (ok, _, stderr) = vitis_hpo(&["quantize", "--model", &model, "--calib-file", bad_file.to_str().unwrap()]);
    assert!(!ok);
    assert!(stderr.contains("--calib-file"), "{stderr}");
    let (ok, _, stderr) = vitis_hpo(&["deploy", "--model", &model]);
    assert!(!ok);
    assert!(stderr.contains("quantize"), "{stderr}");
    let (ok, _, stderr) = vitis_hpo(&["export", &model]);
    assert!(!ok);
    assert!(stderr.contains("--model"), "{stderr}");
    let (ok, _, stderr) = vitis_hpo(&["verify", "--model", &model, "--tolerance", "nan"]);
    assert!(!ok);
    assert!(stderr.contains("--tolerance"), "{stderr}");
    let (ok, _, stderr) = vitis_hpo(&["train", "--layers", "5", "--nodes", "100000"]);
    assert!(!ok);
    assert!(stderr.contains("parameters"), "{stderr}");
    let (ok, _, stderr) = vitis_hpo(&["deploy", "--model", &model, "--board", "zcu999"]);
    assert!(!ok);
    assert!(stderr.contains("zcu102"), "{stderr}");
    assert!(stderr.contains("zcu999"), "{stderr}");
}

#[test]
fn pipeline_runs_then_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let args = ["pipeline", "--out", run.to_str().unwrap(), "--n-calls", "3", "--epochs", "1", "--split", "3500,1000,500"];
    let (ok, stdout, stderr) = vitis_hpo(&args);
    assert!(ok, "{stdout}\n{stderr}");
    assert!(stdout.contains("test accuracy: float"), "{stdout}");
    assert!(stdout.contains("next: bash"), "{stdout}");
    for file in [
        "trials.jsonl", "summary.json", "best/model.bpk", "plots/convergence.png", "model.onnx", "model_int8.onnx", "quant.json",
        "verify.json", "calibration.json", "deploy/compile.sh", "deploy/quantize_compile.py", "deploy/board/app_mnist.py",
    ] {
        assert!(run.join(file).exists(), "{file} missing");
    }
    let (ok, stdout, stderr) = vitis_hpo(&args);
    assert!(ok, "{stderr}");
    // Search, export, verify and quantize are skipped; deploy is rewritten.
    assert_eq!(stdout.matches("done earlier, skipped").count(), 4, "{stdout}");

    // Other settings on the same folder are an error, not silently ignored.
    let mut changed = args.to_vec();
    changed[6] = "2";
    let (ok, _, stderr) = vitis_hpo(&changed);
    assert!(!ok);
    assert!(stderr.contains("epochs"), "{stderr}");
}

#[test]
fn study_tables_have_report_rows() {
    use vitis_hpo::cli::study::{Experiment, Lang, StudyRow, render_table};
    let row = |setting: &str| StudyRow {
        setting: setting.into(),
        learning_rate: 1e-3,
        num_dense_nodes: 165,
        num_dense_layers: 2,
        activation: "relu".into(),
        val_accuracy: 0.97,
        test_loss: 0.1,
        test_accuracy: 0.96,
        run: "runs/x".into(),
    };
    let rows: Vec<StudyRow> = ["16", "32", "64", "128"].iter().map(|s| row(s)).collect();
    let (name, table) = render_table(Experiment::BatchSize, &rows, Lang::En);
    assert_eq!(name, "batch_size");
    for header in ["batch size", "learning rate", "dense nodes", "dense layers", "activation", "test accuracy"] {
        assert!(table.contains(header), "{table}");
    }
    assert_eq!(table.lines().filter(|l| l.starts_with("| ") && l.contains("0.9600")).count(), 4);
    let (_, korean) = render_table(Experiment::Split, &rows[..3], Lang::Ko);
    assert!(korean.contains("테스트 정확도"), "{korean}");
    let (_, activation) = render_table(Experiment::Activation, &rows[..2], Lang::En);
    assert!(activation.contains("test loss"), "{activation}");
}

#[test]
fn study_activation_writes_tables_and_rejects_changed_settings() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("study");
    let out_arg = out.to_str().unwrap();
    let study = |epochs: &str| vitis_hpo(&["study", "activation", "--calls", "2", "--epochs", epochs, "--split", "3500,1000,500", "--out", out_arg]);
    let (ok, stdout, stderr) = study("1");
    assert!(ok, "{stdout}\n{stderr}");

    let rows: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("activation.json")).unwrap()).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    for (row, activation) in rows.iter().zip(["relu", "sigmoid"]) {
        assert_eq!(row["setting"], activation);
        assert_eq!(row["activation"], activation);
        let accuracy = row["test_accuracy"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&accuracy), "{row}");
    }
    let table = std::fs::read_to_string(out.join("activation.md")).unwrap();
    assert_eq!(table.lines().filter(|l| l.starts_with("| relu") || l.starts_with("| sigmoid")).count(), 2, "{table}");
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    for activation in ["relu", "sigmoid"] {
        let plot = format!("activation_{activation}/plots/convergence.png");
        assert!(report.contains(&plot), "{report}");
        assert!(out.join(&plot).is_file());
    }

    // The same command reuses the finished searches.
    let (ok, stdout, _) = study("1");
    assert!(ok);
    assert!(!stdout.contains("[trial 1/2]"), "{stdout}");
    // Other settings must not fill the same tables.
    let (ok, _, stderr) = study("2");
    assert!(!ok);
    assert!(stderr.contains("epochs"), "{stderr}");
    assert!(stderr.contains("--out"), "{stderr}");
}
