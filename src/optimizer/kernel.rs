//! Matern 5/2 kernel with one length scale per feature (ARD), times a
//! constant amplitude.

use nalgebra::DMatrix;

const SQRT5: f64 = 2.236_067_977_499_79;

/// Matern 5/2 correlation at scaled distance r: (1 + √5 r + 5r²/3) e^(-√5 r).
pub fn matern52(r: f64) -> f64 {
    (1.0 + SQRT5 * r + 5.0 / 3.0 * r * r) * (-SQRT5 * r).exp()
}

/// Derivative of `matern52` with respect to ln(l_k), divided by the
/// squared scaled component (x_k - x'_k)² / l_k²: (5/3)(1 + √5 r) e^(-√5 r).
/// It stays finite at r = 0, so no pair needs a special case.
pub fn matern52_log_length_factor(r: f64) -> f64 {
    5.0 / 3.0 * (1.0 + SQRT5 * r) * (-SQRT5 * r).exp()
}

/// Scaled distance between two feature vectors.
pub fn scaled_distance(a: &[f64], b: &[f64], inverse_length_scales: &[f64]) -> f64 {
    let mut sum = 0.0;
    for ((x, y), inv) in a.iter().zip(b).zip(inverse_length_scales) {
        let d = (x - y) * inv;
        sum += d * d;
    }
    sum.sqrt()
}

/// Cross-covariance `amplitude * matern52` between rows of `a` (m points)
/// and rows of `b` (n points), as an m × n matrix.
pub fn cross_covariance(a: &[Vec<f64>], b: &[Vec<f64>], amplitude: f64, inverse_length_scales: &[f64]) -> DMatrix<f64> {
    DMatrix::from_fn(a.len(), b.len(), |i, j| {
        amplitude * matern52(scaled_distance(&a[i], &b[j], inverse_length_scales))
    })
}
