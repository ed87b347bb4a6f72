//! Bayesian optimization over a mixed search space: Gaussian-process and
//! extra-trees surrogates, EI/PI/LCB/log-EI/gp_hedge acquisitions, an
//! ask/tell optimizer and `minimize` built on it.

mod acquisition;
mod ask_tell;
mod config;
mod dimension;
mod error;
mod forest;
mod gp;
mod gp_fit;
mod kernel;
mod minimize;
mod model;
mod partial_dependence;
mod proposal;
mod result;
mod sampling;
mod space;
mod stopper;
mod surrogate;
mod value;

#[cfg(test)]
mod tests;

pub use acquisition::{
    Acquisition, AcquisitionKind, expected_improvement, log_expected_improvement, lower_confidence_bound,
    normal_cdf, normal_pdf, probability_of_improvement,
};
pub use config::{
    DEFAULT_GP_RESTARTS, DEFAULT_KAPPA, DEFAULT_N_CANDIDATES, DEFAULT_N_INITIAL_POINTS, DEFAULT_N_REFINE,
    DEFAULT_N_TREES, DEFAULT_PI_XI, DEFAULT_XI, Liar, OptimizerConfig,
};
pub use dimension::{Dimension, DimensionKind, Prior};
pub use error::OptimizerError;
pub use forest::{ExtraTrees, ForestSettings};
pub use gp::{GaussianProcess, log_marginal_likelihood};
pub use gp_fit::{GpFitSettings, fit_gp};
pub use ask_tell::Optimizer;
pub use partial_dependence::{Curve, Grid, PartialDependence, partial_dependence, partial_dependence_1d, partial_dependence_2d};
pub use result::{Evaluation, OptimizeResult, Origin, StopReason};
pub use sampling::InitialDesign;
pub use space::Space;
pub use stopper::Stopper;
pub use surrogate::{FittedForest, FittedSurrogate, Surrogate, SurrogateKind};
pub use value::{Point, Value, format_point};
