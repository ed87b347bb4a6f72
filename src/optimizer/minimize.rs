//! `minimize`: the evaluate-a-closure loop built on ask and tell.

use std::time::Instant;

use log::info;

use super::error::OptimizerError;
use super::ask_tell::Optimizer;
use super::result::{OptimizeResult, StopReason};
use super::stopper::Stopper;
use super::value::Value;

impl Optimizer {
    /// Minimizes `objective` with `n_calls` evaluations (the x0 points still
    /// to evaluate count; y0 points do not, as in scikit-optimize), stopping
    /// early when a stopper fires or a finite space is exhausted.
    pub fn minimize<F>(&mut self, mut objective: F, n_calls: usize, stoppers: &[Stopper]) -> Result<OptimizeResult, OptimizerError>
    where
        F: FnMut(&[Value]) -> f64,
    {
        if n_calls < self.x0_remaining() {
            return Err(OptimizerError::NCallsTooSmall { n_calls, required: self.x0_remaining() });
        }
        let start = Instant::now();
        let mut iteration_s = Vec::with_capacity(n_calls);
        let mut values: Vec<f64> = self.evaluations.iter().map(|e| e.value).collect();
        let mut stop_reason = StopReason::Budget;

        for _ in 0..n_calls {
            let iteration_start = Instant::now();
            let point = match self.ask() {
                Ok(point) => point,
                Err(error @ OptimizerError::SpaceExhausted { .. }) => {
                    info!("stopping: {error}");
                    stop_reason = StopReason::SpaceExhausted;
                    break;
                }
                Err(error) => return Err(error),
            };
            let value = objective(&point);
            self.tell(&point, value)?;
            values.push(value);
            iteration_s.push(iteration_start.elapsed().as_secs_f64());

            let elapsed_s = start.elapsed().as_secs_f64();
            if let Some(reason) = stoppers.iter().find_map(|s| s.check(&values, elapsed_s, &iteration_s)) {
                info!("stopping after {} evaluations: {reason:?}", values.len());
                stop_reason = reason;
                break;
            }
        }
        self.result_with(Some(stop_reason))
    }
}
