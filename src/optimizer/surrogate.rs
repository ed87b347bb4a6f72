//! Surrogate models selectable by name, and the fitted model that results
//! and plots keep.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::OptimizerError;
use super::forest::ExtraTrees;
use super::gp::GaussianProcess;

/// Model that proposes points after the initial design.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SurrogateKind {
    /// Gaussian process (`gp`).
    Gp,
    /// Extra-trees ensemble (`forest`).
    Forest,
    /// No model: uniform random search (`random`).
    Random,
}

impl FromStr for SurrogateKind {
    type Err = OptimizerError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "gp" => Ok(Self::Gp),
            "forest" => Ok(Self::Forest),
            "random" => Ok(Self::Random),
            _ => Err(OptimizerError::UnknownName {
                kind: "surrogate",
                value: s.to_string(),
                expected: "gp, forest, random",
            }),
        }
    }
}

/// Prediction in the original target units for encoded points.
pub trait Surrogate {
    /// Mean and standard deviation at each encoded point (see
    /// `Space::transform`).
    fn predict(&self, points: &[Vec<f64>]) -> (Vec<f64>, Vec<f64>);
}

/// An extra-trees ensemble fitted to normalized targets.
#[derive(Clone, Debug)]
pub struct FittedForest {
    pub(crate) trees: ExtraTrees,
    pub(crate) y_mean: f64,
    pub(crate) y_std: f64,
}

/// A fitted surrogate.
#[derive(Clone, Debug)]
pub enum FittedSurrogate {
    /// Gaussian process.
    Gp(GaussianProcess),
    /// Extra-trees ensemble.
    Forest(FittedForest),
}

impl FittedSurrogate {
    /// Mean and standard deviation in normalized target units.
    pub fn predict_normalized(&self, points: &[Vec<f64>]) -> (Vec<f64>, Vec<f64>) {
        match self {
            Self::Gp(gp) => gp.predict_normalized(points),
            Self::Forest(forest) => forest.trees.predict(points),
        }
    }

    /// Mean and standard deviation used to normalize the targets.
    pub fn normalization(&self) -> (f64, f64) {
        match self {
            Self::Gp(gp) => gp.normalization(),
            Self::Forest(forest) => (forest.y_mean, forest.y_std),
        }
    }

    /// Whether the acquisition is smooth enough for gradient refinement.
    pub fn is_smooth(&self) -> bool {
        matches!(self, Self::Gp(_))
    }
}

impl Surrogate for FittedSurrogate {
    fn predict(&self, points: &[Vec<f64>]) -> (Vec<f64>, Vec<f64>) {
        let (mean, std) = self.predict_normalized(points);
        let (y_mean, y_std) = self.normalization();
        (mean.iter().map(|m| m * y_std + y_mean).collect(), std.iter().map(|s| s * y_std).collect())
    }
}

impl Surrogate for GaussianProcess {
    fn predict(&self, points: &[Vec<f64>]) -> (Vec<f64>, Vec<f64>) {
        GaussianProcess::predict(self, points)
    }
}
