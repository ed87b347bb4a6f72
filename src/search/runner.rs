use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use anyhow::Context;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::hyper::{describe_params, named_params, trial_config};
use super::trial::{TrialRecord, TrialStatus, append_trial, read_trials, surrogate_value};
use super::SearchSpec;
use crate::data::Splits;
use crate::optimizer::{Optimizer, OptimizerError, Origin, Point, Value};
use crate::tensorboard::{EventWriter, HyperValue, run_dir_name};
use crate::training::{EpochMetrics, TrainConfig, TrainError, TrainProgress, TrainedModel, train};

/// File name of the search settings in a run folder.
pub const RUN_JSON: &str = "run.json";

/// A search to run or resume in a folder.
pub struct SearchRun<'a> {
    pub spec: SearchSpec,
    pub run_dir: PathBuf,
    /// Trials trained at the same time.
    pub jobs: usize,
    pub splits: &'a Splits,
    /// Set by the Ctrl-C handler: stop after saving the finished trials.
    pub interrupt: &'static AtomicBool,
}

/// Results of a finished or interrupted search.
pub struct SearchOutcome {
    pub trials: Vec<TrialRecord>,
    pub interrupted: bool,
    /// The last optimizer state, for the surrogate plots.
    pub optimizer: Optimizer,
    pub elapsed_s: f64,
}

/// Runs (or resumes) a search: trains trials `jobs` at a time, appends each
/// finished trial to trials.jsonl, and saves a model into best/ whenever a
/// trial beats every earlier one.
pub fn run_search(run: &SearchRun) -> anyhow::Result<SearchOutcome> {
    let started = Instant::now();
    let (space, config) = run.spec.build().context("invalid search space")?;
    std::fs::create_dir_all(&run.run_dir).with_context(|| format!("cannot create {}", run.run_dir.display()))?;
    super::trial::repair_trials(&run.run_dir).context("cannot repair trials.jsonl")?;
    let mut trials = read_trials(&run.run_dir)?;
    let records: Vec<_> = trials.iter().map(TrialRecord::evaluation).collect();
    let mut optimizer = Optimizer::from_records(space.clone(), config, &records)
        .context("the recorded trials do not fit the search space")?;
    if trials.len() >= run.spec.n_calls {
        println!("all {} trials are done ({} requested); pass a larger --n-calls to continue", trials.len(), run.spec.n_calls);
    } else if !trials.is_empty() {
        println!("resuming: {} of {} trials already done", trials.len(), run.spec.n_calls);
    }
    let mut best_fitness = trials.iter().map(|t| t.fitness).fold(f64::INFINITY, f64::min);

    let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stdout());
    let (sender, receiver) = mpsc::channel::<TrialResult>();
    let mut interrupted = false;
    let mut exhausted = false;

    std::thread::scope(|scope| -> anyhow::Result<()> {
        let mut running = 0usize;
        let mut asked = trials.len();
        loop {
            while !exhausted && !interrupted && running < run.jobs.max(1) && asked < run.spec.n_calls {
                let point = match optimizer.ask() {
                    Ok(point) => point,
                    Err(error @ OptimizerError::SpaceExhausted { .. }) => {
                        println!("stopping early: {error}");
                        exhausted = true;
                        break;
                    }
                    Err(error) => return Err(error).context("the optimizer failed to propose a point"),
                };
                asked += 1;
                running += 1;
                let params = named_params(&space, &run.spec, &point);
                let config = trial_config(&run.spec, &params)?;
                let log_dir = trial_log_dir(asked, &params);
                let bar = multi.add(ProgressBar::hidden());
                let label = format!("[trial {asked}/{}] ", run.spec.n_calls);
                say(&multi, format!("{label}{}", describe_params(&config)));
                let prune = run.spec.prune_margin.filter(|_| best_fitness < 0.0).map(|margin| PruneRule { best: -best_fitness, margin });
                let job = TrialJob { number: asked, point, params, config, log_dir, label, bar, prune };
                let sender = sender.clone();
                let (run_dir, splits, interrupt) = (&run.run_dir, run.splits, run.interrupt);
                scope.spawn(move || {
                    let result = run_trial(job, run_dir, splits, interrupt);
                    let _ = sender.send(result);
                });
            }
            if running == 0 {
                return Ok(());
            }
            let result = receiver.recv().expect("a trial thread is running");
            running -= 1;
            match result.outcome {
                TrialOutcome::Interrupted => {
                    interrupted = true;
                    say(&multi, format!("{}interrupted; it will run again on --resume", result.job.label));
                }
                outcome => {
                    let number = result.job.number;
                    let record = finish_trial(&mut optimizer, &run.run_dir, result.job, outcome, result.seconds, number, &mut best_fitness, &multi)?;
                    trials.push(record);
                }
            }
            if run.interrupt.load(Ordering::Relaxed) {
                interrupted = true;
            }
        }
    })?;

    Ok(SearchOutcome { trials, interrupted, optimizer, elapsed_s: started.elapsed().as_secs_f64() })
}

