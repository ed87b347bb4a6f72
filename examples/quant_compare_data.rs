//! Writes the inputs of scripts/onnxruntime_quantize.py for a trained model:
//! the float ONNX model, the calibration images `vitis-hpo quantize` draws
//! (default size and seed) and the model's test split.
//!
//!     cargo run --release --example quant_compare_data -- MODEL_DIR OUT_DIR
//!
//! MODEL_DIR is a `vitis-hpo train --out` folder. OUT_DIR receives
//! model.onnx (the same graph the quantizer calibrates), calibration.f32 and
//! test.f32 (row-major `[n, 784]` little-endian f32, pixel / 255) and
//! test_labels.u8.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use vitis_hpo::quant::{build_float_model, draw_calibration_set, write_onnx};
use vitis_hpo::training::TrainedModel;

/// `vitis-hpo quantize` defaults: --calib-size and --calib-seed.
const CALIB_SIZE: usize = 1000;
const CALIB_SEED: u64 = 0;

fn main() -> anyhow::Result<()> {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [model_dir, out_dir] = args.as_slice() else {
        bail!("usage: quant_compare_data MODEL_DIR OUT_DIR");
    };
    let (trained, saved) = TrainedModel::load(model_dir)
        .with_context(|| format!("cannot load the model in {}", model_dir.display()))?;
    let splits = saved.data.load_splits()?;
    let calibration = draw_calibration_set(
        &splits.train.images,
        &splits.train.labels,
        CALIB_SIZE,
        CALIB_SEED,
    )?;

    std::fs::create_dir_all(out_dir)?;
    write_onnx(
        &build_float_model(&trained.weights())?,
        &out_dir.join("model.onnx"),
    )?;
    write_f32(&out_dir.join("calibration.f32"), &calibration.images)?;
    write_f32(&out_dir.join("test.f32"), &splits.test.images)?;
    std::fs::write(out_dir.join("test_labels.u8"), &splits.test.labels)?;
    println!(
        "wrote {} calibration and {} test images to {}",
        calibration.images.len() / vitis_hpo::model::INPUT_SIZE,
        splits.test.len(),
        out_dir.display()
    );
    Ok(())
}

fn write_f32(path: &Path, values: &[f32]) -> anyhow::Result<()> {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}
