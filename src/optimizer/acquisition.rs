//! Acquisition functions on a Gaussian posterior, all written as values to
//! minimize, in normalized target units.
//!
//! With z = (y_best - μ - ξ) / σ: expected improvement EI = σ (z Φ(z) +
//! φ(z)), probability of improvement PI = Φ(z), lower confidence bound
//! LCB = μ - κ σ. The optimizer minimizes -EI, -PI, LCB and -log EI.

use std::f64::consts::{PI, SQRT_2};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::OptimizerError;

/// Acquisition function used to choose model proposals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AcquisitionKind {
    /// Expected improvement.
    Ei,
    /// Probability of improvement.
    Pi,
    /// Lower confidence bound.
    Lcb,
    /// Logarithm of the expected improvement, finite where EI underflows.
    LogEi,
    /// Portfolio of EI, PI and LCB, chosen by a softmax over their gains.
    GpHedge,
}

impl FromStr for AcquisitionKind {
    type Err = OptimizerError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ei" | "EI" => Ok(Self::Ei),
            "pi" | "PI" => Ok(Self::Pi),
            "lcb" | "LCB" => Ok(Self::Lcb),
            "log_ei" | "logei" | "log-ei" => Ok(Self::LogEi),
            "gp_hedge" | "gp-hedge" => Ok(Self::GpHedge),
            _ => Err(OptimizerError::UnknownName {
                kind: "acquisition function",
                value: s.to_string(),
                expected: "ei, pi, lcb, log_ei, gp_hedge",
            }),
        }
    }
}

/// A single acquisition function (the members of the gp_hedge portfolio).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Acquisition {
    /// Expected improvement with exploration margin `xi`.
    Ei { xi: f64 },
    /// Probability of improvement with exploration margin `xi`.
    Pi { xi: f64 },
    /// Lower confidence bound with weight `kappa` on the standard deviation.
    Lcb { kappa: f64 },
    /// Log expected improvement with exploration margin `xi`.
    LogEi { xi: f64 },
}

impl Acquisition {
    /// Value to minimize at posterior mean `mean` and standard deviation
    /// `std`, given the best observed target `y_best`.
    pub fn cost(self, mean: f64, std: f64, y_best: f64) -> f64 {
        match self {
            Self::Ei { xi } => -expected_improvement(mean, std, y_best, xi),
            Self::Pi { xi } => -probability_of_improvement(mean, std, y_best, xi),
            Self::Lcb { kappa } => lower_confidence_bound(mean, std, kappa),
            Self::LogEi { xi } => -log_expected_improvement(mean, std, y_best, xi),
        }
    }

    /// Short name for logs.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ei { .. } => "ei",
            Self::Pi { .. } => "pi",
            Self::Lcb { .. } => "lcb",
            Self::LogEi { .. } => "log_ei",
        }
    }
}

/// Smallest standard deviation used, so a point on the data has a finite z.
const MIN_STD: f64 = 1e-12;

/// Standard normal density.
pub fn normal_pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * PI).sqrt()
}

/// Standard normal distribution function, accurate in the lower tail.
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z / SQRT_2)
}

/// Expected improvement below `y_best - xi`.
pub fn expected_improvement(mean: f64, std: f64, y_best: f64, xi: f64) -> f64 {
    let std = std.max(MIN_STD);
    let z = (y_best - mean - xi) / std;
    std * (z * normal_cdf(z) + normal_pdf(z))
}

/// Probability of improving on `y_best - xi`.
pub fn probability_of_improvement(mean: f64, std: f64, y_best: f64, xi: f64) -> f64 {
    normal_cdf((y_best - mean - xi) / std.max(MIN_STD))
}

/// Lower confidence bound `mean - kappa * std`.
pub fn lower_confidence_bound(mean: f64, std: f64, kappa: f64) -> f64 {
    mean - kappa * std
}

/// ln EI, computed as ln σ + ln h(z) with h(z) = z Φ(z) + φ(z), finite for
/// every finite z.
pub fn log_expected_improvement(mean: f64, std: f64, y_best: f64, xi: f64) -> f64 {
    let std = std.max(MIN_STD);
    let z = (y_best - mean - xi) / std;
    std.ln() + log_h(z)
}

/// ln(z Φ(z) + φ(z)). For z > -1 the sum is computed directly. Below,
/// h(z) = φ(z) (1 - t R(t)) with t = -z and the Mills ratio R(t) =
/// Φ(-t)/φ(t) = √(π/2) erfcx(t/√2), which avoids the underflow of Φ and φ.
/// Past t = 30 the asymptotic series 1 - t R(t) = t⁻² - 3t⁻⁴ + 15t⁻⁶ -
/// 105t⁻⁸ replaces the cancelling difference (relative error below 1e-9).
fn log_h(z: f64) -> f64 {
    if z > -1.0 {
        return (z * normal_cdf(z) + normal_pdf(z)).ln();
    }
    let t = -z;
    let log_pdf = -0.5 * t * t - 0.5 * (2.0 * PI).ln();
    let one_minus_t_ratio = if t < 30.0 {
        let x = t / SQRT_2;
        // erfc(x) e^(x²) stays representable because x < 21.3.
        let mills = (PI / 2.0).sqrt() * libm::erfc(x) * (x * x).exp();
        1.0 - t * mills
    } else {
        let u = 1.0 / (t * t);
        u * (1.0 - 3.0 * u + 15.0 * u * u - 105.0 * u * u * u)
    };
    log_pdf + one_minus_t_ratio.ln()
}