struct TrialJob {
    number: usize,
    point: Point,
    params: BTreeMap<String, Value>,
    config: TrainConfig,
    log_dir: String,
    label: String,
    bar: ProgressBar,
    prune: Option<PruneRule>,
}

/// Stops a trial whose validation accuracy after an epoch lies more than
/// `margin` below `best`, the best final validation accuracy when it started.
#[derive(Debug, Clone, Copy)]
struct PruneRule {
    best: f64,
    margin: f64,
}

impl PruneRule {
    fn prunes(&self, val_accuracy: f64) -> bool {
        val_accuracy < self.best - self.margin
    }
}

enum TrialOutcome {
    Trained(Box<TrainedModel>),
    Diverged { error: String, history: Vec<EpochMetrics> },
    Pruned { history: Vec<EpochMetrics> },
    Interrupted,
}

struct TrialResult {
    job: TrialJob,
    outcome: TrialOutcome,
    seconds: f64,
}

fn run_trial(job: TrialJob, run_dir: &Path, splits: &Splits, interrupt: &'static AtomicBool) -> TrialResult {
    let started = Instant::now();
    let events = EventWriter::create(&run_dir.join(&job.log_dir));
    if let Err(error) = &events {
        log::warn!("trial {}: cannot write TensorBoard events: {error}", job.number);
    }
    let mut progress = TrialProgress {
        bar: job.bar.clone(),
        events: events.ok(),
        history: Vec::new(),
        epochs: job.config.epochs,
        prune: job.prune,
        interrupt,
    };
    let outcome = match train(&job.config, &splits.train, &splits.validation, &mut progress) {
        Ok(trained) => TrialOutcome::Trained(Box::new(trained)),
        Err(TrainError::Interrupted) => TrialOutcome::Interrupted,
        Err(TrainError::Pruned { .. }) => TrialOutcome::Pruned { history: progress.history.clone() },
        Err(error) => TrialOutcome::Diverged { error: error.to_string(), history: progress.history.clone() },
    };
    job.bar.finish_and_clear();
    TrialResult { job, outcome, seconds: started.elapsed().as_secs_f64() }
}

/// Records a finished trial. It passes the fitness to the optimizer (as
/// the log error rate, see [`surrogate_value`]), appends trials.jsonl and
/// saves the model into best/ when it is the best so far.
fn finish_trial(
    optimizer: &mut Optimizer,
    run_dir: &Path,
    job: TrialJob,
    outcome: TrialOutcome,
    seconds: f64,
    trial: usize,
    best_fitness: &mut f64,
    multi: &MultiProgress,
) -> anyhow::Result<TrialRecord> {
    let TrialResultParts { status, fitness, val_accuracy, val_loss, epochs, error, model } = match outcome {
        TrialOutcome::Trained(model) => {
            let last = *model.last_epoch().expect("training runs at least one epoch");
            TrialResultParts {
                status: TrialStatus::Ok,
                fitness: -last.val_accuracy,
                val_accuracy: last.val_accuracy,
                val_loss: last.val_loss,
                epochs: model.history.clone(),
                error: None,
                model: Some(model),
            }
        }
        TrialOutcome::Pruned { history } => {
            let last = *history.last().expect("a trial is pruned after an epoch");
            TrialResultParts {
                status: TrialStatus::Pruned,
                fitness: -last.val_accuracy,
                val_accuracy: last.val_accuracy,
                val_loss: last.val_loss,
                epochs: history,
                error: None,
                model: None,
            }
        }
        TrialOutcome::Diverged { error, history } => TrialResultParts {
            status: TrialStatus::Failed,
            // Accuracy cannot fall below 0, so 0 is the worst fitness.
            fitness: 0.0,
            val_accuracy: 0.0,
            val_loss: f64::NAN,
            epochs: history,
            error: Some(error),
            model: None,
        },
        TrialOutcome::Interrupted => unreachable!("interrupted trials are not recorded"),
    };

    optimizer.tell(&job.point, surrogate_value(fitness)).context("the optimizer rejected a result")?;
    let evaluation = optimizer.evaluations().last().expect("the optimizer records the evaluation it was given").clone();
    let record = TrialRecord {
        trial,
        point: job.point,
        params: job.params,
        status,
        fitness,
        val_accuracy,
        val_loss: if val_loss.is_finite() { val_loss } else { -1.0 },
        epochs,
        seconds,
        origin: evaluation.origin,
        acquisition_value: evaluation.acquisition_value,
        log_dir: job.log_dir,
        error,
    };

    let mut line = format!(
        "{}val_accuracy {:.4} in {:.1} s ({})",
        job.label,
        val_accuracy,
        record.seconds,
        origin_name(record.origin)
    );
    if let Some(error) = &record.error {
        line = format!("{}failed: {error}", job.label);
    }
    if let (TrialStatus::Pruned, Some(rule)) = (status, job.prune) {
        line = format!(
            "{}pruned after epoch {}: val_accuracy {:.4} is more than {} below the best {:.4} ({:.1} s)",
            job.label,
            record.epochs.len(),
            val_accuracy,
            rule.margin,
            rule.best,
            record.seconds
        );
    }
    if let (Some(model), true) = (model, fitness < *best_fitness) {
        *best_fitness = fitness;
        save_best(run_dir, &model)?;
        line.push_str("  new best, saved to best/");
    }
    say(multi, line);
    append_trial(run_dir, &record).with_context(|| format!("cannot append to {}", run_dir.join(super::TRIALS_JSONL).display()))?;
    Ok(record)
}

