//! Per-tensor statistics collected over calibration data: range, histogram of
//! absolute values, and the exact power-of-two quantization error of each
//! candidate fix position.

use serde::{Deserialize, Serialize};

use super::rounding::{I8_MAX, I8_MIN, RoundingMode};

/// Fix position given to a tensor that is zero everywhere (any scale is exact): range [-1, 1).
pub const ZERO_TENSOR_FIX_POS: i32 = 7;

/// Candidate fix positions tried below the non-overflow position.
const FIX_CANDIDATES_BELOW: i32 = 2;
/// Candidate fix positions tried above the non-overflow position: each step
/// halves the range, so beyond 12 steps (1/4096 of the range) clipping dominates.
const FIX_CANDIDATES_ABOVE: i32 = 12;

/// Largest fix position whose int8 range `127 * 2^-fix` still covers `abs_max`
/// (Vitis AI's non-overflow rule).
pub fn non_overflow_fix_pos(abs_max: f32) -> i32 {
    if abs_max.is_nan() || abs_max <= 0.0 || !abs_max.is_finite() {
        return ZERO_TENSOR_FIX_POS;
    }
    let mut fix = (I8_MAX as f64 / abs_max as f64).log2().floor() as i32;
    // Guard the log2 rounding at exact powers of two.
    while (I8_MAX as f64) * (-(fix as f64)).exp2() < abs_max as f64 {
        fix -= 1;
    }
    while (I8_MAX as f64) * (-(fix as f64 + 1.0)).exp2() >= abs_max as f64 {
        fix += 1;
    }
    fix
}

/// Histogram of absolute values over `[0, limit]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    pub limit: f32,
    pub counts: Vec<u64>,
}

impl Histogram {
    pub fn new(limit: f32, bins: usize) -> Self {
        Histogram {
            limit,
            counts: vec![0; bins],
        }
    }

    pub fn bin_width(&self) -> f64 {
        self.limit as f64 / self.counts.len() as f64
    }

    #[inline(always)]
    pub fn add(&mut self, x: f32) {
        let bins = self.counts.len();
        let bin = if self.limit > 0.0 {
            ((x.abs() as f64 / self.bin_width()) as usize).min(bins - 1)
        } else {
            0
        };
        self.counts[bin] += 1;
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// Sum of squared errors and number of clipped values for each candidate fix
/// position, accumulated exactly value by value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pow2Errors {
    pub rounding: RoundingMode,
    /// Fix position of `squared_error[0]`; candidates are consecutive.
    pub first_fix_pos: i32,
    pub squared_error: Vec<f64>,
    pub clipped: Vec<u64>,
}

impl Pow2Errors {
    /// Candidates around the non-overflow position of `abs_max`.
    pub fn around(abs_max: f32, rounding: RoundingMode) -> Self {
        let first_fix_pos = non_overflow_fix_pos(abs_max) - FIX_CANDIDATES_BELOW;
        let count = (FIX_CANDIDATES_BELOW + FIX_CANDIDATES_ABOVE + 1) as usize;
        Pow2Errors {
            rounding,
            first_fix_pos,
            squared_error: vec![0.0; count],
            clipped: vec![0; count],
        }
    }

    pub fn fix_positions(&self) -> impl Iterator<Item = i32> + '_ {
        (0..self.squared_error.len()).map(|i| self.first_fix_pos + i as i32)
    }

    pub fn add(&mut self, x: f32) {
        self.add_scaled(x, self.first_multiplier());
    }

    /// `2^first_fix_pos`, the multiplier of the first candidate.
    fn first_multiplier(&self) -> f64 {
        (self.first_fix_pos as f64).exp2()
    }

    /// Adds `x` given `first_multiplier()`, which callers of many values compute once.
    #[inline(always)]
    fn add_scaled(&mut self, x: f32, first_multiplier: f64) {
        let x = x as f64;
        let mut multiplier = first_multiplier;
        for (squared_error, clipped) in self.squared_error.iter_mut().zip(self.clipped.iter_mut()) {
            let q = self.rounding.round(x * multiplier);
            let saturated = q.clamp(I8_MIN as f64, I8_MAX as f64);
            if saturated != q {
                *clipped += 1;
            }
            // Multiplying by the reciprocal of a power of two equals dividing.
            let error = x - saturated * multiplier.recip();
            *squared_error += error * error;
            multiplier *= 2.0;
        }
    }

    /// Candidate with the least squared error; ties go to the smaller fix position (wider range).
    pub fn min_mse_fix_pos(&self) -> i32 {
        let mut best = 0;
        for (i, &error) in self.squared_error.iter().enumerate() {
            if error < self.squared_error[best] {
                best = i;
            }
        }
        self.first_fix_pos + best as i32
    }

