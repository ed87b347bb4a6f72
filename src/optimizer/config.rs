//! Optimizer settings with their defaults.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::acquisition::AcquisitionKind;
use super::error::OptimizerError;
use super::sampling::InitialDesign;
use super::surrogate::SurrogateKind;
use super::value::Point;

/// Default number of initial-design points after x0. At n_calls 15
/// (examples/optimizer_bench.rs, 100 seeds) 2, 3 and 4 had mean regret
/// 0.64, 0.63 and 0.69 on Branin against 1.00 for 5 and 1.69 for
/// scikit-optimize's 10, and 1.68 to 1.82 on Hartmann-6 for every value from
/// 2 to 7. 4 keeps some spread for spaces with more dimensions.
pub const DEFAULT_N_INITIAL_POINTS: usize = 4;
/// Default exploration margin of EI and log-EI, in normalized target
/// units (scikit-optimize's 0.01 is in target units). On Branin with 30
/// calls (examples/optimizer_bench.rs, 20 seeds) 0.01 stopped short of the
/// minimum with mean regret 0.045, and 0.001 reached 0.005.
pub const DEFAULT_XI: f64 = 0.001;
/// Default exploration margin of PI, in normalized target units. PI rewards
/// any improvement, so with EI's margin it kept refining its best point: 0.1
/// cut the Hartmann-6 regret at 50 calls from 0.79 to 0.079 (gp_hedge: 0.22
/// to 0.039). BENCHMARKS.md also lists the cost on Branin.
pub const DEFAULT_PI_XI: f64 = 0.1;
/// Default weight of the standard deviation in LCB.
pub const DEFAULT_KAPPA: f64 = 1.96;
/// Default number of Sobol candidates scored per proposal.
pub const DEFAULT_N_CANDIDATES: usize = 2048;
/// Default number of best candidates refined by L-BFGS.
pub const DEFAULT_N_REFINE: usize = 5;
/// Default number of random starts of the GP hyper-parameter fit.
pub const DEFAULT_GP_RESTARTS: usize = 2;
/// Default number of trees of the forest surrogate.
pub const DEFAULT_N_TREES: usize = 100;

/// Value assumed for pending points while a batch is proposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Liar {
    /// Constant liar with the best observed value (`cl_min`).
    ClMin,
    /// Constant liar with the mean observed value (`cl_mean`).
    ClMean,
    /// Constant liar with the worst observed value (`cl_max`).
    ClMax,
    /// Kriging believer: the surrogate's mean at the pending point (`kb`).
    KrigingBeliever,
}

impl FromStr for Liar {
    type Err = OptimizerError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "cl_min" => Ok(Self::ClMin),
            "cl_mean" => Ok(Self::ClMean),
            "cl_max" => Ok(Self::ClMax),
            "kb" | "kriging_believer" => Ok(Self::KrigingBeliever),
            _ => Err(OptimizerError::UnknownName {
                kind: "batch strategy",
                value: s.to_string(),
                expected: "cl_min, cl_mean, cl_max, kb",
            }),
        }
    }
}

/// Settings of an [`Optimizer`](super::Optimizer).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptimizerConfig {
    /// Model after the initial design. Default: `gp`.
    pub surrogate: SurrogateKind,
    /// Acquisition function. Default: `ei`.
    pub acquisition: AcquisitionKind,
    /// Exploration margin of EI and log-EI in normalized target units
    /// (targets divided by their standard deviation). Default: 0.001.
    pub xi: f64,
    /// Exploration margin of PI, alone or in gp_hedge, in normalized target
    /// units. Default: [`DEFAULT_PI_XI`].
    #[serde(default = "default_pi_xi")]
    pub pi_xi: f64,
    /// Weight of the standard deviation in LCB. Default: 1.96.
    pub kappa: f64,
    /// Initial-design points proposed after x0 and before the model.
    /// Default: [`DEFAULT_N_INITIAL_POINTS`].
    pub n_initial_points: usize,
    /// Generator of the initial design. Default: `sobol`.
    pub initial_design: InitialDesign,
    /// Points evaluated first, in order.
    pub x0: Vec<Point>,
    /// Known values of x0 (empty, or one per x0 point); these points are
    /// recorded without evaluation.
    pub y0: Vec<f64>,
    /// Sobol candidates scored per model proposal. Default: 2048.
    pub n_candidates: usize,
    /// Best candidates refined by L-BFGS on the continuous relaxation. Default: 5.
    pub n_refine: usize,
    /// Random starts of the GP hyper-parameter fit, besides the default
    /// and warm starts. Default: 2.
    pub gp_restarts: usize,
    /// Trees of the forest surrogate. Default: 100.
    pub n_trees: usize,
    /// Values assumed for pending points. Default: `cl_min`.
    pub liar: Liar,
    /// Seed of every random choice. Default: 0.
    pub seed: u64,
}

impl Default for OptimizerConfig {
    fn default() -> Self {
        Self {
            surrogate: SurrogateKind::Gp,
            acquisition: AcquisitionKind::Ei,
            xi: DEFAULT_XI,
            pi_xi: DEFAULT_PI_XI,
            kappa: DEFAULT_KAPPA,
            n_initial_points: DEFAULT_N_INITIAL_POINTS,
            initial_design: InitialDesign::Sobol,
            x0: Vec::new(),
            y0: Vec::new(),
            n_candidates: DEFAULT_N_CANDIDATES,
            n_refine: DEFAULT_N_REFINE,
            gp_restarts: DEFAULT_GP_RESTARTS,
            n_trees: DEFAULT_N_TREES,
            liar: Liar::ClMin,
            seed: 0,
        }
    }
}

impl OptimizerConfig {
    /// Checks the settings that do not depend on the space.
    pub fn validate(&self) -> Result<(), OptimizerError> {
        if !self.y0.is_empty() && self.y0.len() != self.x0.len() {
            return Err(OptimizerError::Y0Length { x0: self.x0.len(), y0: self.y0.len() });
        }
        if self.n_initial_points == 0 && self.x0.is_empty() {
            return Err(OptimizerError::NoInitialPoints);
        }
        if !(self.xi.is_finite() && self.xi >= 0.0) {
            return Err(invalid("xi", self.xi, "a finite number >= 0"));
        }
        if !(self.pi_xi.is_finite() && self.pi_xi >= 0.0) {
            return Err(invalid("pi_xi", self.pi_xi, "a finite number >= 0"));
        }
        if !(self.kappa.is_finite() && self.kappa >= 0.0) {
            return Err(invalid("kappa", self.kappa, "a finite number >= 0"));
        }
        if self.n_candidates == 0 {
            return Err(invalid("n_candidates", 0, "at least 1"));
        }
        if self.n_trees == 0 {
            return Err(invalid("n_trees", 0, "at least 1"));
        }
        Ok(())
    }
}

fn default_pi_xi() -> f64 {
    DEFAULT_PI_XI
}

fn invalid(name: &'static str, value: impl ToString, expected: &'static str) -> OptimizerError {
    OptimizerError::InvalidSetting { name, value: value.to_string(), expected }
}
