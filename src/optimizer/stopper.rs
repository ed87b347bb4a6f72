//! Early stopping rules for `minimize`.

use serde::{Deserialize, Serialize};

use super::result::StopReason;

/// A rule checked after every evaluation of `minimize`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Stopper {
    /// Stop when the time left is less than the longest evaluation so far
    /// (scikit-optimize's DeadlineStopper), `total_s` seconds after start.
    Deadline { total_s: f64 },
    /// Stop when the `n_best` best values lie within `delta` of each other
    /// (scikit-optimize's DeltaYStopper).
    DeltaY { delta: f64, n_best: usize },
    /// Stop when the best value is at or below `value`.
    Threshold { value: f64 },
}

impl Stopper {
    /// Checks the rule against the values so far, the seconds since start
    /// and the duration of each iteration in seconds.
    pub fn check(&self, values: &[f64], elapsed_s: f64, iteration_s: &[f64]) -> Option<StopReason> {
        match self {
            Self::Deadline { total_s } => {
                let longest = iteration_s.iter().copied().fold(0.0, f64::max);
                (total_s - elapsed_s <= longest).then_some(StopReason::Deadline)
            }
            Self::DeltaY { delta, n_best } => {
                if *n_best == 0 || values.len() < *n_best {
                    return None;
                }
                let mut sorted = values.to_vec();
                sorted.sort_by(f64::total_cmp);
                (sorted[n_best - 1] - sorted[0] < *delta).then_some(StopReason::DeltaY)
            }
            Self::Threshold { value } => {
                values.iter().any(|v| v <= value).then_some(StopReason::Threshold)
            }
        }
    }
}
