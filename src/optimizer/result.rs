//! Evaluation records and the result of a search.

use serde::{Deserialize, Serialize};

use super::space::Space;
use super::surrogate::FittedSurrogate;
use super::value::Point;

/// Where a proposal came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Supplied by the caller: an x0 point, or a point told without being asked.
    X0,
    /// The initial design, or a random-search draw.
    Initial,
    /// Chosen by the surrogate and the acquisition function.
    Model,
}

/// One evaluated point, as recorded and as needed to resume a search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// The evaluated point.
    pub point: Point,
    /// Objective value (lower is better).
    pub value: f64,
    /// Where the point came from.
    pub origin: Origin,
    /// Acquisition value of a model proposal (lower is better, normalized
    /// target units; -EI, -PI, LCB or -log EI), `None` otherwise.
    pub acquisition_value: Option<f64>,
}

/// Why `minimize` stopped before spending its budget.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum StopReason {
    /// All `n_calls` evaluations were made.
    Budget,
    /// The deadline stopper fired.
    Deadline,
    /// The best values stopped improving by more than delta.
    DeltaY,
    /// The best value reached the threshold.
    Threshold,
    /// Every point of a finite space was evaluated.
    SpaceExhausted,
}

/// The outcome of a search.
#[derive(Clone, Debug)]
pub struct OptimizeResult {
    /// The search space.
    pub space: Space,
    /// Every evaluation in order.
    pub evaluations: Vec<Evaluation>,
    /// Index of the best evaluation (the first one on ties).
    pub best_index: usize,
    /// Best point found.
    pub best_point: Point,
    /// Best value found.
    pub best_value: f64,
    /// Surrogate fitted to all evaluations, `None` for random search.
    pub surrogate: Option<FittedSurrogate>,
    /// Why `minimize` stopped; `None` for a result taken during ask/tell.
    pub stop_reason: Option<StopReason>,
}

impl OptimizeResult {
    /// The evaluated points in order.
    pub fn points(&self) -> Vec<Point> {
        self.evaluations.iter().map(|e| e.point.clone()).collect()
    }

    /// The objective values in order.
    pub fn values(&self) -> Vec<f64> {
        self.evaluations.iter().map(|e| e.value).collect()
    }

    /// Best value after each evaluation.
    pub fn best_so_far(&self) -> Vec<f64> {
        let mut best = f64::INFINITY;
        self.evaluations
            .iter()
            .map(|e| {
                best = best.min(e.value);
                best
            })
            .collect()
    }
}
