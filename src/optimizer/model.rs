//! Model proposals: fit the surrogate, add liar values for pending points,
//! choose the acquisition (gp_hedge included) and optimize it.

use std::collections::HashSet;

use log::debug;
use rand::Rng;

use super::acquisition::{Acquisition, AcquisitionKind};
use super::config::Liar;
use super::error::OptimizerError;
use super::forest::{ExtraTrees, ForestSettings};
use super::gp::{GaussianProcess, normalization};
use super::gp_fit::{GpFitSettings, fit_gp, length_scale_floors};
use super::ask_tell::Optimizer;
use super::proposal::{Proposal, generate_candidates, optimize_acquisition};
use super::surrogate::{FittedForest, FittedSurrogate, SurrogateKind};
use super::value::PointKey;

/// Softmax temperature of the gp_hedge portfolio (scikit-optimize's eta).
const HEDGE_ETA: f64 = 1.0;
/// Minimum samples per leaf of the forest (scikit-optimize's value).
const FOREST_MIN_SAMPLES_LEAF: usize = 3;

/// Surrogate cache and gp_hedge bookkeeping.
#[derive(Clone, Debug, Default)]
pub(crate) struct ModelState {
    surrogate: Option<FittedSurrogate>,
    /// Number of evaluations the cached surrogate was fitted on.
    fitted_on: usize,
    /// Hyper-parameters of the last GP fit, the warm start of the next.
    gp_theta: Option<Vec<f64>>,
    /// Accumulated gains of EI, PI and LCB.
    hedge_gains: [f64; 3],
    /// Encoded proposals of EI, PI and LCB at the last hedge step.
    hedge_last: Option<Vec<Vec<f64>>>,
}

impl Optimizer {
    /// The surrogate fitted to every evaluation, refitted when evaluations
    /// were added since the last fit.
    pub(crate) fn fitted_surrogate(&mut self) -> Result<&FittedSurrogate, OptimizerError> {
        if self.model.surrogate.is_none() || self.model.fitted_on != self.evaluations.len() {
            let values: Vec<f64> = self.evaluations.iter().map(|e| e.value).collect();
            let surrogate = self.fit(self.encoded.clone(), &values)?;
            if let FittedSurrogate::Gp(gp) = &surrogate {
                self.model.gp_theta = Some(gp.theta().to_vec());
            }
            self.update_hedge_gains(&surrogate);
            self.model.surrogate = Some(surrogate);
            self.model.fitted_on = self.evaluations.len();
        }
        Ok(self.model.surrogate.as_ref().expect("surrogate fitted above"))
    }

    fn fit(&self, x: Vec<Vec<f64>>, y: &[f64]) -> Result<FittedSurrogate, OptimizerError> {
        let mut rng = self.rng(1);
        match self.config.surrogate {
            SurrogateKind::Gp => {
                let settings = GpFitSettings {
                    n_restarts: self.config.gp_restarts,
                    length_scale_floors: length_scale_floors(&self.space),
                };
                let gp = fit_gp(x, y, self.model.gp_theta.as_deref(), &settings, &mut rng)?;
                Ok(FittedSurrogate::Gp(gp))
            }
            SurrogateKind::Forest => {
                let (y_mean, y_std) = normalization(y);
                let y_normalized: Vec<f64> = y.iter().map(|v| (v - y_mean) / y_std).collect();
                let settings = ForestSettings { n_trees: self.config.n_trees, min_samples_leaf: FOREST_MIN_SAMPLES_LEAF };
                let trees = ExtraTrees::fit(&x, &y_normalized, &settings, &mut rng);
                Ok(FittedSurrogate::Forest(FittedForest { trees, y_mean, y_std }))
            }
            SurrogateKind::Random => unreachable!("random search proposes without a model"),
        }
    }

    /// gp_hedge: each member gains minus the new model's normalized mean at
    /// the point it proposed last time.
    fn update_hedge_gains(&mut self, surrogate: &FittedSurrogate) {
        if let Some(last) = self.model.hedge_last.take() {
            let (mean, _) = surrogate.predict_normalized(&last);
            for (gain, m) in self.model.hedge_gains.iter_mut().zip(mean) {
                *gain -= m;
            }
            debug!("gp_hedge gains {:?}", self.model.hedge_gains);
        }
    }

