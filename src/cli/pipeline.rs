use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Args;

use super::data_args::DataArgs;
use super::deploy::DeployArgs;
use super::export::{ExportArgs, MODEL_ONNX};
use super::model_args::ModelArgs;
use super::quantize::{QUANT_JSON, QuantizeArgs};
use super::search::{SearchFlags, search, stored_spec_matching};
use super::verify::VerifyArgs;
use super::verify_file::VERIFY_JSON;
use crate::quant::{ModelFormat, ScaleKind, Target};
use crate::search::{SUMMARY_JSON, SearchSpec, read_summary, read_trials};
use crate::vitis::{Board, DEFAULT_IMAGE};

/// Options of `vitis-hpo pipeline`.
#[derive(Debug, Args)]
pub struct PipelineArgs {
    /// Run folder; run again on the same folder to resume.
    #[arg(long, default_value = "runs/pipeline", value_name = "DIR")]
    pub out: PathBuf,

    /// TOML file with the search space and settings; flags override it.
    #[arg(long, value_name = "FILE")]
    pub space: Option<PathBuf>,

    #[command(flatten)]
    pub search: SearchFlags,

    /// Trials trained at the same time.
    #[arg(long, default_value_t = 2, value_parser = super::train::parse_count, value_name = "N")]
    pub jobs: usize,

    #[command(flatten)]
    pub data: DataArgs,

    /// Calibration images for quantization, drawn from the training split.
    #[arg(long, default_value_t = 1000, value_parser = super::train::parse_count, value_name = "N")]
    pub calib_size: usize,

    /// Fail when int8 accuracy drops more than this many points below float.
    #[arg(long, value_name = "POINTS")]
    pub max_drop: Option<f64>,

    /// Board of the deployment bundle.
    #[arg(long, default_value = "zcu102", value_name = "BOARD")]
    pub board: Board,

    /// Vitis AI docker image of the deployment bundle.
    #[arg(long, default_value = DEFAULT_IMAGE, value_name = "IMAGE")]
    pub image: String,

    /// Redo export, verify and quantize even when their outputs exist (the
    /// search always resumes from trials.jsonl; use a new --out to start over).
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: PipelineArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let run_dir = args.out.clone();
    let spec = pipeline_spec(&args, &run_dir)?;

    stage("1/5 search", || {
        if !args.force && search_finished(&run_dir, &spec)? {
            return Ok(Skip::Done);
        }
        let resuming = run_dir.join(crate::search::TRIALS_JSONL).exists();
        let outcome = search(&spec, &run_dir, args.jobs, resuming)?;
        anyhow::ensure!(!outcome.interrupted, "search interrupted; run the same command again to resume");
        Ok(Skip::Ran)
    })?;
    let model = ModelArgs { run: Some(run_dir.clone()), model: None };

    stage("2/5 export", || {
        if !args.force && newer(&run_dir.join(MODEL_ONNX), &run_dir.join("best/model.bpk")) {
            return Ok(Skip::Done);
        }
        super::export::run(ExportArgs { model: model.clone(), out: None })?;
        Ok(Skip::Ran)
    })?;
    stage("3/5 verify", || {
        if !args.force && has_key(&run_dir.join(VERIFY_JSON), "float") && newer(&run_dir.join(VERIFY_JSON), &run_dir.join(MODEL_ONNX)) {
            return Ok(Skip::Done);
        }
        super::verify::run(VerifyArgs { model: model.clone(), tolerance: crate::onnx::DEFAULT_TOLERANCE })?;
        Ok(Skip::Ran)
    })?;
    stage("4/5 quantize", || {
        if !args.force
            && has_key(&run_dir.join(VERIFY_JSON), "int8")
            && newer(&run_dir.join(QUANT_JSON), &run_dir.join("best/model.bpk"))
            && within_max_drop(&run_dir.join(VERIFY_JSON), args.max_drop)
        {
            return Ok(Skip::Done);
        }
        super::quantize::run(QuantizeArgs {
            model: model.clone(),
            calib_size: args.calib_size,
            calib_seed: 0,
            calib_file: None,
            scale: ScaleKind::Pow2,
            method: None,
            percentile: crate::quant::DEFAULT_PERCENTILE,
            target: Target::Dpu,
            format: ModelFormat::Qdq,
            max_drop: args.max_drop,
        })?;
        Ok(Skip::Ran)
    })?;
    stage("5/5 deploy", || {
        // Always rewritten: it takes a second and follows --board and --image.
        super::deploy::run(DeployArgs {
            model: model.clone(),
            board: args.board,
            arch: None,
            image: args.image.clone(),
            net_name: "mnist_mlp".into(),
        })?;
        Ok(Skip::Ran)
    })?;

