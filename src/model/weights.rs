use serde::{Deserialize, Serialize};

use super::Activation;

/// One dense layer, `y = x W + b`, with `W` stored row-major as
/// `[inputs, outputs]` (the layout of Keras `Dense` kernels and burn `Linear`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DenseLayer {
    /// Layer name, used for ONNX initializers and Keras layers (`dense_0`, ..., `logits`).
    pub name: String,
    pub inputs: usize,
    pub outputs: usize,
    /// Row-major `[inputs, outputs]`.
    pub weight: Vec<f32>,
    /// `[outputs]`.
    pub bias: Vec<f32>,
}

/// A trained MLP: hidden layers that share one activation, then a linear
/// output layer whose values are the logits (softmax is applied outside).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MlpWeights {
    pub activation: Activation,
    /// Hidden layers first, the output layer last.
    pub layers: Vec<DenseLayer>,
}

/// Error for weights whose shapes do not chain into a valid MLP.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WeightsError {
    #[error("the model has no layers")]
    Empty,
    #[error("layer '{name}' has {actual} weights, expected {inputs} x {outputs} = {expected}")]
    WeightLength { name: String, inputs: usize, outputs: usize, expected: usize, actual: usize },
    #[error("layer '{name}' has {actual} biases, expected {expected}")]
    BiasLength { name: String, expected: usize, actual: usize },
    #[error("layer '{name}' takes {inputs} inputs but the previous layer gives {previous}")]
    Chain { name: String, inputs: usize, previous: usize },
}

impl MlpWeights {
    /// Checks that every layer's buffers match its shape and that layers chain.
    pub fn validate(&self) -> Result<(), WeightsError> {
        if self.layers.is_empty() {
            return Err(WeightsError::Empty);
        }
        let mut previous: Option<usize> = None;
        for layer in &self.layers {
            let expected = layer.inputs * layer.outputs;
            if layer.weight.len() != expected {
                return Err(WeightsError::WeightLength {
                    name: layer.name.clone(),
                    inputs: layer.inputs,
                    outputs: layer.outputs,
                    expected,
                    actual: layer.weight.len(),
                });
            }
            if layer.bias.len() != layer.outputs {
                return Err(WeightsError::BiasLength {
                    name: layer.name.clone(),
                    expected: layer.outputs,
                    actual: layer.bias.len(),
                });
            }
            if let Some(previous) = previous
                && previous != layer.inputs
            {
                return Err(WeightsError::Chain { name: layer.name.clone(), inputs: layer.inputs, previous });
            }
            previous = Some(layer.outputs);
        }
        Ok(())
    }

    pub fn input_size(&self) -> usize {
        self.layers.first().map_or(0, |layer| layer.inputs)
    }

    pub fn output_size(&self) -> usize {
        self.layers.last().map_or(0, |layer| layer.outputs)
    }

    /// Number of hidden layers (all but the output layer).
    pub fn num_hidden_layers(&self) -> usize {
        self.layers.len().saturating_sub(1)
    }

    /// Computes the logits of a batch in plain f32 arithmetic, the reference
    /// that burn, tract and the quantized models are compared against.
    /// `input` is row-major `[batch, input_size]`; returns `[batch, output_size]`.
    pub fn forward_reference(&self, input: &[f32]) -> Vec<f32> {
        let batch = input.len() / self.input_size().max(1);
        let mut activations = input.to_vec();
        for (index, layer) in self.layers.iter().enumerate() {
            let is_hidden = index + 1 < self.layers.len();
            let mut output = vec![0.0f32; batch * layer.outputs];
            for row in 0..batch {
                let x = &activations[row * layer.inputs..(row + 1) * layer.inputs];
                let y = &mut output[row * layer.outputs..(row + 1) * layer.outputs];
                y.copy_from_slice(&layer.bias);
                for (i, &xi) in x.iter().enumerate() {
                    let w_row = &layer.weight[i * layer.outputs..(i + 1) * layer.outputs];
                    for (yj, &wij) in y.iter_mut().zip(w_row) {
                        *yj += xi * wij;
                    }
                }
                if is_hidden {
                    for value in y.iter_mut() {
                        *value = self.activation.apply_f32(*value);
                    }
                }
            }
            activations = output;
        }
        activations
    }
}
