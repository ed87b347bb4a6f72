//! Rounding and int8 quantization kernels shared by the parameter search, the
//! ONNX writers and the DPU integer reference.

use serde::{Deserialize, Serialize};

/// Rounding rule for a value halfway between two integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// Ties go to the even integer (IEEE default, ONNX QuantizeLinear, Vitis AI weights).
    HalfToEven,
    /// Ties go towards +infinity, `floor(x + 0.5)` (the DPU's activation rounding).
    HalfUp,
}

impl RoundingMode {
    /// Rounds `x` to an integer value. Computes in f64 so that `x + 0.5` is
    /// exact for every f32 input.
    #[inline(always)]
    pub fn round(self, x: f64) -> f64 {
        match self {
            RoundingMode::HalfToEven => x.round_ties_even(),
            RoundingMode::HalfUp => (x + 0.5).floor(),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            RoundingMode::HalfToEven => "half_to_even",
            RoundingMode::HalfUp => "half_up",
        }
    }
}

/// Smallest int8 value.
pub const I8_MIN: i32 = i8::MIN as i32;
/// Largest int8 value.
pub const I8_MAX: i32 = i8::MAX as i32;

/// Quantizes `x` to int8: `clamp(round(x / scale), -128, 127)`.
pub fn quantize_f32_i8(x: f32, scale: f32, rounding: RoundingMode) -> i8 {
    let q = rounding.round(x as f64 / scale as f64);
    q.clamp(I8_MIN as f64, I8_MAX as f64) as i8
}

/// Quantizes `x` to int32 with ties to even, as ONNX stores biases of integer operators.
pub fn quantize_f32_i32(x: f32, scale: f32) -> i32 {
    let q = (x as f64 / scale as f64).round_ties_even();
    q.clamp(i32::MIN as f64, i32::MAX as f64) as i32
}

/// Returns `q * scale`.
pub fn dequantize_i8_f32(q: i8, scale: f32) -> f32 {
    q as f32 * scale
}

/// Scale of a power-of-two fix position (number of fractional bits): `2^-fix_pos`.
pub fn pow2_scale(fix_pos: i32) -> f32 {
    (-(fix_pos as f64)).exp2() as f32
}

/// Shifts an accumulator right by `shift` bits with round half up, the DPU's
/// requantization: `floor((acc + 2^(shift-1)) / 2^shift)`. A negative shift
/// shifts left, exactly.
pub fn shift_round_half_up(acc: i64, shift: i32) -> i64 {
    match shift {
        0 => acc,
        s if s > 0 => (acc + (1i64 << (s - 1))) >> s,
        s => acc << (-s),
    }
}

