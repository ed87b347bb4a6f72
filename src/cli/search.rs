use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, bail};
use clap::Args;

use super::data_args::{DataArgs, load_splits};
use crate::optimizer::{AcquisitionKind, InitialDesign, SurrogateKind, Value};
use crate::search::{
    DimensionSpec, RUN_JSON, SearchOutcome, SearchRun, SearchSpec, Summary, parse_spec_file, read_trials, run_search,
    write_plots,
};
use crate::training::{TrainedModel, evaluate};

/// Set by Ctrl-C: running trials stop, finished ones stay recorded.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Options of `vitis-hpo search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Run folder to create (trials.jsonl, best/, logs/, plots/, summary.json).
    #[arg(long, default_value = "runs/search", value_name = "DIR")]
    pub out: PathBuf,

    /// Continue the search in this run folder from its trials.jsonl; its
    /// run.json settings are used, and only --n-calls and --jobs apply.
    #[arg(long, value_name = "RUN", conflicts_with = "out")]
    pub resume: Option<PathBuf>,

    /// TOML file with the search space and settings (see README); flags override it.
    #[arg(long, value_name = "FILE")]
    pub space: Option<PathBuf>,

    #[command(flatten)]
    pub search: SearchFlags,

    /// Trials trained at the same time.
    #[arg(long, default_value_t = 2, value_parser = super::train::parse_count, value_name = "N")]
    pub jobs: usize,

    #[command(flatten)]
    pub data: DataArgs,
}

/// Search settings that the flags can override (default: the lab's search).
#[derive(Debug, Clone, Args)]
pub struct SearchFlags {
    /// Total trials, x0 included [default: 15].
    #[arg(long, value_parser = super::train::parse_count, value_name = "N")]
    pub n_calls: Option<usize>,

    /// Initial-design points after x0, before the model chooses [default: 4].
    #[arg(long, value_name = "N")]
    pub n_initial_points: Option<usize>,

    /// Initial design: random, sobol, lhs or halton [default: sobol].
    #[arg(long, value_name = "NAME")]
    pub initial_design: Option<InitialDesign>,

    /// Surrogate model: gp, forest or random [default: gp].
    #[arg(long, value_name = "NAME")]
    pub surrogate: Option<SurrogateKind>,

    /// Acquisition function: ei, pi, lcb, log_ei or gp_hedge [default: ei].
    #[arg(long, value_name = "NAME")]
    pub acquisition: Option<AcquisitionKind>,

    /// Seed of the optimizer [default: 0].
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// Epochs of every trial [default: 3].
    #[arg(long, value_parser = super::train::parse_count, value_name = "N")]
    pub epochs: Option<usize>,

    /// Batch size of every trial, unless batch size is searched [default: 128].
    #[arg(long, value_parser = super::train::parse_count, value_name = "N")]
    pub batch_size: Option<usize>,

    /// Fix the activation (relu or sigmoid) instead of searching it.
    #[arg(long, value_name = "NAME")]
    pub activation: Option<crate::model::Activation>,

    /// Search the learning rate in LOW:HIGH (log-uniform) [default: 1e-6:1e-2].
    #[arg(long, value_name = "LOW:HIGH")]
    pub lr_range: Option<String>,

    /// Search the number of hidden layers in LOW:HIGH [default: 1:5].
    #[arg(long, value_name = "LOW:HIGH")]
    pub layers_range: Option<String>,

    /// Search the units per layer in LOW:HIGH [default: 5:512].
    #[arg(long, value_name = "LOW:HIGH")]
    pub nodes_range: Option<String>,

    /// Also search the batch size in LOW:HIGH, for example 16:256.
    #[arg(long, value_name = "LOW:HIGH")]
    pub batch_size_range: Option<String>,

    /// Default point, evaluated first: lr,layers,nodes,activation
    /// (searched dimensions in order) [default: 1e-5,1,16,relu]; "none" for no x0.
    #[arg(long, value_name = "POINT")]
    pub x0: Option<String>,

    /// Stop a trial after an epoch whose validation accuracy is more than
    /// ACC below the best trial's (for example 0.2 = 20 points); its last
    /// accuracy is its result [default: 0.2].
    #[arg(long, value_name = "ACC", conflicts_with = "no_prune")]
    pub prune_margin: Option<f64>,

    /// Train every trial for all its epochs, as the lab does.
    #[arg(long)]
    pub no_prune: bool,
}

impl SearchFlags {
    /// Returns true when a flag other than --n-calls is set.
    pub fn sets_more_than_n_calls(&self) -> bool {
        let Self {
            n_calls: _,
            n_initial_points,
            initial_design,
            surrogate,
            acquisition,
            seed,
            epochs,
            batch_size,
            activation,
            lr_range,
            layers_range,
            nodes_range,
            batch_size_range,
            x0,
            prune_margin,
            no_prune,
        } = self;
        n_initial_points.is_some()
            || initial_design.is_some()
            || surrogate.is_some()
            || acquisition.is_some()
            || seed.is_some()
            || epochs.is_some()
            || batch_size.is_some()
            || activation.is_some()
            || lr_range.is_some()
            || layers_range.is_some()
            || nodes_range.is_some()
            || batch_size_range.is_some()
            || x0.is_some()
            || prune_margin.is_some()
            || *no_prune
    }