    /// The surrogate for the next proposal: the fitted one, or with pending
    /// points it plus liar values at those points (same GP hyper-parameters).
    fn surrogate_with_lies(&mut self) -> Result<(FittedSurrogate, f64), OptimizerError> {
        let base = self.fitted_surrogate()?.clone();
        let mut y: Vec<f64> = self.evaluations.iter().map(|e| e.value).collect();
        if self.pending.is_empty() {
            let y_best = y.iter().copied().fold(f64::INFINITY, f64::min);
            return Ok((base, y_best));
        }

        let pending_features: Vec<Vec<f64>> = self.pending.iter().map(|p| p.features.clone()).collect();
        let lies: Vec<f64> = match self.config.liar {
            Liar::ClMin => vec![y.iter().copied().fold(f64::INFINITY, f64::min); pending_features.len()],
            Liar::ClMax => vec![y.iter().copied().fold(f64::NEG_INFINITY, f64::max); pending_features.len()],
            Liar::ClMean => vec![y.iter().sum::<f64>() / y.len() as f64; pending_features.len()],
            Liar::KrigingBeliever => super::surrogate::Surrogate::predict(&base, &pending_features).0,
        };
        let mut x = self.encoded.clone();
        x.extend(pending_features);
        y.extend(lies);
        let y_best = y.iter().copied().fold(f64::INFINITY, f64::min);

        let surrogate = match &base {
            FittedSurrogate::Gp(gp) => {
                let gp = GaussianProcess::with_theta(x, &y, gp.theta().to_vec()).ok_or_else(|| {
                    OptimizerError::FitFailed { reason: "covariance with liar values is not positive definite".into() }
                })?;
                FittedSurrogate::Gp(gp)
            }
            FittedSurrogate::Forest(_) => self.fit(x, &y)?,
        };
        Ok((surrogate, y_best))
    }

    pub(crate) fn propose_with_model(&mut self, excluded: &HashSet<PointKey>) -> Result<Proposal, OptimizerError> {
        let (surrogate, y_best) = self.surrogate_with_lies()?;
        let (y_mean, y_std) = surrogate.normalization();
        let y_best = (y_best - y_mean) / y_std;

        let mut rng = self.rng(2);
        let (candidates, exhaustive) = generate_candidates(&self.space, self.config.n_candidates, excluded, &mut rng)?;
        let features: Vec<Vec<f64>> = candidates.iter().map(|c| c.features.clone()).collect();
        let predictions = surrogate.predict_normalized(&features);

        let (xi, pi_xi, kappa) = (self.config.xi, self.config.pi_xi, self.config.kappa);
        let members = match self.config.acquisition {
            AcquisitionKind::Ei => vec![Acquisition::Ei { xi }],
            AcquisitionKind::Pi => vec![Acquisition::Pi { xi: pi_xi }],
            AcquisitionKind::Lcb => vec![Acquisition::Lcb { kappa }],
            AcquisitionKind::LogEi => vec![Acquisition::LogEi { xi }],
            AcquisitionKind::GpHedge => vec![Acquisition::Ei { xi }, Acquisition::Pi { xi: pi_xi }, Acquisition::Lcb { kappa }],
        };
        let refine = !exhaustive;
        let proposals: Vec<Proposal> = members
            .iter()
            .map(|a| {
                let n_refine = self.config.n_refine;
                optimize_acquisition(&self.space, &surrogate, *a, y_best, &candidates, &predictions, n_refine, refine, excluded)
            })
            .collect();
        if proposals.len() == 1 {
            return Ok(proposals.into_iter().next().expect("one proposal"));
        }

        // gp_hedge: pick a member with probability softmax(eta * gains).
        let gains = self.model.hedge_gains;
        let max_gain = gains.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let weights: Vec<f64> = gains.iter().map(|g| (HEDGE_ETA * (g - max_gain)).exp()).collect();
        let total: f64 = weights.iter().sum();
        let mut draw = rng.random::<f64>() * total;
        let mut chosen = weights.len() - 1;
        for (i, w) in weights.iter().enumerate() {
            if draw < *w {
                chosen = i;
                break;
            }
            draw -= w;
        }
        debug!("gp_hedge chose {} with gains {gains:?}", members[chosen].name());
        self.model.hedge_last = Some(proposals.iter().map(|p| p.features.clone()).collect());
        Ok(proposals.into_iter().nth(chosen).expect("chosen index within the portfolio"))
    }
}
