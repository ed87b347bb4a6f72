//! Hyper-parameter fit of the Gaussian process: maximize the log marginal
//! likelihood with argmin's L-BFGS from several starts.
//!
//! Bounds are enforced by a reparameterization: each log-space parameter is
//! `low + (high - low) * sigmoid(z)` and L-BFGS runs on the unbounded z.

use std::cell::RefCell;
use std::rc::Rc;

use argmin::core::{CostFunction, Executor, Gradient};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use log::debug;
use nalgebra::DVector;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::error::OptimizerError;
use super::gp::{GaussianProcess, log_marginal_likelihood, prior_normalization};

/// Bounds of the amplitude in normalized target variance units. The prior
/// mean is the worst observed value, so the amplitude also has to cover the
/// offset of the targets below it. On Branin with 30 calls an upper bound of
/// 20 stopped 31 of 104 fits at the bound. 1000 is scikit-optimize's bound.
pub const AMPLITUDE_BOUNDS: (f64, f64) = (0.05, 1000.0);
/// Bounds of each length scale in unit-cube units. With longer scales
/// (scikit-optimize allows 100) a fit can treat a dimension as irrelevant,
/// so EI, flat along it, drives it to a face of the cube and the search stays
/// in the first basin it found. The upper bound 1 instead of 2 cut the
/// Hartmann-6 regret at 50 calls from 0.077 to 0.046 (BENCHMARKS.md).
pub const LENGTH_SCALE_BOUNDS: (f64, f64) = (0.01, 1.0);
/// Bounds of the noise variance in normalized target units.
pub const NOISE_BOUNDS: (f64, f64) = (1e-6, 1.0);
/// L-BFGS iterations per start.
const MAX_ITERS: u64 = 60;
/// Likelihood evaluations per start, line searches included. The More-Thuente
/// line search has no iteration limit of its own, so this bounds the run.
const MAX_EVALUATIONS: usize = 400;

/// Settings of a hyper-parameter fit.
#[derive(Clone, Debug, Default)]
pub struct GpFitSettings {
    /// Random starts in addition to the default start and the warm start.
    pub n_restarts: usize,
    /// Lowest length scale of each feature. Features past the end of the
    /// list use the lower bound of [`LENGTH_SCALE_BOUNDS`], so an empty list
    /// means no floors.
    pub length_scale_floors: Vec<f64>,
}

/// Per-feature length-scale floors for a space: an integer dimension's is
/// the width of one integer's cell of the unit cube, so that neighbouring
/// integers stay correlated. Below that width the fit can treat each
/// integer as unrelated to the next one. With the sample mean as prior
/// mean, a search on 1 to 5 layers fitted the layer length scale at its
/// lower bound of 0.01 after 9 trials. Real and categorical features keep the
/// common lower bound.
pub fn length_scale_floors(space: &super::Space) -> Vec<f64> {
    let mut floors = Vec::with_capacity(space.n_features());
    for dimension in space.dimensions() {
        let floor = match &dimension.kind {
            super::DimensionKind::Integer { low, high } => 1.0 / (*high as f64 - *low as f64 + 1.0),
            _ => LENGTH_SCALE_BOUNDS.0,
        };
        floors.extend(std::iter::repeat_n(floor.max(LENGTH_SCALE_BOUNDS.0), dimension.n_features()));
    }
    floors
}

/// Log-space lower and upper bounds for `n_features` features, with the
/// length-scale floors of [`GpFitSettings::length_scale_floors`].
pub fn theta_bounds(n_features: usize, length_scale_floors: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let mut low = vec![AMPLITUDE_BOUNDS.0.ln()];
    let mut high = vec![AMPLITUDE_BOUNDS.1.ln()];
    low.extend((0..n_features).map(|i| length_scale_floors.get(i).copied().unwrap_or(LENGTH_SCALE_BOUNDS.0).ln()));
    high.extend(std::iter::repeat_n(LENGTH_SCALE_BOUNDS.1.ln(), n_features));
    low.push(NOISE_BOUNDS.0.ln());
    high.push(NOISE_BOUNDS.1.ln());
    (low, high)
}

/// Returns the default start: amplitude 1, length scales 0.5, noise 1e-3.
pub fn default_theta(n_features: usize) -> Vec<f64> {
    let mut theta = vec![0.0];
    theta.extend(std::iter::repeat_n(0.5f64.ln(), n_features));
    theta.push(1e-3f64.ln());
    theta
}

/// Negative log marginal likelihood over the unbounded parameters z.
#[derive(Clone)]
struct NegativeLml<'a> {
    x: &'a [Vec<f64>],
    y: &'a DVector<f64>,
    low: &'a [f64],
    high: &'a [f64],
    /// Best (cost, z) seen and the number of evaluations, shared by the
    /// clone that argmin owns.
    tracker: Rc<RefCell<Tracker>>,
}

/// Best point seen by a local optimization and its evaluation count.
#[derive(Debug)]
pub(crate) struct Tracker {
    pub best_cost: f64,
    pub best: Vec<f64>,
    pub evaluations: usize,
}

impl Tracker {
    pub(crate) fn new(cost: f64, x: Vec<f64>) -> Rc<RefCell<Self>> {
        Rc::new(RefCell::new(Self { best_cost: cost, best: x, evaluations: 0 }))
    }

