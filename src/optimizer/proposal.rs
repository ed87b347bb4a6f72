//! Acquisition optimization over the mixed space. Sobol candidates (or
//! every point of a small finite space) are scored, and the best few are
//! refined with L-BFGS on the continuous relaxation of the encoded cube.
//! The refined points are decoded, and the best point that is neither
//! evaluated nor pending wins.

use std::collections::HashSet;

use std::cell::RefCell;
use std::rc::Rc;

use argmin::core::{CostFunction, Executor, Gradient};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use log::info;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::acquisition::Acquisition;
use super::error::OptimizerError;
use super::gp_fit::Tracker;
use super::sampling::sobol_points;
use super::space::Space;
use super::surrogate::FittedSurrogate;
use super::value::{Point, PointKey, format_point};

/// L-BFGS iterations per refined candidate.
const REFINE_MAX_ITERS: u64 = 25;
/// Step of the central finite differences of the acquisition, in
/// unit-cube units.
const GRADIENT_STEP: f64 = 1e-6;
/// Acquisition evaluations per refinement, line searches and finite
/// differences included.
const REFINE_MAX_EVALUATIONS: usize = 400;
/// Random draws tried when every Sobol candidate is excluded.
const FALLBACK_DRAWS: usize = 1000;

/// A candidate point with its encoding.
#[derive(Clone, Debug)]
pub(crate) struct Candidate {
    pub point: Point,
    pub features: Vec<f64>,
}

/// A chosen point with its acquisition value (lower is better).
#[derive(Clone, Debug)]
pub(crate) struct Proposal {
    pub point: Point,
    pub features: Vec<f64>,
    pub acquisition_value: f64,
}

/// Generates the candidate set: every unexcluded point of a finite space with at
/// most `n_candidates` points (`exhaustive` is then true), otherwise up to
/// `n_candidates` shifted Sobol points minus the excluded ones.
pub(crate) fn generate_candidates(
    space: &Space,
    n_candidates: usize,
    excluded: &HashSet<PointKey>,
    rng: &mut ChaCha8Rng,
) -> Result<(Vec<Candidate>, bool), OptimizerError> {
    let to_candidate = |point: Point| Candidate { features: space.transform(&point), point };

    if let Some(all) = space.enumerate(n_candidates as u128) {
        let cardinality = all.len() as u128;
        let remaining: Vec<Candidate> =
            all.into_iter().filter(|p| !excluded.contains(&space.key(p))).map(to_candidate).collect();
        if remaining.is_empty() {
            return Err(OptimizerError::SpaceExhausted { cardinality });
        }
        return Ok((remaining, true));
    }

    let mut seen = HashSet::new();
    let mut candidates = Vec::with_capacity(n_candidates);
    for unit in sobol_points(n_candidates, space.len(), rng) {
        let point = space.sample(&unit);
        let key = space.key(&point);
        if !excluded.contains(&key) && seen.insert(key) {
            candidates.push(to_candidate(point));
        }
    }
    if candidates.is_empty() {
        if let Some(point) = draw_unexcluded(space, excluded, rng) {
            candidates.push(to_candidate(point));
        } else if let Some(cardinality) = space.cardinality().filter(|c| *c <= excluded.len() as u128) {
            return Err(OptimizerError::SpaceExhausted { cardinality });
        } else {
            return Err(OptimizerError::NoCandidate { tried: n_candidates + FALLBACK_DRAWS });
        }
    }
    Ok((candidates, false))
}

/// Draws a uniformly random point outside `excluded`, if one is found within
/// [`FALLBACK_DRAWS`] draws.
pub(crate) fn draw_unexcluded(space: &Space, excluded: &HashSet<PointKey>, rng: &mut ChaCha8Rng) -> Option<Point> {
    (0..FALLBACK_DRAWS).find_map(|_| {
        let unit: Vec<f64> = (0..space.len()).map(|_| rng.random::<f64>()).collect();
        let point = space.sample(&unit);
        (!excluded.contains(&space.key(&point))).then_some(point)
    })
}