    /// Number of clipped values at `fix_pos`, if it is a candidate.
    pub fn clipped_at(&self, fix_pos: i32) -> Option<u64> {
        let index = usize::try_from(fix_pos - self.first_fix_pos).ok()?;
        self.clipped.get(index).copied()
    }
}

/// Range of a tensor's values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ValueRange {
    pub min: f32,
    pub max: f32,
    pub count: u64,
}

impl Default for ValueRange {
    fn default() -> Self {
        ValueRange {
            min: f32::INFINITY,
            max: f32::NEG_INFINITY,
            count: 0,
        }
    }
}

impl ValueRange {
    pub fn of(values: &[f32]) -> Self {
        let mut range = ValueRange::default();
        range.add_all(values);
        range
    }

    pub fn add_all(&mut self, values: &[f32]) {
        for &x in values {
            self.min = self.min.min(x);
            self.max = self.max.max(x);
        }
        self.count += values.len() as u64;
    }

    pub fn abs_max(&self) -> f32 {
        if self.count == 0 {
            0.0
        } else {
            self.min.abs().max(self.max.abs())
        }
    }
}

/// Everything observed about one tensor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TensorStats {
    pub range: ValueRange,
    pub histogram: Histogram,
    pub pow2: Pow2Errors,
}

impl TensorStats {
    /// Empty statistics for a tensor whose range is already known.
    pub fn for_range(range: ValueRange, bins: usize, rounding: RoundingMode) -> Self {
        let abs_max = range.abs_max();
        TensorStats {
            range: ValueRange { count: 0, ..range },
            histogram: Histogram::new(abs_max, bins),
            pow2: Pow2Errors::around(abs_max, rounding),
        }
    }

    /// Statistics of a tensor held in memory (weights, biases).
    pub fn of(values: &[f32], bins: usize, rounding: RoundingMode) -> Self {
        let mut stats = TensorStats::for_range(ValueRange::of(values), bins, rounding);
        stats.add_all(values);
        stats
    }

    /// Adds `values` to the histogram and the pow2 errors, with AVX2 where
    /// the CPU has it. The default x86-64 target has no SSE4.1 rounding
    /// instruction, so each of the pow2 candidates' roundings is a libm call
    /// without it.
    pub fn add_all(&mut self, values: &[f32]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            unsafe { self.add_all_avx2(values) };
            return;
        }
        self.add_all_portable(values);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn add_all_avx2(&mut self, values: &[f32]) {
        self.add_all_portable(values);
    }

    #[inline(always)]
    fn add_all_portable(&mut self, values: &[f32]) {
        let first_multiplier = self.pow2.first_multiplier();
        for &x in values {
            self.histogram.add(x);
            // A zero rounds to zero at every fix position: no error, no clipping.
            // Most pixels and ReLU outputs are zero.
            if x != 0.0 {
                self.pow2.add_scaled(x, first_multiplier);
            }
        }
        self.range.count += values.len() as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_overflow_known_values() {
        // 127 * 2^-6 = 1.984 >= 1.0 and 127 * 2^-7 = 0.992 < 1.0.
        assert_eq!(non_overflow_fix_pos(1.0), 6);
        assert_eq!(non_overflow_fix_pos(0.99), 7);
        assert_eq!(non_overflow_fix_pos(127.0), 0);
        assert_eq!(non_overflow_fix_pos(127.01), -1);
        assert_eq!(non_overflow_fix_pos(0.0), ZERO_TENSOR_FIX_POS);
    }

    #[test]
    fn histogram_counts_absolute_values() {
        let mut histogram = Histogram::new(2.0, 4);
        for x in [-2.0, -0.1, 0.1, 0.6, 1.2, 1.9] {
            histogram.add(x);
        }
        assert_eq!(histogram.counts, vec![2, 1, 1, 2]);
    }

    #[test]
    fn pow2_errors_count_clipping() {
        // Fix 6 rounds [-2.0078, 1.9922) into [-128, 127]; 1.995 and -2.5 fall outside.
        let mut errors = Pow2Errors::around(0.0, RoundingMode::HalfUp);
        errors.first_fix_pos = 6;
        errors.add(1.995);
        errors.add(-2.5);
        errors.add(0.5);
        assert_eq!(errors.clipped_at(6), Some(2));
        assert_eq!(errors.clipped_at(5), None);
        let expected = (1.995f32 as f64 - 127.0 / 64.0).powi(2) + 0.5f64.powi(2);
        assert!((errors.squared_error[0] - expected).abs() < 1e-12);
    }
}
