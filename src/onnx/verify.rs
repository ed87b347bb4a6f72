use serde::{Deserialize, Serialize};

use super::metrics::{ProbabilityComparison, accuracy, compare_probabilities, mean_cross_entropy};
use super::{OnnxError, TractRunner};

/// Default maximum absolute difference allowed between tract's probabilities
/// and the reference's: 1e-5. Both run f32 with different summation orders,
/// which moves a probability by about 1e-7; a wrong weight layout or
/// activation moves it by far more than 1e-5.
pub const DEFAULT_TOLERANCE: f32 = 1e-5;

/// Images per tract call in [`verify_probabilities`]. It bounds the memory of
/// the intermediate activations; the result does not depend on it.
pub const VERIFY_CHUNK_IMAGES: usize = 1000;

/// Result of running the exported model in tract on a labelled split and
/// comparing it with a reference inference, the content of verify.json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifyReport {
    /// Accuracy of tract's probabilities in [0, 1].
    pub tract_accuracy: f64,
    /// Mean cross-entropy of tract's probabilities, in nats.
    pub tract_loss: f64,
    /// Name of the reference inference, such as `burn`.
    pub reference: String,
    /// Accuracy of the reference probabilities in [0, 1].
    pub reference_accuracy: f64,
    /// Image count, maximum absolute difference and argmax agreement of
    /// tract's probabilities against the reference's.
    #[serde(flatten)]
    pub comparison: ProbabilityComparison,
    /// Largest `max_abs_diff` that passes.
    pub tolerance: f32,
    /// Whether `max_abs_diff <= tolerance`.
    pub passed: bool,
}

impl VerifyReport {
    /// Returns [`OnnxError::ToleranceExceeded`] when the check failed, so the
    /// caller can write the report first and fail afterwards.
    pub fn check(&self) -> Result<(), OnnxError> {
        check_tolerance(&self.comparison, self.tolerance)
    }
}

/// Fails when the maximum absolute difference exceeds `tolerance` (a NaN
/// difference fails too).
pub fn check_tolerance(
    comparison: &ProbabilityComparison,
    tolerance: f32,
) -> Result<(), OnnxError> {
    if comparison.max_abs_diff <= tolerance {
        return Ok(());
    }
    Err(OnnxError::ToleranceExceeded {
        max_abs_diff: comparison.max_abs_diff,
        tolerance,
        argmax_agreement_pct: comparison.argmax_agreement * 100.0,
    })
}

/// Runs `runner` on `images` (row-major `[n, 784]`) and compares its
/// probabilities with `reference_probabilities` (`[n, 10]`) from the
/// inference named `reference`. A failed check sets `passed` to false
/// without an error, so call [`VerifyReport::check`] to raise it.
pub fn verify_probabilities(
    runner: &TractRunner,
    images: &[f32],
    labels: &[u8],
    reference: &str,
    reference_probabilities: &[f32],
    tolerance: f32,
) -> Result<VerifyReport, OnnxError> {
    let prediction = runner.run_chunked(images, VERIFY_CHUNK_IMAGES)?;
    let comparison = compare_probabilities(&prediction.probabilities, reference_probabilities)?;
    let report = VerifyReport {
        tract_accuracy: accuracy(&prediction.probabilities, labels)?,
        tract_loss: mean_cross_entropy(&prediction.probabilities, labels)?,
        reference: reference.to_string(),
        reference_accuracy: accuracy(reference_probabilities, labels)?,
        comparison,
        tolerance,
        passed: check_tolerance(&comparison, tolerance).is_ok(),
    };
    log::info!(
        "tract accuracy {:.4}, loss {:.4}; max |p_tract - p_{reference}| = {:e} (tolerance {:e})",
        report.tract_accuracy,
        report.tract_loss,
        report.comparison.max_abs_diff,
        tolerance
    );
    Ok(report)
}
