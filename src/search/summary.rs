use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::optimizer::Value;
use crate::training::Evaluation;

use super::runner::origin_name;
use super::trial::{TrialRecord, TrialStatus};

/// File name of the search summary in a run folder.
pub const SUMMARY_JSON: &str = "summary.json";

/// The outcome of a search, saved as summary.json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub trials: usize,
    pub n_calls: usize,
    pub best_trial: usize,
    pub best_params: BTreeMap<String, Value>,
    pub best_val_accuracy: f64,
    /// The best model on the test split.
    pub test: Option<Evaluation>,
    /// Search wall time in this session, seconds.
    pub elapsed_s: f64,
    pub interrupted: bool,
    /// (fitness, hyper-parameters) of every trial, best first, as the lab
    /// prints `sorted(zip(func_vals, x_iters))`.
    pub sorted: Vec<(f64, BTreeMap<String, Value>)>,
}

impl Summary {
    pub fn new(trials: &[TrialRecord], n_calls: usize, test: Option<Evaluation>, elapsed_s: f64, interrupted: bool) -> Option<Summary> {
        let best = trials.iter().min_by(|a, b| a.fitness.total_cmp(&b.fitness))?;
        let mut sorted: Vec<(f64, BTreeMap<String, Value>)> = trials.iter().map(|t| (t.fitness, t.params.clone())).collect();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        Some(Summary {
            trials: trials.len(),
            n_calls,
            best_trial: best.trial,
            best_params: best.params.clone(),
            best_val_accuracy: best.val_accuracy,
            test,
            elapsed_s,
            interrupted,
            sorted,
        })
    }

    pub fn write(&self, run_dir: &Path) -> std::io::Result<()> {
        std::fs::write(run_dir.join(SUMMARY_JSON), serde_json::to_string_pretty(self).expect("summary serializes") + "\n")
    }

    /// Renders the text that `search` prints at the end and `show` prints again.
    pub fn render(&self, trials: &[TrialRecord]) -> String {
        let mut text = String::new();
        let _ = writeln!(text, "best trial {} of {}: validation accuracy {:.4}", self.best_trial, self.trials, self.best_val_accuracy);
        let _ = writeln!(text, "best hyper-parameters: {}", format_params(&self.best_params));
        if let Some(test) = self.test {
            let _ = writeln!(text, "best model on the test split: loss {:.4}, accuracy {:.4}", test.loss, test.accuracy);
        }
        let _ = writeln!(text, "\nall trials, best first (fitness = -validation accuracy):");
        let mut sorted: Vec<&TrialRecord> = trials.iter().collect();
        sorted.sort_by(|a, b| a.fitness.total_cmp(&b.fitness));
        for trial in sorted {
            let status = match trial.status {
                TrialStatus::Ok => String::new(),
                TrialStatus::Failed => "  failed".to_string(),
                TrialStatus::Pruned => format!("  pruned after epoch {}", trial.epochs.len()),
            };
            let _ = writeln!(
                text,
                "  {:>8.4}  trial {:>2}  {}  ({}, {:.1} s){status}",
                trial.fitness,
                trial.trial,
                format_params(&trial.params),
                origin_name(trial.origin),
                trial.seconds
            );
        }
        if self.interrupted || self.trials < self.n_calls {
            let _ = writeln!(text, "\n{} of {} trials done; continue with --resume", self.trials, self.n_calls);
        }
        text
    }
}

/// Formats hyper-parameters as `learning_rate=1.42e-3 num_dense_layers=2 ...`.
pub fn format_params(params: &BTreeMap<String, Value>) -> String {
    params
        .iter()
        .map(|(name, value)| match value {
            Value::Real(x) => format!("{name}={x:.3e}"),
            Value::Categorical(label) => format!("{name}={label}"),
            other => format!("{name}={other}"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn read_summary(run_dir: &Path) -> anyhow::Result<Option<Summary>> {
    let path = run_dir.join(SUMMARY_JSON);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("invalid {}: {e}", path.display()))?)),
        Err(_) => Ok(None),
    }
}