/// Clamps to the int8 range.
pub fn saturate_i8(value: i64) -> i8 {
    value.clamp(I8_MIN as i64, I8_MAX as i64) as i8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_round_by_mode() {
        let cases = [
            (0.5, 0.0, 1.0),
            (1.5, 2.0, 2.0),
            (2.5, 2.0, 3.0),
            (-0.5, -0.0, 0.0),
            (-1.5, -2.0, -1.0),
            (-2.5, -2.0, -2.0),
        ];
        for (x, even, up) in cases {
            assert_eq!(
                RoundingMode::HalfToEven.round(x),
                even,
                "half to even of {x}"
            );
            assert_eq!(RoundingMode::HalfUp.round(x), up, "half up of {x}");
        }
    }

    #[test]
    fn half_up_exact_below_tie() {
        // 0.5 - 2^-25 is the largest f32 below 0.5; in f32, x + 0.5 would round to 1.0.
        let below_half = 0.5f32 - (-25f32).exp2();
        assert_eq!(RoundingMode::HalfUp.round(below_half as f64), 0.0);
    }

    #[test]
    fn quantize_known_values() {
        // Scale 2^-4: x * 16, hand-computed.
        let scale = pow2_scale(4);
        assert_eq!(scale, 0.0625);
        let cases: [(f32, i8, i8); 8] = [
            (0.0, 0, 0),
            (1.0, 16, 16),
            (-1.0, -16, -16),
            (0.03125, 0, 1),    // 0.5 steps: tie
            (0.09375, 2, 2),    // 1.5 steps: tie
            (-0.03125, 0, 0),   // -0.5 steps: tie
            (-0.09375, -2, -1), // -1.5 steps: tie
            (0.1, 2, 2),        // 1.6 steps
        ];
        for (x, even, up) in cases {
            assert_eq!(
                quantize_f32_i8(x, scale, RoundingMode::HalfToEven),
                even,
                "half to even of {x}"
            );
            assert_eq!(
                quantize_f32_i8(x, scale, RoundingMode::HalfUp),
                up,
                "half up of {x}"
            );
        }
    }

    #[test]
    fn quantize_saturates() {
        let scale = pow2_scale(4);
        for rounding in [RoundingMode::HalfToEven, RoundingMode::HalfUp] {
            assert_eq!(quantize_f32_i8(7.9375, scale, rounding), 127, "127 steps");
            assert_eq!(quantize_f32_i8(8.0, scale, rounding), 127, "128 steps");
            assert_eq!(quantize_f32_i8(100.0, scale, rounding), 127, "far above");
            assert_eq!(quantize_f32_i8(-8.0, scale, rounding), -128, "-128 steps");
            assert_eq!(
                quantize_f32_i8(-8.0625, scale, rounding),
                -128,
                "-129 steps"
            );
            assert_eq!(quantize_f32_i8(-100.0, scale, rounding), -128, "far below");
        }
        // 127.5 steps is a tie: half up gives 128, saturated to 127; half to even gives 128 too.
        assert_eq!(quantize_f32_i8(7.96875, scale, RoundingMode::HalfUp), 127);
        // -128.5 steps: half up gives -128, half to even gives -128.
        assert_eq!(quantize_f32_i8(-8.03125, scale, RoundingMode::HalfUp), -128);
    }

    #[test]
    fn dequantize_known_values() {
        assert_eq!(dequantize_i8_f32(-128, pow2_scale(7)), -1.0);
        assert_eq!(dequantize_i8_f32(127, pow2_scale(7)), 0.9921875);
        assert_eq!(dequantize_i8_f32(3, 0.5), 1.5);
        // 0.3 * 8 = 2.4 rounds to 2, which is 0.25.
        let q = quantize_f32_i8(0.3, pow2_scale(3), RoundingMode::HalfToEven);
        assert_eq!(dequantize_i8_f32(q, pow2_scale(3)), 0.25);
    }

    #[test]
    fn pow2_scale_negative_fix() {
        assert_eq!(pow2_scale(-2), 4.0);
        assert_eq!(pow2_scale(0), 1.0);
    }

    #[test]
    fn shift_round_half_up_known_values() {
        // acc / 4 with ties up: 6/4 = 1.5 -> 2, -6/4 = -1.5 -> -1, 5/4 -> 1, -5/4 -> -1, -7/4 -> -2.
        let cases = [
            (6, 2),
            (-6, -1),
            (5, 1),
            (-5, -1),
            (-7, -2),
            (2, 1),
            (-2, 0),
        ];
        for (acc, expected) in cases {
            assert_eq!(shift_round_half_up(acc, 2), expected, "{acc} >> 2");
            assert_eq!(
                shift_round_half_up(acc, 2) as f64,
                RoundingMode::HalfUp.round(acc as f64 / 4.0)
            );
        }
        assert_eq!(shift_round_half_up(-3, 0), -3);
        assert_eq!(shift_round_half_up(-3, -2), -12);
    }

    #[test]
    fn saturate_bounds() {
        assert_eq!(saturate_i8(128), 127);
        assert_eq!(saturate_i8(-129), -128);
        assert_eq!(saturate_i8(-5), -5);
    }
}
