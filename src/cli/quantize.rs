use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Args;
use serde::{Deserialize, Serialize};

use super::data_args::load_splits;
use super::export::describe;
use super::model_args::ModelArgs;
use super::verify_file::{VERIFY_JSON, update_verify_json};
use crate::data::{Dataset, parse_idx_images, read_idx_file};
use crate::quant::{
    CalibMethod, DEFAULT_PERCENTILE, ModelFormat, QuantSettings, ScaleKind, Target, draw_calibration_set,
    quantize_model, verify, write_json, write_onnx,
};

/// File name of the quantization parameters in a run or model folder.
pub const QUANT_JSON: &str = "quant.json";
/// File name of the calibration set description, which deploy reuses.
pub const CALIBRATION_JSON: &str = "calibration.json";

/// Options of `vitis-hpo quantize`.
#[derive(Debug, Args)]
pub struct QuantizeArgs {
    #[command(flatten)]
    pub model: ModelArgs,

    /// Calibration images drawn from the training split, stratified by class.
    #[arg(long, default_value_t = 1000, value_parser = super::train::parse_count, value_name = "N")]
    pub calib_size: usize,

    /// Seed of the calibration draw.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub calib_seed: u64,

    /// Calibrate on the images of this IDX file (28x28, gzip or raw)
    /// instead of drawing from the training split.
    #[arg(long, value_name = "FILE")]
    pub calib_file: Option<PathBuf>,

    /// Scales: pow2 (power-of-two fix positions, as the DPU requires) or float.
    #[arg(long, default_value = "pow2", value_name = "KIND")]
    pub scale: ScaleKind,

    /// Override the calibration method of the input and activations:
    /// minmax, percentile, mse or entropy. Default: the Vitis AI pof2s choices.
    #[arg(long, value_name = "METHOD")]
    pub method: Option<CalibMethod>,

    /// Percentile of |x| kept by --method percentile, in percent.
    #[arg(long, default_value_t = DEFAULT_PERCENTILE, value_name = "PCT")]
    pub percentile: f64,

    /// dpu: simulate the DPU (sigmoid becomes its hard sigmoid); generic: keep sigmoid.
    #[arg(long, default_value = "dpu", value_name = "TARGET")]
    pub target: Target,

    /// qdq (QuantizeLinear/DequantizeLinear) or qoperator (integer ops: QLinearConv
    /// with power-of-two scales and ReLU, MatMulInteger otherwise).
    #[arg(long, default_value = "qdq", value_name = "FORMAT")]
    pub format: ModelFormat,

    /// Fail when int8 test accuracy is more than this many percentage points
    /// below float accuracy.
    #[arg(long, value_name = "POINTS")]
    pub max_drop: Option<f64>,
}

/// Source of the calibration images, saved as calibration.json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationRecord {
    /// The IDX file, or `None` for the training split.
    pub file: Option<PathBuf>,
    pub size: usize,
    pub seed: u64,
    /// Indices into the training split (ascending), or into the file.
    pub indices: Vec<usize>,
}

impl CalibrationRecord {
    /// Loads the calibration images this record describes.
    pub fn images(&self, train: &Dataset) -> anyhow::Result<Vec<f32>> {
        let file_images;
        let source = match &self.file {
            Some(file) => {
                file_images = read_calibration_file(file)?;
                &file_images
            }
            None => &train.images,
        };
        let mut images = Vec::with_capacity(self.indices.len() * Dataset::IMAGE_SIZE);
        for &index in &self.indices {
            let start = index * Dataset::IMAGE_SIZE;
            let image = source
                .get(start..start + Dataset::IMAGE_SIZE)
                .with_context(|| format!("calibration index {index} is past the end of its source; run quantize again"))?;
            images.extend_from_slice(image);
        }
        Ok(images)
    }
}

pub fn read_calibration_file(file: &Path) -> anyhow::Result<Vec<f32>> {
    let bytes = read_idx_file(file).with_context(|| format!("cannot read --calib-file {}", file.display()))?;
    parse_idx_images(&bytes, file).with_context(|| format!("invalid --calib-file {}", file.display()))
}

pub fn run(args: QuantizeArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let settings = QuantSettings {
        scale: args.scale,
        method: args.method,
        percentile: args.percentile,
        target: args.target,
        format: args.format,
        ..QuantSettings::default()
    };
    settings.validate().context("invalid quantization options")?;
    if let Some(max_drop) = args.max_drop {
        anyhow::ensure!(max_drop.is_finite() && max_drop >= 0.0, "invalid value '{max_drop}' for --max-drop: use a number of points >= 0, such as 0.5");
    }
    if args.method != Some(CalibMethod::Percentile) && args.percentile != DEFAULT_PERCENTILE {
        bail!("--percentile applies only with --method percentile; add --method percentile or drop --percentile");
    }
    let loaded = args.model.load()?;
    let weights = loaded.trained.weights();
    let splits = load_splits(&loaded.saved.data)?;
    anyhow::ensure!(!splits.test.is_empty(), "the test split is empty; choose a --split with test images");

    let calibration = match &args.calib_file {
        Some(file) => {
            let images = read_calibration_file(file)?;
            let count = images.len() / Dataset::IMAGE_SIZE;
            anyhow::ensure!(count > 0, "--calib-file {} has no images", file.display());
            let size = args.calib_size.min(count);
            if size < args.calib_size {
                println!("--calib-file {} has {count} images: calibrating on all of them", file.display());
            }
            CalibrationRecord { file: Some(file.clone()), size, seed: args.calib_seed, indices: (0..size).collect() }
        }
        None => {
            let set = draw_calibration_set(&splits.train.images, &splits.train.labels, args.calib_size, args.calib_seed)
                .with_context(|| format!("invalid value '{}' for --calib-size", args.calib_size))?;
            CalibrationRecord { file: None, size: args.calib_size, seed: args.calib_seed, indices: set.indices }
        }
    };
    let calibration_images = calibration.images(&splits.train)?;

    let quantized = quantize_model(&weights, &calibration_images, &settings).context("quantization failed")?;
    for warning in &quantized.report.warnings {
        eprintln!("warning: {warning}");
    }
    let out = &loaded.out_dir;
    let model_name = match settings.format {
        ModelFormat::Qdq => "model_int8.onnx",
        ModelFormat::QOperator => "model_int8_qoperator.onnx",
    };
    write_onnx(&quantized.model, &out.join(model_name))?;
    write_json(&quantized.report, &out.join(QUANT_JSON), QUANT_JSON)?;
    let calibration_path = out.join(CALIBRATION_JSON);
    std::fs::write(&calibration_path, serde_json::to_string_pretty(&calibration)? + "\n")
        .with_context(|| format!("cannot write {}", calibration_path.display()))?;

    let report = verify(&weights, &quantized.params, &quantized.model, &splits.test.images, &splits.test.labels)
        .context("int8 verification failed")?;
    println!(
        "quantized {} ({} scales, {} target, {}) on {} calibration images",
        describe(&loaded),
        settings.scale,
        settings.target,
        settings.format,
        calibration.size
    );
    println!("{}", report.summary());
    update_verify_json(out, "int8", &report)?;
    println!(
        "wrote {}, {}, {} and {} in {:.1} s",
        out.join(model_name).display(),
        out.join(QUANT_JSON).display(),
        calibration_path.display(),
        out.join(VERIFY_JSON).display(),
        started.elapsed().as_secs_f64()
    );
    if let Some(max_drop) = args.max_drop {
        report.check_max_drop(max_drop).context("--max-drop exceeded")?;
    }
    Ok(())
}
