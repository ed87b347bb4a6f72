//! A Python virtual environment for the tests, created on first use under
//! `target/vitis-pyenv` (or `$VITIS_HPO_TEST_VENV`) from PyPI, so that a fresh
//! machine needs only `python3` with the `venv` module.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

/// Pinned so that every machine tests against the same releases. TensorFlow
/// 2.8 (the Vitis AI 2.5 image's) has no wheels for current Pythons; 2.21
/// keeps the `tf.keras` Sequential/Dense/set_weights/predict calls the
/// scripts use.
const NUMPY: &str = "numpy==2.4.6";
const TENSORFLOW: &str = "tensorflow-cpu==2.21.0";

static SETUP: Mutex<()> = Mutex::new(());

fn venv_dir() -> PathBuf {
    match std::env::var_os("VITIS_HPO_TEST_VENV") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("target/vitis-pyenv"),
    }
}

fn run_checked(command: &mut Command, description: &str) {
    let output = command.output().unwrap_or_else(|error| panic!("{description}: cannot start: {error}"));
    assert!(
        output.status.success(),
        "{description} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Installs `requirement` once; a marker file records a finished install.
fn ensure(requirement: &str) -> PathBuf {
    let _guard = SETUP.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = venv_dir();
    let python = dir.join("bin/python");
    if !python.exists() {
        run_checked(
            Command::new("python3").args(["-m", "venv"]).arg(&dir),
            "python3 -m venv (install python3 and python3-venv)",
        );
    }
    let marker = dir.join(format!(".installed-{requirement}"));
    if !marker.exists() {
        run_checked(
            Command::new(&python).args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", requirement]),
            &format!("pip install {requirement}"),
        );
        std::fs::write(&marker, "").expect("venv marker is writable");
    }
    python
}

/// Python with numpy.
pub fn python_with_numpy() -> PathBuf {
    ensure(NUMPY)
}

/// Python with numpy and TensorFlow.
pub fn python_with_tensorflow() -> PathBuf {
    ensure(NUMPY);
    ensure(TENSORFLOW)
}

pub fn describe(output: &Output) -> String {
    format!(
        "status {}\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