/// Scores candidates with predictions `(mean, std)` in normalized units,
/// refines the best `n_refine` (unless the set is exhaustive or the
/// surrogate is not smooth) and returns the best unexcluded point.
#[allow(clippy::too_many_arguments)]
pub(crate) fn optimize_acquisition(
    space: &Space,
    surrogate: &FittedSurrogate,
    acquisition: Acquisition,
    y_best: f64,
    candidates: &[Candidate],
    predictions: &(Vec<f64>, Vec<f64>),
    n_refine: usize,
    refine: bool,
    excluded: &HashSet<PointKey>,
) -> Proposal {
    let (mean, std) = predictions;
    let mut scored: Vec<(f64, usize)> =
        (0..candidates.len()).map(|i| (acquisition.cost(mean[i], std[i], y_best), i)).collect();
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut best = Proposal {
        point: candidates[scored[0].1].point.clone(),
        features: candidates[scored[0].1].features.clone(),
        acquisition_value: scored[0].0,
    };
    if !refine || !surrogate.is_smooth() {
        return best;
    }

    let mut problem = AcquisitionProblem { surrogate, acquisition, y_best, tracker: Tracker::new(0.0, Vec::new()) };
    for &(_, index) in scored.iter().take(n_refine) {
        let refined = problem.refine(candidates[index].features.clone(), scored_cost(&scored, index));
        let point = space.inverse_transform(&refined);
        let features = space.transform(&point);
        let cost = problem.cost_at(&features);
        if cost >= best.acquisition_value {
            continue;
        }
        if excluded.contains(&space.key(&point)) {
            info!(
                "refined acquisition optimum {} is already evaluated or pending; proposing the best unevaluated candidate",
                format_point(&point)
            );
            continue;
        }
        best = Proposal { point, features, acquisition_value: cost };
    }
    best
}

/// The acquisition as a function of an encoded point, for L-BFGS.
#[derive(Clone)]
struct AcquisitionProblem<'a> {
    surrogate: &'a FittedSurrogate,
    acquisition: Acquisition,
    y_best: f64,
    /// Best point seen, shared with the clone that argmin owns.
    tracker: Rc<RefCell<Tracker>>,
}

fn scored_cost(scored: &[(f64, usize)], index: usize) -> f64 {
    scored.iter().find(|(_, i)| *i == index).map(|(c, _)| *c).unwrap_or(f64::INFINITY)
}

impl AcquisitionProblem<'_> {
    /// Acquisition at `x` clamped to the unit cube.
    /// Acquisition at `x` clamped to the unit cube; +inf for a NaN input.
    fn cost_at(&self, x: &[f64]) -> f64 {
        if x.iter().any(|v| v.is_nan()) {
            return f64::INFINITY;
        }
        let clamped: Vec<f64> = x.iter().map(|v| v.clamp(0.0, 1.0)).collect();
        let (mean, std) = self.surrogate.predict_normalized(&[clamped]);
        let cost = self.acquisition.cost(mean[0], std[0], self.y_best);
        if cost.is_nan() { f64::INFINITY } else { cost }
    }

    /// Runs L-BFGS from `x0` (acquisition `cost0`) and returns the best
    /// point seen, clamped to the cube.
    fn refine(&mut self, x0: Vec<f64>, cost0: f64) -> Vec<f64> {
        self.tracker = Tracker::new(cost0, x0.clone());
        if let Ok(solver) = LBFGS::new(MoreThuenteLineSearch::new(), 5).with_tolerance_grad(1e-8) {
            let run = Executor::new(self.clone(), solver)
                .configure(|state| state.param(x0).max_iters(REFINE_MAX_ITERS))
                .run();
            if let Err(error) = run {
                log::debug!("acquisition L-BFGS stopped: {error}");
            }
        }
        self.tracker.borrow().best.iter().map(|v| v.clamp(0.0, 1.0)).collect()
    }
}

impl CostFunction for AcquisitionProblem<'_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, x: &Self::Param) -> Result<f64, argmin::core::Error> {
        let cost = self.cost_at(x);
        self.tracker.borrow_mut().record(cost, x, REFINE_MAX_EVALUATIONS)?;
        Ok(cost)
    }
}

impl Gradient for AcquisitionProblem<'_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;

    /// Central finite differences; outside the cube the clamp makes the
    /// gradient zero, which stops the search at the boundary.
    fn gradient(&self, x: &Self::Param) -> Result<Vec<f64>, argmin::core::Error> {
        let mut shifted = x.clone();
        let gradient = (0..x.len())
            .map(|i| {
                shifted[i] = x[i] + GRADIENT_STEP;
                let up = self.cost_at(&shifted);
                shifted[i] = x[i] - GRADIENT_STEP;
                let down = self.cost_at(&shifted);
                shifted[i] = x[i];
                (up - down) / (2.0 * GRADIENT_STEP)
            })
            .collect();
        Ok(gradient)
    }
}
