use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;

use super::data_args::load_splits;
use super::model_args::ModelArgs;
use super::quantize::{CALIBRATION_JSON, CalibrationRecord, QUANT_JSON};
use super::verify_file::VERIFY_JSON;
use crate::quant::{QuantReport, VerifyReport};
use crate::vitis::{
    ArchSource, Board, BundleInputs, DEFAULT_IMAGE, DpuFixPositions, LabeledImages, LayerFixPositions,
    check_dpu_mapping, write_bundle,
};

/// Options of `vitis-hpo deploy`.
#[derive(Debug, Args)]
pub struct DeployArgs {
    #[command(flatten)]
    pub model: ModelArgs,

    /// Target board: ZCU102, ZCU104, KV260, VCK190, VCK5000, U50, U50LV,
    /// U280, U200 or U250 (case-insensitive).
    #[arg(long, default_value = "zcu102", value_name = "BOARD")]
    pub board: Board,

    /// A custom arch.json for the compiler instead of the board's one in the image.
    #[arg(long, value_name = "PATH")]
    pub arch: Option<PathBuf>,

    /// Vitis AI docker image that quantizes and compiles the model.
    #[arg(long, default_value = DEFAULT_IMAGE, value_name = "IMAGE")]
    pub image: String,

    /// Name of the compiled network (the .xmodel file stem).
    #[arg(long, default_value = "mnist_mlp", value_name = "NAME")]
    pub net_name: String,
}

pub fn run(args: DeployArgs) -> anyhow::Result<()> {
    let loaded = args.model.load()?;
    let weights = loaded.trained.weights();

    let mapping = check_dpu_mapping(&weights, args.board);
    println!("{mapping}");

    let out = &loaded.out_dir;
    let weights_path = args.model.locate()?.0.join(crate::training::MODEL_WEIGHTS);
    if super::pipeline::older_than(&out.join(QUANT_JSON), &weights_path) {
        bail!(
            "{} is older than the model {}: it belongs to an earlier model; run `vitis-hpo quantize` again first",
            out.join(QUANT_JSON).display(),
            weights_path.display()
        );
    }
    let quant: QuantReport = read_json(&out.join(QUANT_JSON), "quant.json")?;
    let Some(dpu_layers) = quant.dpu_layers else {
        bail!(
            "{} has no DPU fix positions: it was quantized with --scale {} --target {}; \
             run `vitis-hpo quantize` with --scale pow2 --target dpu first",
            out.join(QUANT_JSON).display(),
            quant.settings.scale,
            quant.settings.target
        );
    };
    let verify_root: serde_json::Value = read_json(&out.join(VERIFY_JSON), "verify.json")?;
    let int8: VerifyReport = serde_json::from_value(verify_root.get("int8").cloned().unwrap_or_default())
        .with_context(|| format!("{} has no int8 results; run `vitis-hpo quantize` first", out.join(VERIFY_JSON).display()))?;
    let calibration: CalibrationRecord = read_json(&out.join(CALIBRATION_JSON), "calibration.json")?;

    let splits = load_splits(&loaded.saved.data)?;
    let fix_positions = DpuFixPositions {
        input_fix: dpu_layers.first().map_or(0, |layer| layer.input_fix_pos),
        layers: dpu_layers
            .iter()
            .map(|layer| LayerFixPositions {
                name: layer.name.clone(),
                weight_fix: layer.weight_fix_pos,
                bias_fix: layer.bias_fix_pos,
                output_fix: layer.hard_sigmoid_fix_pos.unwrap_or(layer.output_fix_pos),
            })
            .collect(),
    };
    let arch = match args.arch {
        Some(path) => ArchSource::Custom { board: args.board, path },
        None => ArchSource::Image(args.board),
    };
    let inputs = BundleInputs {
        weights,
        fix_positions,
        calibration_images: calibration.images(&splits.train)?,
        test: LabeledImages { images: splits.test.images.clone(), labels: splits.test.labels.clone() },
        float_accuracy: int8.float_accuracy_pct / 100.0,
        int8_accuracy: int8.int8_accuracy_pct / 100.0,
        arch,
        image: args.image,
        net_name: args.net_name,
    };
    let deploy_dir = out.join("deploy");
    let bundle = write_bundle(&inputs, &deploy_dir).context("cannot write the deployment bundle")?;
    println!("wrote the Vitis AI bundle ({} files) to {}", bundle.files.len(), bundle.dir.display());
    println!("next: bash {}   (needs docker and the {} image)", bundle.compile_script.display(), inputs.image);
    Ok(())
}

fn read_json<T: serde::de::DeserializeOwned>(path: &std::path::Path, name: &str) -> anyhow::Result<T> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{} not found; run `vitis-hpo quantize` on this run first", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("invalid {name} at {}", path.display()))
}
