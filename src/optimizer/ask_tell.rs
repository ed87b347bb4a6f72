//! The ask/tell optimizer: x0 first, then the initial design, then model
//! proposals; every asked point stays pending until told.

use std::collections::{HashSet, VecDeque};

use log::{info, warn};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::config::OptimizerConfig;
use super::error::OptimizerError;
use super::model::ModelState;
use super::proposal::draw_unexcluded;
use super::result::{Evaluation, OptimizeResult, Origin, StopReason};
use super::space::Space;
use super::surrogate::SurrogateKind;
use super::value::{Point, PointKey, Value, format_point};

/// A point that was asked and not yet told.
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    pub key: PointKey,
    pub features: Vec<f64>,
    pub origin: Origin,
    pub acquisition_value: Option<f64>,
}

/// Sequential model-based optimizer with an ask/tell interface.
///
/// Random choices come from ChaCha8 streams derived from the seed and the
/// number of evaluations and pending points, so equal inputs give equal
/// proposals on every platform.
#[derive(Clone, Debug)]
pub struct Optimizer {
    pub(crate) space: Space,
    pub(crate) config: OptimizerConfig,
    pub(crate) evaluations: Vec<Evaluation>,
    /// Encoded points of `evaluations`.
    pub(crate) encoded: Vec<Vec<f64>>,
    pub(crate) evaluated: HashSet<PointKey>,
    pub(crate) pending: Vec<Pending>,
    x0_queue: VecDeque<Point>,
    initial_design: Vec<Point>,
    /// Initial-design points asked so far.
    n_initial_used: usize,
    pub(crate) model: ModelState,
}

impl Optimizer {
    /// Creates an optimizer, records x0 with y0 when y0 is given, and
    /// otherwise queues x0 for evaluation.
    pub fn new(space: Space, config: OptimizerConfig) -> Result<Self, OptimizerError> {
        config.validate()?;
        let x0: Vec<Point> = config.x0.iter().map(|p| space.check_point(p)).collect::<Result<_, _>>()?;

        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let initial_design = config
            .initial_design
            .generate(config.n_initial_points, space.len(), &mut rng)
            .iter()
            .map(|unit| space.sample(unit))
            .collect();

        let mut optimizer = Self {
            model: ModelState::default(),
            evaluations: Vec::new(),
            encoded: Vec::new(),
            evaluated: HashSet::new(),
            pending: Vec::new(),
            x0_queue: VecDeque::new(),
            initial_design,
            n_initial_used: 0,
            space,
            config,
        };
        if optimizer.config.y0.is_empty() {
            optimizer.x0_queue = x0.into();
        } else {
            let y0 = optimizer.config.y0.clone();
            for (point, value) in x0.into_iter().zip(y0) {
                optimizer.record(point, value, Origin::X0, None)?;
            }
        }
        Ok(optimizer)
    }

    /// Rebuilds an optimizer from recorded evaluations, to resume a search.
    /// Initial-design records advance the design, x0 records remove their
    /// point from the x0 queue. Give `config.y0` empty: recorded x0 values
    /// come from `records`.
    ///
    /// NOTE: the GP warm start and the gp_hedge gains are not stored in the
    /// records, so a resumed run can propose other points than an
    /// uninterrupted run with the same seed.
    pub fn from_records(space: Space, config: OptimizerConfig, records: &[Evaluation]) -> Result<Self, OptimizerError> {
        let mut optimizer = Self::new(space, config)?;
        for record in records {
            let point = optimizer.space.check_point(&record.point)?;
            if record.origin == Origin::Initial {
                optimizer.n_initial_used = (optimizer.n_initial_used + 1).min(optimizer.initial_design.len());
            }
            optimizer.record(point, record.value, record.origin, record.acquisition_value)?;
        }
        Ok(optimizer)
    }

    /// Returns the search space.
    pub fn space(&self) -> &Space {
        &self.space
    }

    /// Returns the settings.
    pub fn config(&self) -> &OptimizerConfig {
        &self.config
    }

    /// Returns the evaluations told so far, in order.
    pub fn evaluations(&self) -> &[Evaluation] {
        &self.evaluations
    }

    /// Returns the number of x0 points still to evaluate.
    pub fn x0_remaining(&self) -> usize {
        self.x0_queue.len()
    }

    /// Proposes the next point to evaluate. It stays pending until told.
    pub fn ask(&mut self) -> Result<Point, OptimizerError> {
        self.propose_next()
    }

    /// Proposes `n` distinct points for parallel evaluation. Model proposals
    /// after the first assume the configured liar values at pending points,
    /// so the batch spreads out. Returns fewer points when a finite space
    /// runs out after at least one point.
    pub fn ask_batch(&mut self, n: usize) -> Result<Vec<Point>, OptimizerError> {
        let mut points = Vec::with_capacity(n);
        for _ in 0..n {
            match self.propose_next() {
                Ok(point) => points.push(point),
                Err(error @ OptimizerError::SpaceExhausted { .. }) if !points.is_empty() => {
                    info!("batch cut to {} points: {error}", points.len());
                    break;
                }
                Err(error) => return Err(error),
            }
        }
        Ok(points)
    }