    print_summary(&run_dir, started.elapsed().as_secs_f64())
}

enum Skip {
    Ran,
    Done,
}

fn stage(name: &str, body: impl FnOnce() -> anyhow::Result<Skip>) -> anyhow::Result<()> {
    println!("\n== {name} ==");
    let started = Instant::now();
    match body().with_context(|| format!("stage {name} failed"))? {
        Skip::Done => println!("done earlier, skipped (--force redoes it)"),
        Skip::Ran => println!("{name} took {:.1} s", started.elapsed().as_secs_f64()),
    }
    Ok(())
}

/// Builds the spec of a new pipeline, or reads that of the run being resumed.
fn pipeline_spec(args: &PipelineArgs, run_dir: &Path) -> anyhow::Result<SearchSpec> {
    let mut requested = SearchSpec { data: args.data.settings(), ..SearchSpec::default() };
    if let Some(file) = &args.space {
        crate::search::parse_spec_file(file, &mut requested)?;
    }
    args.search.apply(&mut requested)?;
    if !run_dir.join(crate::search::RUN_JSON).is_file() {
        return Ok(requested);
    }

    // Resuming: the run's own settings apply, and other flags would be
    // silently ignored, so they must match (only --n-calls may change).
    let stored = stored_spec_matching(run_dir, &requested, "run the command that started it again to resume, or choose a new --out")?;
    println!("resuming the pipeline in {}", run_dir.display());
    Ok(SearchSpec { n_calls: args.search.n_calls.unwrap_or(stored.n_calls), ..stored })
}

fn search_finished(run_dir: &Path, spec: &SearchSpec) -> anyhow::Result<bool> {
    let Some(summary) = read_summary(run_dir)? else { return Ok(false) };
    let trials = read_trials(run_dir)?;
    Ok(!summary.interrupted && trials.len() >= spec.n_calls && summary.trials == trials.len() && run_dir.join("best/model.json").is_file())
}

/// True when both files exist and `path` is older than `source`.
pub fn older_than(path: &Path, source: &Path) -> bool {
    path.exists() && source.exists() && !newer(path, source)
}

/// True when `path` exists and is not older than `source`.
fn newer(path: &Path, source: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(path), modified(source)) {
        (Some(a), Some(b)) => a >= b,
        _ => false,
    }
}

/// True when the recorded int8 drop is within `max_drop` points (or no
/// limit is set), so that a run that failed the check is never skipped.
fn within_max_drop(verify_json: &Path, max_drop: Option<f64>) -> bool {
    let Some(max_drop) = max_drop else { return true };
    std::fs::read_to_string(verify_json)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|value| value["int8"]["drop_points"].as_f64())
        .is_some_and(|drop| drop <= max_drop)
}

fn has_key(path: &Path, key: &str) -> bool {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .is_some_and(|value| value.get(key).is_some())
}

fn print_summary(run_dir: &Path, elapsed_s: f64) -> anyhow::Result<()> {
    let summary = read_summary(run_dir)?.with_context(|| format!("{} missing", run_dir.join(SUMMARY_JSON).display()))?;
    let verify: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(run_dir.join(VERIFY_JSON))?)?;
    let float = verify["int8"]["float_accuracy_pct"].as_f64().unwrap_or(f64::NAN);
    let int8 = verify["int8"]["int8_accuracy_pct"].as_f64().unwrap_or(f64::NAN);
    println!("\n== summary ==");
    println!("best hyper-parameters: {}", crate::search::format_params(&summary.best_params));
    println!("validation accuracy {:.4}", summary.best_val_accuracy);
    println!("test accuracy: float {float:.2} %, int8 (DPU prediction) {int8:.2} %");
    println!("files in {}:", run_dir.display());
    for name in ["trials.jsonl", "summary.json", "best/", "plots/", "logs/", "model.onnx", "model_int8.onnx", "quant.json", "verify.json", "deploy/"] {
        println!("  {}", run_dir.join(name).display());
    }
    println!("next: bash {}   (compiles for the DPU in the Vitis AI docker image)", run_dir.join("deploy/compile.sh").display());
    println!("pipeline took {elapsed_s:.1} s");
    Ok(())
}
