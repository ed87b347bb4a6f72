use anyhow::Context;
use clap::Args;

use super::data_args::load_splits;
use super::export::{MODEL_ONNX, describe, export};
use super::model_args::ModelArgs;
use super::verify_file::{VERIFY_JSON, update_verify_json};
use crate::onnx::{DEFAULT_TOLERANCE, TractRunner, verify_probabilities};
use crate::training::predict_probabilities;

/// Options of `vitis-hpo verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub model: ModelArgs,

    /// Largest allowed absolute difference between tract's and burn's
    /// softmax probabilities on any test image.
    #[arg(long, default_value_t = DEFAULT_TOLERANCE, value_name = "PROB")]
    pub tolerance: f32,
}

pub fn run(args: VerifyArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.tolerance.is_finite() && args.tolerance > 0.0,
        "invalid value '{}' for --tolerance: use a positive probability difference such as 1e-5",
        args.tolerance
    );
    let loaded = args.model.load()?;
    let onnx_path = loaded.out_dir.join(MODEL_ONNX);
    let weights_path = args.model.locate()?.0.join(crate::training::MODEL_WEIGHTS);
    if !onnx_path.is_file() {
        println!("{} not found; exporting it first", onnx_path.display());
        export(&loaded, &onnx_path)?;
    } else if super::pipeline::older_than(&onnx_path, &weights_path) {
        println!("{} is older than the model; exporting it again", onnx_path.display());
        export(&loaded, &onnx_path)?;
    }
    let splits = load_splits(&loaded.saved.data)?;
    let test = &splits.test;
    anyhow::ensure!(!test.is_empty(), "the test split is empty; choose a --split with test images");

    let runner = TractRunner::from_path(&onnx_path).with_context(|| format!("cannot load {} in tract", onnx_path.display()))?;
    let burn_probabilities = predict_probabilities(&loaded.trained, test);
    let report = verify_probabilities(&runner, &test.images, &test.labels, "burn", &burn_probabilities, args.tolerance)
        .context("tract inference failed")?;

    println!("float model {} on {} test images:", describe(&loaded), test.len());
    println!("  tract: accuracy {:.4}  loss {:.4}", report.tract_accuracy, report.tract_loss);
    println!("  burn:  accuracy {:.4}", report.reference_accuracy);
    println!(
        "  max |tract - burn| probability difference {:.2e} (tolerance {:.0e}), equal argmax on {:.2} % of images",
        report.comparison.max_abs_diff,
        report.tolerance,
        report.comparison.argmax_agreement * 100.0
    );
    update_verify_json(&loaded.out_dir, "float", &report)?;
    println!("wrote {}", loaded.out_dir.join(VERIFY_JSON).display());
    report.check().context("tract and burn disagree")?;
    Ok(())
}