    /// Records an evaluation; an error once `max_evaluations` are spent.
    pub(crate) fn record(&mut self, cost: f64, x: &[f64], max_evaluations: usize) -> Result<(), argmin::core::Error> {
        self.evaluations += 1;
        if cost < self.best_cost {
            self.best_cost = cost;
            self.best = x.to_vec();
        }
        if self.evaluations > max_evaluations {
            return Err(argmin::core::Error::msg("evaluation budget of the local optimization spent"));
        }
        Ok(())
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl NegativeLml<'_> {
    fn theta(&self, z: &[f64]) -> Vec<f64> {
        z.iter().zip(self.low.iter().zip(self.high)).map(|(z, (lo, hi))| lo + (hi - lo) * sigmoid(*z)).collect()
    }

    fn z(&self, theta: &[f64]) -> Vec<f64> {
        theta
            .iter()
            .zip(self.low.iter().zip(self.high))
            .map(|(t, (lo, hi))| {
                let p = ((t - lo) / (hi - lo)).clamp(1e-6, 1.0 - 1e-6);
                (p / (1.0 - p)).ln()
            })
            .collect()
    }

    fn evaluate(&self, z: &[f64]) -> Option<(f64, Vec<f64>)> {
        if !z.iter().all(|v| v.is_finite()) {
            return None;
        }
        let theta = self.theta(z);
        let (lml, gradient) = log_marginal_likelihood(self.x, self.y, &theta)?;
        if !lml.is_finite() || !gradient.iter().all(|g| g.is_finite()) {
            return None;
        }
        let gradient_z = gradient
            .iter()
            .zip(z)
            .zip(self.low.iter().zip(self.high))
            .map(|((g, z), (lo, hi))| {
                let s = sigmoid(*z);
                -g * (hi - lo) * s * (1.0 - s)
            })
            .collect();
        Some((-lml, gradient_z))
    }
}

/// Cost returned where the covariance is not positive definite, so the line
/// search backs off instead of failing.
const INFEASIBLE_COST: f64 = 1e300;

impl CostFunction for NegativeLml<'_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, z: &Self::Param) -> Result<f64, argmin::core::Error> {
        let cost = self.evaluate(z).map(|(cost, _)| cost).unwrap_or(INFEASIBLE_COST);
        self.tracker.borrow_mut().record(cost, z, MAX_EVALUATIONS)?;
        Ok(cost)
    }
}

impl Gradient for NegativeLml<'_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;

    fn gradient(&self, z: &Self::Param) -> Result<Vec<f64>, argmin::core::Error> {
        Ok(self.evaluate(z).map(|(_, g)| g).unwrap_or_else(|| vec![0.0; z.len()]))
    }
}

/// Fits the hyper-parameters by maximizing the log marginal likelihood
/// from the default start, `warm_start` (the previous fit) and
/// `n_restarts` uniform random starts inside the bounds, and returns the
/// best posterior.
pub fn fit_gp(
    x: Vec<Vec<f64>>,
    y: &[f64],
    warm_start: Option<&[f64]>,
    settings: &GpFitSettings,
    rng: &mut ChaCha8Rng,
) -> Result<GaussianProcess, OptimizerError> {
    let n_features = x.first().map(Vec::len).unwrap_or(0);
    let (y_mean, y_std) = prior_normalization(y);
    let y_normalized = DVector::from_iterator(y.len(), y.iter().map(|v| (v - y_mean) / y_std));
    let (low, high) = theta_bounds(n_features, &settings.length_scale_floors);
    let mut problem = NegativeLml { x: &x, y: &y_normalized, low: &low, high: &high, tracker: Tracker::new(0.0, Vec::new()) };

    let mut starts = vec![default_theta(n_features)];
    if let Some(theta) = warm_start.filter(|t| t.len() == n_features + 2) {
        starts.push(theta.to_vec());
    }
    for _ in 0..settings.n_restarts {
        starts.push(low.iter().zip(&high).map(|(lo, hi)| rng.random_range(*lo..*hi)).collect());
    }

    let mut best: Option<(f64, Vec<f64>)> = None;
    for start in starts {
        let z0 = problem.z(&start);
        let Some((cost0, _)) = problem.evaluate(&z0) else { continue };
        problem.tracker = Tracker::new(cost0, z0.clone());
        run_lbfgs(&problem, z0);
        let (cost, z) = {
            let tracker = problem.tracker.borrow();
            (tracker.best_cost, tracker.best.clone())
        };
        if best.as_ref().is_none_or(|(c, _)| cost < *c) {
            best = Some((cost, z));
        }
    }
    let (cost, z) = best.ok_or_else(|| OptimizerError::FitFailed {
        reason: "covariance is not positive definite at any start; check for non-finite values".to_string(),
    })?;
    let theta = problem.theta(&z);
    debug!("GP fit: -LML {cost:.4}, theta {theta:.3?}");

    GaussianProcess::with_normalization(x, &y_normalized, theta, y_mean, y_std).ok_or_else(|| {
        OptimizerError::FitFailed { reason: "covariance is not positive definite at the fitted hyper-parameters".into() }
    })
}

/// Runs L-BFGS from `z0`; the problem's tracker keeps the best point, also
/// when the run stops on its evaluation budget.
fn run_lbfgs(problem: &NegativeLml<'_>, z0: Vec<f64>) {
    let linesearch = MoreThuenteLineSearch::new();
    let solver = LBFGS::new(linesearch, 7).with_tolerance_grad(1e-5).and_then(|s| s.with_tolerance_cost(1e-9));
    if let Ok(solver) = solver {
        let run = Executor::new(problem.clone(), solver).configure(|state| state.param(z0).max_iters(MAX_ITERS)).run();
        if let Err(error) = run {
            debug!("hyper-parameter L-BFGS stopped: {error}");
        }
    }
}