    /// Records the objective value of a point. A pending point keeps its
    /// origin; any other point is recorded as supplied by the caller.
    pub fn tell(&mut self, point: &[Value], value: f64) -> Result<(), OptimizerError> {
        let point = self.space.check_point(point)?;
        let key = self.space.key(&point);
        let (origin, acquisition_value) = match self.pending.iter().position(|p| p.key == key) {
            Some(index) => {
                let pending = self.pending.remove(index);
                (pending.origin, pending.acquisition_value)
            }
            None => {
                if let Some(index) = self.x0_queue.iter().position(|p| self.space.key(p) == key) {
                    self.x0_queue.remove(index);
                }
                (Origin::X0, None)
            }
        };
        self.record(point, value, origin, acquisition_value)
    }

    /// Records several results at once.
    pub fn tell_many(&mut self, points: &[Point], values: &[f64]) -> Result<(), OptimizerError> {
        if points.len() != values.len() {
            return Err(OptimizerError::LengthMismatch { points: points.len(), values: values.len() });
        }
        for (point, value) in points.iter().zip(values) {
            self.tell(point, *value)?;
        }
        Ok(())
    }

    /// Builds the result so far, with the surrogate fitted to every evaluation
    /// (`None` for random search).
    pub fn result(&mut self) -> Result<OptimizeResult, OptimizerError> {
        self.result_with(None)
    }

    pub(crate) fn result_with(&mut self, stop_reason: Option<StopReason>) -> Result<OptimizeResult, OptimizerError> {
        let mut best_index = 0;
        for (i, evaluation) in self.evaluations.iter().enumerate() {
            if evaluation.value < self.evaluations[best_index].value {
                best_index = i;
            }
        }
        let best = self.evaluations.get(best_index).ok_or(OptimizerError::NoEvaluations)?.clone();
        let surrogate = match self.config.surrogate {
            SurrogateKind::Random => None,
            _ => Some(self.fitted_surrogate()?.clone()),
        };
        Ok(OptimizeResult {
            space: self.space.clone(),
            evaluations: self.evaluations.clone(),
            best_index,
            best_point: best.point,
            best_value: best.value,
            surrogate,
            stop_reason,
        })
    }

    /// Creates a ChaCha8 stream for the current state, so every proposal draws
    /// fresh numbers that depend only on the seed and the history length.
    pub(crate) fn rng(&self, purpose: u64) -> ChaCha8Rng {
        let mut rng = ChaCha8Rng::seed_from_u64(self.config.seed);
        let step = (self.evaluations.len() + self.pending.len()) as u64;
        rng.set_stream(step * 8 + purpose);
        rng
    }

    fn excluded(&self) -> HashSet<PointKey> {
        let mut excluded = self.evaluated.clone();
        excluded.extend(self.pending.iter().map(|p| p.key.clone()));
        excluded
    }

    fn propose_next(&mut self) -> Result<Point, OptimizerError> {
        let excluded = self.excluded();
        if let Some(cardinality) = self.space.cardinality().filter(|c| *c <= excluded.len() as u128) {
            return Err(OptimizerError::SpaceExhausted { cardinality });
        }

        while let Some(point) = self.x0_queue.pop_front() {
            if !excluded.contains(&self.space.key(&point)) {
                return Ok(self.add_pending(point, Origin::X0, None));
            }
        }

        let use_design = self.n_initial_used < self.initial_design.len();
        if use_design || self.config.surrogate == SurrogateKind::Random || self.evaluations.is_empty() {
            let mut point = None;
            if use_design {
                let candidate = self.initial_design[self.n_initial_used].clone();
                self.n_initial_used += 1;
                point = Some(candidate).filter(|p| !excluded.contains(&self.space.key(p)));
            }
            let point = match point {
                Some(point) => point,
                None => draw_unexcluded(&self.space, &excluded, &mut self.rng(0))
                    .ok_or(OptimizerError::NoCandidate { tried: 1000 })?,
            };
            return Ok(self.add_pending(point, Origin::Initial, None));
        }

        let proposal = self.propose_with_model(&excluded)?;
        Ok(self.add_pending(proposal.point, Origin::Model, Some(proposal.acquisition_value)))
    }

    fn add_pending(&mut self, point: Point, origin: Origin, acquisition_value: Option<f64>) -> Point {
        let number = self.evaluations.len() + self.pending.len() + 1;
        match acquisition_value {
            Some(value) => info!("proposal {number} ({origin:?}): {} acquisition {value:.6}", format_point(&point)),
            None => info!("proposal {number} ({origin:?}): {}", format_point(&point)),
        }
        let key = self.space.key(&point);
        let features = self.space.transform(&point);
        self.pending.push(Pending { key, features, origin, acquisition_value });
        point
    }

    fn record(&mut self, point: Point, value: f64, origin: Origin, acquisition_value: Option<f64>) -> Result<(), OptimizerError> {
        if !value.is_finite() {
            return Err(OptimizerError::NonFiniteValue { value });
        }
        let key = self.space.key(&point);
        if !self.evaluated.insert(key) {
            warn!("point {} was already evaluated; recording the repeat", format_point(&point));
        }
        self.encoded.push(self.space.transform(&point));
        self.evaluations.push(Evaluation { point, value, origin, acquisition_value });
        Ok(())
    }
}