struct TrialResultParts {
    status: TrialStatus,
    fitness: f64,
    val_accuracy: f64,
    val_loss: f64,
    epochs: Vec<EpochMetrics>,
    error: Option<String>,
    model: Option<Box<TrainedModel>>,
}

/// Prints a line above the progress bars, or plainly when they are hidden
/// (stdout is not a terminal), where indicatif would drop it.
fn say(multi: &MultiProgress, line: String) {
    if multi.is_hidden() {
        println!("{line}");
    } else {
        let _ = multi.println(line);
    }
}

pub(crate) fn origin_name(origin: Origin) -> &'static str {
    match origin {
        Origin::X0 => "x0",
        Origin::Initial => "initial design",
        Origin::Model => "model",
    }
}

/// Writes the model to best.tmp/ then renames it over best/, so best/ always
/// contains a complete model.
fn save_best(run_dir: &Path, model: &TrainedModel) -> anyhow::Result<()> {
    let staging = run_dir.join("best.tmp");
    let best = run_dir.join("best");
    let _ = std::fs::remove_dir_all(&staging);
    model
        .save(&staging, None, &Default::default())
        .with_context(|| format!("cannot save the best model to {}", staging.display()))?;
    let _ = std::fs::remove_dir_all(&best);
    std::fs::rename(&staging, &best).with_context(|| format!("cannot move the best model to {}", best.display()))
}

/// TensorBoard folder of a trial: `logs/<number>_<hyper-parameters>`, the
/// number keeping apart trials whose rounded values coincide.
fn trial_log_dir(number: usize, params: &BTreeMap<String, Value>) -> String {
    let values: Vec<(&str, HyperValue)> = params
        .iter()
        .map(|(name, value)| {
            let value = match value {
                Value::Real(x) => HyperValue::Real(*x),
                Value::Integer(i) => HyperValue::Integer(*i),
                Value::Categorical(label) => HyperValue::Category(label),
            };
            (name.as_str(), value)
        })
        .collect();
    format!("logs/{number:02}_{}", run_dir_name(&values))
}

struct TrialProgress {
    bar: ProgressBar,
    events: Option<EventWriter>,
    history: Vec<EpochMetrics>,
    epochs: usize,
    prune: Option<PruneRule>,
    interrupt: &'static AtomicBool,
}

impl TrainProgress for TrialProgress {
    fn epoch_started(&mut self, epoch: usize, num_batches: usize) {
        self.bar.set_length(num_batches as u64);
        self.bar.set_position(0);
        self.bar.set_style(
            ProgressStyle::with_template("  epoch {msg} [{bar:30}] {pos}/{len} batches")
                .expect("valid progress template")
                .progress_chars("=> "),
        );
        self.bar.set_message(format!("{epoch}/{}", self.epochs));
        self.bar.set_draw_target(ProgressDrawTarget::stdout());
    }

    fn batch_finished(&mut self, _epoch: usize, _batch: usize) {
        self.bar.inc(1);
    }

    fn epoch_finished(&mut self, metrics: &EpochMetrics) {
        self.history.push(*metrics);
        if let Some(events) = &mut self.events {
            let scalars = [
                ("loss", metrics.loss as f32),
                ("accuracy", metrics.accuracy as f32),
                ("val_loss", metrics.val_loss as f32),
                ("val_accuracy", metrics.val_accuracy as f32),
            ];
            if let Err(error) = events.add_scalars(metrics.epoch as i64, &scalars) {
                log::warn!("cannot write TensorBoard events: {error}");
            }
        }
    }

    fn should_prune(&mut self, metrics: &EpochMetrics) -> bool {
        self.prune.is_some_and(|rule| rule.prunes(metrics.val_accuracy))
    }

    fn should_stop(&self) -> bool {
        self.interrupt.load(Ordering::Relaxed)
    }
}

