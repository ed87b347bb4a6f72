use burn::module::{Module, Param};
use burn::nn::Linear;
use burn::tensor::activation::{relu, sigmoid};
use burn::tensor::{Device, Tensor, TensorData};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::TrainConfig;
use crate::model::{Activation, DenseLayer, MlpWeights};

/// The MLP as a burn module: hidden dense layers with one activation, then a
/// linear output layer producing logits.
#[derive(Module, Debug)]
pub struct Mlp {
    hidden: Vec<Linear>,
    output: Linear,
    #[module(skip)]
    activation: Activation,
}

impl Mlp {
    /// Creates the model with Glorot-uniform weights and zero biases, the
    /// Keras `Dense` default. Weights come from a ChaCha8 stream seeded by
    /// `config.seed`, so a seed gives the same model on every platform.
    pub fn init(config: &TrainConfig, device: &Device) -> Mlp {
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let sizes = config.layer_sizes();
        let layers: Vec<DenseLayer> = sizes
            .windows(2)
            .enumerate()
            .map(|(index, pair)| glorot_layer(layer_name(index, sizes.len() - 1), pair[0], pair[1], &mut rng))
            .collect();
        Mlp::from_weights(&MlpWeights { activation: config.activation, layers }, device)
    }

    /// Builds the module from plain weights.
    pub fn from_weights(weights: &MlpWeights, device: &Device) -> Mlp {
        let mut linears: Vec<Linear> = weights.layers.iter().map(|layer| linear_from(layer, device)).collect();
        let output = linears.pop().expect("an MLP has an output layer");
        Mlp { hidden: linears, output, activation: weights.activation }
    }

    /// Copies the weights out as plain data.
    pub fn to_weights(&self) -> MlpWeights {
        let count = self.hidden.len() + 1;
        let layers = self
            .hidden
            .iter()
            .chain(std::iter::once(&self.output))
            .enumerate()
            .map(|(index, linear)| linear_to(layer_name(index, count), linear))
            .collect();
        MlpWeights { activation: self.activation, layers }
    }

    pub fn activation(&self) -> Activation {
        self.activation
    }

    /// Computes logits `[batch, 10]` from images `[batch, 784]`.
    pub fn forward(&self, images: Tensor<2>) -> Tensor<2> {
        let mut x = images;
        for layer in &self.hidden {
            x = layer.forward(x);
            x = match self.activation {
                Activation::Relu => relu(x),
                Activation::Sigmoid => sigmoid(x),
            };
        }
        self.output.forward(x)
    }
}

/// Names layers `dense_1` .. `dense_N` and the last one `logits`.
pub(crate) fn layer_name(index: usize, count: usize) -> String {
    if index + 1 == count { "logits".to_string() } else { format!("dense_{}", index + 1) }
}

fn glorot_layer(name: String, inputs: usize, outputs: usize, rng: &mut ChaCha8Rng) -> DenseLayer {
    let limit = (6.0 / (inputs + outputs) as f64).sqrt() as f32;
    let weight = (0..inputs * outputs).map(|_| rng.random_range(-limit..limit)).collect();
    DenseLayer { name, inputs, outputs, weight, bias: vec![0.0; outputs] }
}

fn linear_from(layer: &DenseLayer, device: &Device) -> Linear {
    let weight = Tensor::<2>::from_data(TensorData::new(layer.weight.clone(), [layer.inputs, layer.outputs]), device);
    let bias = Tensor::<1>::from_data(TensorData::new(layer.bias.clone(), [layer.outputs]), device);
    Linear { weight: Param::from_tensor(weight), bias: Some(Param::from_tensor(bias)) }
}

fn linear_to(name: String, linear: &Linear) -> DenseLayer {
    let weight = linear.weight.val();
    let [inputs, outputs] = weight.dims();
    let bias = match &linear.bias {
        Some(bias) => bias.val().into_data().try_to_vec::<f32>().expect("f32 bias"),
        None => vec![0.0; outputs],
    };
    DenseLayer {
        name,
        inputs,
        outputs,
        weight: weight.into_data().try_to_vec::<f32>().expect("f32 weights"),
        bias,
    }
}
