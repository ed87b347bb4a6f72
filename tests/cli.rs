//! The command line as a user runs it: exit codes and messages.

use std::process::Command;

fn vitis_hpo(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_vitis-hpo")).args(args).output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn assert_rejected(args: &[&str], expected: &[&str]) {
    let (ok, _, stderr) = vitis_hpo(args);
    assert!(!ok, "{args:?} should fail");
    for text in expected {
        assert!(stderr.contains(text), "{args:?}: stderr lacks {text:?}:\n{stderr}");
    }
}

#[test]
fn zero_layers_rejected() {
    assert_rejected(&["train", "--layers", "0"], &["--layers", "0"]);
}

#[test]
fn non_positive_learning_rate_rejected() {
    assert_rejected(&["train", "--lr", "0"], &["--lr", "0"]);
    assert_rejected(&["train", "--lr=-1e-3"], &["--lr", "-1e-3"]);
    assert_rejected(&["train", "--lr", "fast"], &["--lr", "fast"]);
}

#[test]
fn unknown_activation_rejected() {
    assert_rejected(&["train", "--activation", "tanh"], &["--activation", "tanh", "relu or sigmoid"]);
}

#[test]
fn split_past_pool_rejected() {
    assert_rejected(&["train", "--split", "60000,10000,10000"], &["--split", "60000,10000,10000", "70000"]);
    assert_rejected(&["train", "--split", "7:2"], &["--split", "7:2"]);
}

#[test]
fn missing_data_folder_rejected() {
    assert_rejected(&["train", "--data", "/nonexistent/data"], &["--data", "/nonexistent/data", "not found"]);
}

#[test]
fn help_lists_units_and_defaults() {
    let (ok, stdout, _) = vitis_hpo(&["train", "--help"]);
    assert!(ok);
    for text in ["--lr", "--layers", "--nodes", "--activation", "--batch-size", "--epochs", "--out", "--split", "[default: 7:2:1]"] {
        assert!(stdout.contains(text), "help lacks {text}:\n{stdout}");
    }
}

#[test]
fn train_saves_model() {
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("model");
    let (ok, stdout, stderr) = vitis_hpo(&[
        "train", "--layers", "1", "--nodes", "32", "--epochs", "1", "--split", "3000,1000,500", "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("epoch 1/1"), "{stdout}");
    assert!(stdout.contains("val_accuracy"), "{stdout}");
    assert!(stdout.contains("test: loss"), "{stdout}");
    assert!(out_dir.join("model.bpk").is_file());
    assert!(out_dir.join("model.json").is_file());
}
