//! The DPU compiler's constraints on power-of-two fix positions.

use super::activation::LayerActivation;
use super::params::QuantParams;

/// Largest right shift of the accumulator onto the output (`shift_cut`) the DPU compiler accepts.
pub const MAX_SHIFT_CUT: i32 = 16;
/// Largest left shift of the bias onto the accumulator (`shift_bias`) the DPU compiler accepts.
pub const MAX_SHIFT_BIAS: i32 = 16;
/// Fix position range of a hard sigmoid's input on the DPU.
pub const HARD_SIGMOID_INPUT_FIX: (i32, i32) = (0, 15);
/// Smallest fix position of a hard sigmoid's output on the DPU.
pub const HARD_SIGMOID_MIN_OUTPUT_FIX: i32 = 7;

/// Moves fix positions to satisfy the DPU compiler, in the order and with the
/// rules of the Vitis AI TF2 quantizer's refine step (vai_q_tensorflow2,
/// `QuantPosManager`):
/// 1. hard sigmoid: input fix in [0, 15], output fix >= 7, and
///    `14 + input fix - output fix >= 0`;
/// 2. `shift_cut = weight fix + input fix - output fix` in [0, 16], by moving the weight fix;
/// 3. `shift_bias = weight fix + input fix - bias fix` in
///    [min(0, shift_cut - 16), 16], by moving the bias fix.
pub fn apply_dpu_constraints(params: &mut QuantParams) {
    for layer in &mut params.layers {
        if layer.activation != LayerActivation::HardSigmoid {
            continue;
        }
        let pre = layer
            .pre_activation
            .as_mut()
            .expect("hard sigmoid layers quantize their input");
        let (low, high) = HARD_SIGMOID_INPUT_FIX;
        let input_fix = pre.fix().clamp(low, high);
        if input_fix != pre.fix() {
            pre.set_fix(
                input_fix,
                format!("hard sigmoid input fix position must be in [{low}, {high}]"),
            );
        }
        let mut output_fix = layer.output.fix().max(HARD_SIGMOID_MIN_OUTPUT_FIX);
        if 14 + input_fix - output_fix < 0 {
            output_fix = 14 + input_fix;
        }
        if output_fix != layer.output.fix() {
            layer.output.set_fix(output_fix, format!("hard sigmoid output fix position must be at least {HARD_SIGMOID_MIN_OUTPUT_FIX} and at most 14 + input fix position"));
        }
    }

    for index in 0..params.layers.len() {
        let input_fix = params.layer_input(index).fix();
        let layer = &mut params.layers[index];
        let output_fix = layer.dense_output_mut().fix();

        let shift_cut = layer.weight.fix() + input_fix - output_fix;
        let allowed_cut = shift_cut.clamp(0, MAX_SHIFT_CUT);
        if allowed_cut != shift_cut {
            layer.weight.set_fix(
                allowed_cut + output_fix - input_fix,
                format!("shift_cut {shift_cut} outside [0, {MAX_SHIFT_CUT}]"),
            );
        }

        let shift_bias = layer.weight.fix() + input_fix - layer.bias.fix();
        let min_shift_bias = 0.min(allowed_cut - MAX_SHIFT_CUT);
        let allowed_bias = shift_bias.clamp(min_shift_bias, MAX_SHIFT_BIAS);
        if allowed_bias != shift_bias {
            let fix = layer.weight.fix() + input_fix - allowed_bias;
            layer.bias.set_fix(
                fix,
                format!("shift_bias {shift_bias} outside [{min_shift_bias}, {MAX_SHIFT_BIAS}]"),
            );
        }
    }
}
