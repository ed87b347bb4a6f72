use serde::{Deserialize, Serialize};

use super::OnnxError;
use crate::model::NUM_CLASSES;

/// Smallest probability taken into the cross-entropy. It is the smallest
/// normal f32, so that a probability that underflowed to 0 adds a finite
/// loss of about 87.3 instead of infinity.
pub const PROBABILITY_FLOOR: f32 = f32::MIN_POSITIVE;

/// How far two sets of class probabilities for the same images are apart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ProbabilityComparison {
    pub images: usize,
    /// Maximum over all images and classes of `|a - b|`.
    pub max_abs_diff: f32,
    /// Images whose most probable class is the same in both sets.
    pub argmax_equal: usize,
    /// `argmax_equal / images` in [0, 1]; 1 for zero images.
    pub argmax_agreement: f64,
}

/// Returns the index of the largest value; the first one on ties.
pub fn argmax(row: &[f32]) -> usize {
    let mut best = 0;
    for (index, &value) in row.iter().enumerate() {
        if value > row[best] {
            best = index;
        }
    }
    best
}

/// Computes the share in [0, 1] of images whose most probable class is the
/// label. `probabilities` is row-major `[labels.len(), 10]`.
pub fn accuracy(probabilities: &[f32], labels: &[u8]) -> Result<f64, OnnxError> {
    check_rows(probabilities, labels)?;
    if labels.is_empty() {
        return Ok(0.0);
    }
    let correct = probabilities
        .chunks(NUM_CLASSES)
        .zip(labels)
        .filter(|(row, label)| argmax(row) == usize::from(**label))
        .count();
    Ok(correct as f64 / labels.len() as f64)
}

/// Computes the mean cross-entropy in nats, `-ln p[label]` averaged over
/// images, with each probability clamped below at [`PROBABILITY_FLOOR`].
pub fn mean_cross_entropy(probabilities: &[f32], labels: &[u8]) -> Result<f64, OnnxError> {
    check_rows(probabilities, labels)?;
    if labels.is_empty() {
        return Ok(0.0);
    }
    let total: f64 = probabilities
        .chunks(NUM_CLASSES)
        .zip(labels)
        .map(|(row, &label)| -f64::from(row[usize::from(label)].max(PROBABILITY_FLOOR)).ln())
        .sum();
    Ok(total / labels.len() as f64)
}

/// Compares two row-major `[images, 10]` probability sets.
pub fn compare_probabilities(a: &[f32], b: &[f32]) -> Result<ProbabilityComparison, OnnxError> {
    if a.len() != b.len() {
        return Err(OnnxError::LengthMismatch {
            what: "the reference probabilities",
            expected: a.len(),
            actual: b.len(),
        });
    }
    if !a.len().is_multiple_of(NUM_CLASSES) {
        return Err(OnnxError::LengthMismatch {
            what: "the probabilities",
            expected: a.len().next_multiple_of(NUM_CLASSES),
            actual: a.len(),
        });
    }

    let max_abs_diff = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0f32, f32::max);
    let images = a.len() / NUM_CLASSES;
    let argmax_equal = a
        .chunks(NUM_CLASSES)
        .zip(b.chunks(NUM_CLASSES))
        .filter(|(row_a, row_b)| argmax(row_a) == argmax(row_b))
        .count();
    let argmax_agreement = if images == 0 {
        1.0
    } else {
        argmax_equal as f64 / images as f64
    };
    Ok(ProbabilityComparison {
        images,
        max_abs_diff,
        argmax_equal,
        argmax_agreement,
    })
}

/// Applies softmax to each row of row-major `[rows, classes]` logits in f32,
/// subtracting the row maximum first so that large logits do not overflow.
pub fn softmax_rows(logits: &[f32], classes: usize) -> Vec<f32> {
    let mut probabilities = Vec::with_capacity(logits.len());
    for row in logits.chunks(classes) {
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let exps: Vec<f32> = row.iter().map(|&value| (value - max).exp()).collect();
        let sum: f32 = exps.iter().sum();
        probabilities.extend(exps.iter().map(|&value| value / sum));
    }
    probabilities
}

fn check_rows(probabilities: &[f32], labels: &[u8]) -> Result<(), OnnxError> {
    let expected = labels.len() * NUM_CLASSES;
    if probabilities.len() != expected {
        return Err(OnnxError::LengthMismatch {
            what: "the probabilities",
            expected,
            actual: probabilities.len(),
        });
    }
    if let Some((index, &label)) = labels
        .iter()
        .enumerate()
        .find(|(_, label)| usize::from(**label) >= NUM_CLASSES)
    {
        return Err(OnnxError::InvalidLabel {
            index,
            label,
            classes: NUM_CLASSES,
        });
    }
    Ok(())
}