    /// Applies the flags to `spec`.
    pub fn apply(&self, spec: &mut SearchSpec) -> anyhow::Result<()> {
        if let Some(n) = self.n_calls {
            spec.n_calls = n;
        }
        if let Some(n) = self.n_initial_points {
            spec.n_initial_points = n;
        }
        if let Some(design) = self.initial_design {
            spec.initial_design = design;
        }
        if let Some(surrogate) = self.surrogate {
            spec.surrogate = surrogate;
        }
        if let Some(acquisition) = self.acquisition {
            spec.acquisition = acquisition;
        }
        if let Some(seed) = self.seed {
            spec.seed = seed;
        }
        if let Some(epochs) = self.epochs {
            spec.epochs = epochs;
        }
        if let Some(batch_size) = self.batch_size {
            spec.batch_size = batch_size;
        }
        if self.no_prune {
            spec.prune_margin = None;
        } else if let Some(margin) = self.prune_margin {
            spec.prune_margin = Some(margin);
        }
        if let Some(range) = &self.lr_range {
            let (low, high) = parse_range::<f64>(range, "--lr-range")?;
            spec.set_dimension("learning_rate", DimensionSpec::Real { low, high, log_uniform: true });
        }
        for (flag, name, range) in [
            ("--layers-range", "num_dense_layers", &self.layers_range),
            ("--nodes-range", "num_dense_nodes", &self.nodes_range),
            ("--batch-size-range", "batch_size", &self.batch_size_range),
        ] {
            if let Some(range) = range {
                let (low, high) = parse_range::<i64>(range, flag)?;
                spec.set_dimension(name, DimensionSpec::Integer { low, high });
            }
        }
        if let Some(activation) = self.activation {
            spec.fix("activation", Value::Categorical(activation.name().to_string()));
        }
        if self.batch_size_range.is_some() && self.x0.is_none() {
            // The default x0 has no batch size: use the fixed default for it.
            for point in &mut spec.x0 {
                point.insert("batch_size".into(), Value::Integer(spec.batch_size as i64));
            }
        }
        if let Some(x0) = &self.x0 {
            spec.x0 = parse_x0(x0, spec)?;
        }
        spec.build().context("invalid search settings")?;
        Ok(())
    }
}

fn parse_range<T: std::str::FromStr + PartialOrd + Copy>(text: &str, flag: &str) -> anyhow::Result<(T, T)> {
    let parts: Vec<&str> = text.split(':').collect();
    let parse = |part: &str| part.trim().parse::<T>().ok();
    match (parts.as_slice(), parts.first().and_then(|p| parse(p)), parts.get(1).and_then(|p| parse(p))) {
        ([_, _], Some(low), Some(high)) => Ok((low, high)),
        _ => bail!("invalid value '{text}' for {flag}: expected LOW:HIGH, for example 1:5"),
    }
}

fn parse_x0(text: &str, spec: &SearchSpec) -> anyhow::Result<Vec<std::collections::BTreeMap<String, Value>>> {
    if text.trim() == "none" {
        return Ok(Vec::new());
    }
    let names: Vec<&String> = spec
        .dimensions
        .iter()
        .filter(|(_, d)| !matches!(d, DimensionSpec::Fixed { .. }))
        .map(|(name, _)| name)
        .collect();
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    if parts.len() != names.len() {
        bail!(
            "invalid value '{text}' for --x0: expected {} values for {}",
            names.len(),
            names.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", ")
        );
    }
    let point = names
        .iter()
        .zip(parts)
        .map(|(name, part)| {
            let value = if name.as_str() == "learning_rate" {
                part.parse::<f64>().map(Value::Real).map_err(|_| anyhow::anyhow!("invalid value '{part}' for --x0 {name}"))?
            } else if let Ok(i) = part.parse::<i64>() {
                Value::Integer(i)
            } else {
                Value::Categorical(part.to_string())
            };
            Ok(((*name).clone(), value))
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(vec![point])
}

/// Installs the Ctrl-C handler once.
pub fn install_interrupt_handler() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let result = ctrlc::set_handler(|| {
            if INTERRUPTED.swap(true, Ordering::Relaxed) {
                std::process::exit(130);
            }
            eprintln!("\ninterrupt: stopping after saving the finished trials (Ctrl-C again to quit now)");
        });
        if let Err(error) = result {
            log::warn!("cannot install the Ctrl-C handler: {error}");
        }
    });
}

/// Builds the spec from the space file and flags, or from run.json to resume.
pub fn resolve_spec(args: &SearchArgs) -> anyhow::Result<(SearchSpec, PathBuf)> {
    if let Some(run_dir) = &args.resume {
        if args.space.is_some() || args.search.sets_more_than_n_calls() {
            bail!("with --resume only --n-calls and --jobs apply: the other settings come from {}", run_dir.join(RUN_JSON).display());
        }
        let mut spec = read_run_spec(run_dir)?;
        if let Some(n) = args.search.n_calls {
            spec.n_calls = n;
        }
        return Ok((spec, run_dir.clone()));
    }
    let mut spec = SearchSpec { data: args.data.settings(), ..SearchSpec::default() };
    if let Some(file) = &args.space {
        parse_spec_file(file, &mut spec)?;
    }
    args.search.apply(&mut spec)?;
    Ok((spec, args.out.clone()))
}

