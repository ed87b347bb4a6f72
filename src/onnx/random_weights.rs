use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::model::{Activation, DenseLayer, INPUT_SIZE, MlpWeights, NUM_CLASSES};

/// Half-width of the uniform distribution of the biases. Untrained layers
/// usually start at zero bias; nonzero values here make a bias that is lost
/// or misplaced in export visible in the outputs.
const BIAS_RANGE: f32 = 0.1;

/// Creates an untrained 784-...-10 MLP with the given hidden widths: weights
/// Glorot-uniform in `±sqrt(6 / (inputs + outputs))`, biases uniform in
/// ±0.1, drawn from ChaCha8 seeded with `seed`. Used by tests, benchmarks and
/// the reference model when no trained weights are at hand.
pub fn glorot_uniform_weights(activation: Activation, hidden: &[usize], seed: u64) -> MlpWeights {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut widths = vec![INPUT_SIZE];
    widths.extend_from_slice(hidden);
    widths.push(NUM_CLASSES);

    let layers = widths
        .windows(2)
        .enumerate()
        .map(|(index, pair)| {
            let (inputs, outputs) = (pair[0], pair[1]);
            let name = if index < hidden.len() {
                format!("dense_{}", index + 1)
            } else {
                "logits".to_string()
            };
            let limit = (6.0 / (inputs + outputs) as f32).sqrt();
            let weight = (0..inputs * outputs)
                .map(|_| rng.random_range(-limit..limit))
                .collect();
            let bias = (0..outputs)
                .map(|_| rng.random_range(-BIAS_RANGE..BIAS_RANGE))
                .collect();
            DenseLayer {
                name,
                inputs,
                outputs,
                weight,
                bias,
            }
        })
        .collect();
    MlpWeights { activation, layers }
}
