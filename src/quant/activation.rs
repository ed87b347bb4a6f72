//! Activation of each dense layer as the quantized model computes it.

use serde::{Deserialize, Serialize};

use super::Target;
use crate::model::Activation;

/// Numerator of the DPU hard sigmoid's multiplier 2731 / 2^14, about 1/6.
pub const HARD_SIGMOID_NUMERATOR: i64 = 2731;
/// Right shift of the DPU hard sigmoid's multiplier.
pub const HARD_SIGMOID_SHIFT: i32 = 14;

/// Activation after a dense layer in the quantized model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LayerActivation {
    Relu,
    Sigmoid,
    /// The DPU's replacement for sigmoid: `relu6(x + 3) * 2731 / 2^14`.
    HardSigmoid,
    /// The output layer: logits, no activation.
    Linear,
}

impl LayerActivation {
    /// Activation of layer `index` of a model whose hidden layers use `activation`.
    pub fn for_layer(
        activation: Activation,
        target: Target,
        index: usize,
        layer_count: usize,
    ) -> Self {
        if index + 1 == layer_count {
            return LayerActivation::Linear;
        }
        match (activation, target) {
            (Activation::Relu, _) => LayerActivation::Relu,
            (Activation::Sigmoid, Target::Dpu) => LayerActivation::HardSigmoid,
            (Activation::Sigmoid, Target::Generic) => LayerActivation::Sigmoid,
        }
    }

    pub fn apply_f32(self, x: f32) -> f32 {
        match self {
            LayerActivation::Relu => x.max(0.0),
            LayerActivation::Sigmoid => 1.0 / (1.0 + (-x).exp()),
            LayerActivation::HardSigmoid => hard_sigmoid_dpu_f32(x),
            LayerActivation::Linear => x,
        }
    }

    /// Returns whether the pre-activation tensor is quantized on its own. ReLU is fused
    /// into the dense layer on the DPU (rounding commutes with it), so only
    /// sigmoid variants quantize their input.
    pub fn quantizes_pre_activation(self) -> bool {
        matches!(
            self,
            LayerActivation::Sigmoid | LayerActivation::HardSigmoid
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            LayerActivation::Relu => "relu",
            LayerActivation::Sigmoid => "sigmoid",
            LayerActivation::HardSigmoid => "hard_sigmoid",
            LayerActivation::Linear => "linear",
        }
    }
}

/// Computes the DPU hard sigmoid `relu6(x + 3) * 2731 / 2^14` in f32. Every step is
/// exact for inputs on a power-of-two grid of at most 9 fractional bits.
pub fn hard_sigmoid_dpu_f32(x: f32) -> f32 {
    let multiplier = HARD_SIGMOID_NUMERATOR as f32 / (1i64 << HARD_SIGMOID_SHIFT) as f32;
    (x + 3.0).clamp(0.0, 6.0) * multiplier
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hard_sigmoid_known_values() {
        assert_eq!(hard_sigmoid_dpu_f32(-3.0), 0.0);
        assert_eq!(hard_sigmoid_dpu_f32(-10.0), 0.0);
        assert_eq!(hard_sigmoid_dpu_f32(0.0), 3.0 * 2731.0 / 16384.0);
        assert_eq!(hard_sigmoid_dpu_f32(3.0), 6.0 * 2731.0 / 16384.0);
        assert_eq!(hard_sigmoid_dpu_f32(9.0), 6.0 * 2731.0 / 16384.0);
        assert!((hard_sigmoid_dpu_f32(1.0) - 4.0 / 6.0).abs() < 1e-4);
    }

    #[test]
    fn sigmoid_becomes_hard_sigmoid_on_dpu() {
        assert_eq!(
            LayerActivation::for_layer(Activation::Sigmoid, Target::Dpu, 0, 2),
            LayerActivation::HardSigmoid
        );
        assert_eq!(
            LayerActivation::for_layer(Activation::Sigmoid, Target::Generic, 0, 2),
            LayerActivation::Sigmoid
        );
        assert_eq!(
            LayerActivation::for_layer(Activation::Relu, Target::Dpu, 0, 2),
            LayerActivation::Relu
        );
        assert_eq!(
            LayerActivation::for_layer(Activation::Sigmoid, Target::Dpu, 1, 2),
            LayerActivation::Linear
        );
    }
}