/// Reads the spec of a run folder and checks that it equals `requested` in
/// everything but n_calls. The error names the settings that differ and
/// ends with `hint`.
pub fn stored_spec_matching(run_dir: &Path, requested: &SearchSpec, hint: &str) -> anyhow::Result<SearchSpec> {
    let stored = read_run_spec(run_dir)?;
    let comparable = |spec: &SearchSpec| SearchSpec { n_calls: 0, ..spec.clone() };
    if comparable(&stored) != comparable(requested) {
        let stored_json = serde_json::to_value(comparable(&stored))?;
        let requested_json = serde_json::to_value(comparable(requested))?;
        let differing: Vec<String> = stored_json
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(key, value)| requested_json.get(key.as_str()) != Some(value))
            .map(|(key, _)| key.clone())
            .collect();
        bail!("{} was started with other settings ({} differ from run.json); {hint}", run_dir.display(), differing.join(", "));
    }
    Ok(stored)
}

pub fn read_run_spec(run_dir: &Path) -> anyhow::Result<SearchSpec> {
    let path = run_dir.join(RUN_JSON);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot resume: {} not found; pass a folder made by `vitis-hpo search`", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("invalid {}", path.display()))
}

pub fn run(args: SearchArgs) -> anyhow::Result<()> {
    let (spec, run_dir) = resolve_spec(&args)?;
    search(&spec, &run_dir, args.jobs, args.resume.is_some())?;
    Ok(())
}

/// Runs the search, writes summary.json and the plots, and prints the summary.
pub fn search(spec: &SearchSpec, run_dir: &Path, jobs: usize, resuming: bool) -> anyhow::Result<SearchOutcome> {
    install_interrupt_handler();
    spec.build().context("invalid search settings")?;
    if !resuming && run_dir.join(crate::search::TRIALS_JSONL).exists() {
        bail!(
            "{} already has trials; continue it with --resume {} or choose another --out",
            run_dir.display(),
            run_dir.display()
        );
    }
    std::fs::create_dir_all(run_dir).with_context(|| format!("cannot create {}", run_dir.display()))?;
    let _lock = crate::search::RunLock::acquire(run_dir)?;
    std::fs::write(run_dir.join(RUN_JSON), serde_json::to_string_pretty(spec)? + "\n")
        .with_context(|| format!("cannot write {}", run_dir.join(RUN_JSON).display()))?;

    let splits = load_splits(&spec.data)?;
    println!(
        "search: {} calls, {} surrogate, {} acquisition, {} at a time; {} train / {} validation / {} test images",
        spec.n_calls,
        format!("{:?}", spec.surrogate).to_lowercase(),
        serde_json::to_value(spec.acquisition).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
        jobs,
        splits.train.len(),
        splits.validation.len(),
        splits.test.len()
    );
    let run = SearchRun { spec: spec.clone(), run_dir: run_dir.to_path_buf(), jobs, splits: &splits, interrupt: &INTERRUPTED };
    let mut outcome = run_search(&run)?;
    finish(spec, run_dir, &mut outcome, &splits.test)?;
    Ok(outcome)
}

/// Evaluates the best model on the test split, writes summary.json and the plots.
fn finish(spec: &SearchSpec, run_dir: &Path, outcome: &mut SearchOutcome, test: &crate::data::Dataset) -> anyhow::Result<()> {
    let trials = read_trials(run_dir)?;
    let best_dir = run_dir.join("best");
    let best = if best_dir.join(crate::training::MODEL_JSON).is_file() {
        let (model, saved) = TrainedModel::load(&best_dir).context("cannot load the best model")?;
        let evaluation = (!test.is_empty()).then(|| evaluate(&model, test));
        model.save(&best_dir, evaluation, &spec.data).context("cannot update the best model")?;
        let _ = saved;
        Some((model, evaluation))
    } else {
        None
    };
    let test_evaluation = best.as_ref().and_then(|(_, e)| *e);
    let Some(summary) = Summary::new(&trials, spec.n_calls, test_evaluation, outcome.elapsed_s, outcome.interrupted) else {
        println!("no trial finished");
        return Ok(());
    };
    summary.write(run_dir).with_context(|| format!("cannot write summary.json in {}", run_dir.display()))?;
    let plots = write_plots(&run_dir.join("plots"), &trials, &mut outcome.optimizer, best.as_ref().map(|(m, _)| (m, test)));
    match plots {
        Ok(files) => log::debug!("wrote {} plot files", files.len()),
        Err(error) => eprintln!("warning: cannot draw the plots: {error}"),
    }
    println!("\n{}", summary.render(&trials));
    println!("search took {:.1} s; results in {}", outcome.elapsed_s, run_dir.display());
    Ok(())
}
