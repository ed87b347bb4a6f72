//! Clipping thresholds chosen from a histogram of absolute values: percentile,
//! minimum MSE for float scales, and minimum KL divergence (entropy).

use super::observer::Histogram;
use super::rounding::{I8_MAX, RoundingMode};

/// Number of quantization levels on one side of zero, the target of the KL search.
const KL_LEVELS: usize = I8_MAX as usize + 1;

/// Threshold candidates for the float MSE search.
const MSE_CANDIDATES: usize = 256;

/// Smoothing mass moved onto empty bins before the KL divergence, so that it stays finite.
const KL_SMOOTHING: f64 = 1e-4;

/// Smallest bin upper edge below which `percentile` percent of values fall.
pub fn percentile_threshold(histogram: &Histogram, percentile: f64) -> f32 {
    let total = histogram.total();
    if total == 0 {
        return histogram.limit;
    }
    // The epsilon keeps float noise (99.9 / 100 * 10000 = 9990.000000000002) from requiring one value more.
    let needed = (percentile / 100.0 * total as f64 - 1e-9).ceil() as u64;
    let mut cumulative = 0;
    for (bin, &count) in histogram.counts.iter().enumerate() {
        cumulative += count;
        if cumulative >= needed {
            return ((bin + 1) as f64 * histogram.bin_width()) as f32;
        }
    }
    histogram.limit
}

/// Squared error, summed over the histogram (each bin at its center), of
/// symmetric int8 quantization with `scale`.
pub fn histogram_squared_error(histogram: &Histogram, scale: f64, rounding: RoundingMode) -> f64 {
    let width = histogram.bin_width();
    let mut sum = 0.0;
    for (bin, &count) in histogram.counts.iter().enumerate() {
        if count == 0 {
            continue;
        }
        let center = (bin as f64 + 0.5) * width;
        let q = rounding.round(center / scale).min(I8_MAX as f64);
        let error = center - q * scale;
        sum += count as f64 * error * error;
    }
    sum
}

/// Threshold whose float scale `threshold / 127` minimizes the histogram MSE.
pub fn float_mse_threshold(histogram: &Histogram, rounding: RoundingMode) -> f32 {
    let mut best = (f64::INFINITY, histogram.limit);
    for k in 1..=MSE_CANDIDATES {
        let threshold = histogram.limit as f64 * k as f64 / MSE_CANDIDATES as f64;
        let error = histogram_squared_error(histogram, threshold / I8_MAX as f64, rounding);
        if error < best.0 {
            best = (error, threshold as f32);
        }
    }
    best.1
}

/// Threshold that minimizes the KL divergence between the histogram clipped
/// at the threshold and its 128-level quantized version (entropy calibration).
pub fn entropy_threshold(histogram: &Histogram) -> f32 {
    let bins = histogram.counts.len();
    if histogram.total() == 0 || bins < KL_LEVELS {
        return histogram.limit;
    }
    let counts: Vec<f64> = histogram.counts.iter().map(|&c| c as f64).collect();
    let mut best = (f64::INFINITY, bins);
    for end in KL_LEVELS..=bins {
        let divergence = clipped_kl_divergence(&counts, end);
        if divergence < best.0 {
            best = (divergence, end);
        }
    }
    (best.1 as f64 * histogram.bin_width()) as f32
}

/// KL divergence between the first `end` bins (outliers added to the last
/// one) and the same bins merged into 128 levels and spread back.
fn clipped_kl_divergence(counts: &[f64], end: usize) -> f64 {
    let mut reference: Vec<f64> = counts[..end].to_vec();
    reference[end - 1] += counts[end..].iter().sum::<f64>();

    let mut expanded = vec![0.0; end];
    for level in 0..KL_LEVELS {
        let start = level * end / KL_LEVELS;
        let stop = (level + 1) * end / KL_LEVELS;
        let slice = &counts[start..stop];
        let nonzero = slice.iter().filter(|&&c| c > 0.0).count();
        if nonzero == 0 {
            continue;
        }
        let mean = slice.iter().sum::<f64>() / nonzero as f64;
        for (bin, &count) in slice.iter().enumerate() {
            if count > 0.0 {
                expanded[start + bin] = mean;
            }
        }
    }

    let p = smooth_distribution(&reference);
    let q = smooth_distribution(&expanded);
    p.iter()
        .zip(&q)
        .filter(|(p, _)| **p > 0.0)
        .map(|(p, q)| p * (p / q).ln())
        .sum()
}

