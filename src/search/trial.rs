use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::optimizer::{Evaluation, Origin, Point, Value};
use crate::training::EpochMetrics;

/// File name of the trial log in a run folder: one JSON object per line,
/// appended as each trial finishes.
pub const TRIALS_JSONL: &str = "trials.jsonl";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrialStatus {
    Ok,
    /// Training diverged (NaN or infinite loss); the trial gets the worst fitness.
    Failed,
    /// Stopped after an epoch that left it far behind the best trial; its
    /// fitness is that epoch's validation accuracy.
    Pruned,
}

/// Lowest error rate passed to the surrogate, so that a perfect validation
/// score maps to a finite value.
const MIN_ERROR_RATE: f64 = 1e-4;

/// Converts a fitness (minus the validation accuracy) into the value the
/// optimizer models, the log error rate ln(1 - accuracy). On raw accuracy
/// the trials stuck near chance (0.1) set the surrogate's scale, so the
/// differences that matter vanish. The step from 0.960 to 0.973 is a
/// fiftieth of the step from 0.1 to 0.7 in accuracy, and about a third of
/// it in log error.
pub fn surrogate_value(fitness: f64) -> f64 {
    (1.0 + fitness).max(MIN_ERROR_RATE).ln()
}

/// Converts a modelled value back into a fitness, the inverse of
/// [`surrogate_value`].
pub fn fitness_of_surrogate_value(value: f64) -> f64 {
    value.exp() - 1.0
}

/// One finished trial, as one line of trials.jsonl.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrialRecord {
    /// 1-based trial number in the order trials started, as printed and as
    /// in the log folder name; records are appended in the order trials finish.
    pub trial: usize,
    /// The optimizer's point (searched dimensions, in space order).
    pub point: Point,
    /// Every hyper-parameter of the trial, fixed ones included.
    pub params: BTreeMap<String, Value>,
    pub status: TrialStatus,
    /// Minus the validation accuracy after the last epoch trained (the pruning
    /// epoch of a pruned trial); 0 for failed trials.
    pub fitness: f64,
    pub val_accuracy: f64,
    pub val_loss: f64,
    pub epochs: Vec<EpochMetrics>,
    /// Wall time of the trial, seconds.
    pub seconds: f64,
    pub origin: Origin,
    /// Acquisition value of a model proposal (lower is better).
    pub acquisition_value: Option<f64>,
    /// TensorBoard folder of the trial, relative to the run folder.
    pub log_dir: String,
    /// Error message of a failed trial.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl TrialRecord {
    /// Converts the record into the optimizer's evaluation, for resuming.
    pub fn evaluation(&self) -> Evaluation {
        Evaluation {
            point: self.point.clone(),
            value: surrogate_value(self.fitness),
            origin: self.origin,
            acquisition_value: self.acquisition_value,
        }
    }
}

/// Appends one record and flushes it to disk, so that a crash loses nothing
/// already finished.
pub fn append_trial(run_dir: &Path, record: &TrialRecord) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(run_dir.join(TRIALS_JSONL))?;
    let line = serde_json::to_string(record).expect("trial records serialize");
    writeln!(file, "{line}")?;
    file.sync_data()
}

/// Cuts a last line left incomplete by a crash, so that new records start
/// on a line of their own. Returns the number of bytes removed.
pub fn repair_trials(run_dir: &Path) -> std::io::Result<u64> {
    let path = run_dir.join(TRIALS_JSONL);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(error) => return Err(error),
    };
    if bytes.is_empty() || bytes.ends_with(b"\n") {
        return Ok(0);
    }
    let keep = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let file = std::fs::OpenOptions::new().write(true).open(&path)?;
    file.set_len(keep as u64)?;
    log::warn!("{}: removed an incomplete last line of {} bytes", path.display(), bytes.len() - keep);
    Ok((bytes.len() - keep) as u64)
}

/// Reads every complete record. A last line cut short by a crash is skipped
/// with a warning; any other invalid line is an error naming its number.
pub fn read_trials(run_dir: &Path) -> anyhow::Result<Vec<TrialRecord>> {
    let path = run_dir.join(TRIALS_JSONL);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(anyhow::anyhow!("cannot read {}: {error}", path.display())),
    };
    let lines: Vec<&str> = text.lines().filter(|line| !line.trim().is_empty()).collect();
    let mut records = Vec::with_capacity(lines.len());
    for (index, line) in lines.iter().enumerate() {
        match serde_json::from_str::<TrialRecord>(line) {
            Ok(record) => records.push(record),
            Err(error) if index + 1 == lines.len() && !text.ends_with('\n') => {
                log::warn!("{}: skipping the incomplete last line: {error}", path.display());
            }
            Err(error) => anyhow::bail!("{} line {}: invalid trial record: {error}", path.display(), index + 1),
        }
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surrogate_value_is_the_log_error_rate() {
        for accuracy in [0.0, 0.1, 0.5, 0.96, 0.973, 0.9999] {
            let value = surrogate_value(-accuracy);
            assert!((value - (1.0f64 - accuracy).ln()).abs() < 1e-12, "{accuracy}");
            assert!((fitness_of_surrogate_value(value) + accuracy).abs() < 1e-12, "{accuracy}");
        }
        // A failed trial (fitness 0) is the worst value, a perfect one stays finite.
        assert_eq!(surrogate_value(0.0), 0.0);
        assert_eq!(surrogate_value(-1.0), MIN_ERROR_RATE.ln());
        // Better accuracy gives a lower value. The step from 0.960 to 0.973
        // is about a third of the one from 0.1 to 0.7, and a 46th of it in
        // raw accuracy.
        let good_step = surrogate_value(-0.960) - surrogate_value(-0.973);
        let fair_step = surrogate_value(-0.1) - surrogate_value(-0.7);
        assert!((good_step / fair_step - 0.358).abs() < 0.01, "{good_step} {fair_step}");
    }
}