/// Normalizes `counts` to a distribution and moves a small mass onto empty bins.
fn smooth_distribution(counts: &[f64]) -> Vec<f64> {
    let total: f64 = counts.iter().sum();
    let zeros = counts.iter().filter(|&&c| c == 0.0).count();
    let nonzeros = counts.len() - zeros;
    if total == 0.0 || nonzeros == 0 {
        return vec![1.0 / counts.len() as f64; counts.len()];
    }
    let moved_mass = KL_SMOOTHING * zeros as f64 / nonzeros as f64;
    counts
        .iter()
        .map(|&c| {
            if c == 0.0 {
                KL_SMOOTHING
            } else {
                (c / total - moved_mass).max(KL_SMOOTHING * 1e-3)
            }
        })
        .collect()
}

/// Share of histogram values (bin centers) that fall outside the int8 range of `scale`.
pub fn histogram_clipped_share(histogram: &Histogram, scale: f64) -> f64 {
    let total = histogram.total();
    if total == 0 {
        return 0.0;
    }
    let width = histogram.bin_width();
    let limit = (I8_MAX as f64 + 0.5) * scale;
    let clipped: u64 = histogram
        .counts
        .iter()
        .enumerate()
        .filter(|(bin, _)| (*bin as f64 + 0.5) * width > limit)
        .map(|(_, &count)| count)
        .sum();
    clipped as f64 / total as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uniform_histogram(bins: usize) -> Histogram {
        Histogram {
            limit: bins as f32,
            counts: vec![10; bins],
        }
    }

    #[test]
    fn percentile_of_uniform_histogram() {
        let histogram = uniform_histogram(1000);
        assert_eq!(percentile_threshold(&histogram, 50.0), 500.0);
        assert_eq!(percentile_threshold(&histogram, 100.0), 1000.0);
        assert_eq!(percentile_threshold(&histogram, 99.95), 1000.0);
        assert_eq!(percentile_threshold(&histogram, 99.9), 999.0);
    }

    #[test]
    fn float_mse_threshold_matches_brute_force() {
        // A long tail: most values small, a few outliers.
        let mut histogram = Histogram::new(10.0, 1000);
        for i in 0..100_000u32 {
            let u = (i as f64 + 0.5) / 100_000.0;
            histogram.add((-(1.0 - u).ln() * 0.5) as f32);
        }
        let chosen = float_mse_threshold(&histogram, RoundingMode::HalfToEven) as f64;
        let chosen_error =
            histogram_squared_error(&histogram, chosen / 127.0, RoundingMode::HalfToEven);
        for k in 1..=1000 {
            let threshold = 10.0 * k as f64 / 1000.0;
            let error =
                histogram_squared_error(&histogram, threshold / 127.0, RoundingMode::HalfToEven);
            assert!(
                chosen_error <= error * 1.01,
                "threshold {threshold} has error {error} below chosen {chosen} error {chosen_error}"
            );
        }
        assert!(
            chosen < 10.0,
            "an exponential tail is clipped, chosen {chosen}"
        );
    }

    #[test]
    fn entropy_clips_sparse_outliers() {
        // An exponential bulk (mean 0.25, largest value about 2.5) and one outlier at 8.
        let mut histogram = Histogram::new(8.0, 2048);
        for i in 0..10_000u32 {
            let u = (i as f64 + 0.5) / 10_000.0;
            histogram.add((-(1.0 - u).ln() * 0.25) as f32);
        }
        histogram.add(8.0);
        let threshold = entropy_threshold(&histogram);
        assert!(threshold > 0.5, "threshold {threshold} clips the bulk");
        assert!(threshold < 4.0, "threshold {threshold} keeps the outlier");
    }

    #[test]
    fn clipped_share_counts_bins_above_range() {
        let histogram = uniform_histogram(1000);
        // Scale 4: range ends at 127.5 * 4 = 510, so bins centered above 510 clip.
        assert!((histogram_clipped_share(&histogram, 4.0) - 0.49).abs() < 1e-9);
        assert_eq!(histogram_clipped_share(&histogram, 10.0), 0.0);
    }
}
