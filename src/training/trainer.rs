use std::time::Instant;

use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Int, Tensor, TensorData};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::adam::FusedAdam;
use super::evaluate::evaluate_on;
use super::{EpochMetrics, Mlp, TrainConfig, TrainError, configure_cpu};
use crate::data::Dataset;
use crate::model::MlpWeights;

/// Adam's epsilon as Keras sets it (burn's default is 1e-5).
const KERAS_ADAM_EPSILON: f32 = 1e-7;

/// Receives training progress; every method has an empty default.
pub trait TrainProgress {
    fn epoch_started(&mut self, _epoch: usize, _num_batches: usize) {}
    fn batch_finished(&mut self, _epoch: usize, _batch: usize) {}
    fn epoch_finished(&mut self, _metrics: &EpochMetrics) {}
    /// Asked after every epoch but the last, once `epoch_finished` has seen
    /// its metrics; returning true stops training with
    /// [`TrainError::Pruned`].
    fn should_prune(&mut self, _metrics: &EpochMetrics) -> bool {
        false
    }
    /// Polled after every batch; returning true stops training with
    /// [`TrainError::Interrupted`].
    fn should_stop(&self) -> bool {
        false
    }
}

/// A progress receiver that ignores everything.
pub struct NoProgress;

impl TrainProgress for NoProgress {}

/// A trained model with the settings and per-epoch metrics that produced it.
#[derive(Debug, Clone)]
pub struct TrainedModel {
    pub config: TrainConfig,
    pub history: Vec<EpochMetrics>,
    /// The model on the plain (non-autodiff) Flex device.
    pub model: Mlp,
}

impl TrainedModel {
    pub fn weights(&self) -> MlpWeights {
        self.model.to_weights()
    }

    /// Metrics of the last epoch.
    pub fn last_epoch(&self) -> Option<&EpochMetrics> {
        self.history.last()
    }
}

/// Trains a model on `train`, validating on `validation` after every epoch.
pub fn train(
    config: &TrainConfig,
    train: &Dataset,
    validation: &Dataset,
    progress: &mut dyn TrainProgress,
) -> Result<TrainedModel, TrainError> {
    config.validate()?;
    if train.is_empty() {
        return Err(TrainError::EmptySplit { split: "training" });
    }
    if validation.is_empty() {
        return Err(TrainError::EmptySplit { split: "validation" });
    }
    configure_cpu(None);

    let device = Device::flex().autodiff();
    let mut model = Mlp::init(config, &device);
    let mut optimizer = ModuleOptimizer::from(FusedAdam::new(KERAS_ADAM_EPSILON));
    let loss_function = CrossEntropyLossConfig::new().init(&device);
    // The shuffle stream is separate from the initialization stream so that
    // changing the batch size does not change the initial weights.
    let mut shuffle_rng = ChaCha8Rng::seed_from_u64(config.seed.wrapping_add(0x9e37_79b9_7f4a_7c15));
    let num_batches = train.len().div_ceil(config.batch_size);
    let mut history = Vec::with_capacity(config.epochs);

    for epoch in 1..=config.epochs {
        let started = Instant::now();
        progress.epoch_started(epoch, num_batches);
        let order = shuffled(train.len(), &mut shuffle_rng);
        let mut loss_sum = 0.0f64;
        let mut correct = 0usize;

        for (batch, indices) in order.chunks(config.batch_size).enumerate() {
            let (images, labels) = batch_tensors(train, indices, &device);
            let logits = model.forward(images);
            let loss = loss_function.forward(logits.clone(), labels.clone());

            let loss_value: f32 = loss.clone().into_scalar();
            if !loss_value.is_finite() {
                return Err(TrainError::Diverged { epoch, batch: batch + 1, loss: loss_value });
            }
            loss_sum += f64::from(loss_value) * indices.len() as f64;
            let hits: i64 = logits.argmax(1).flatten::<1>(0, 1).equal(labels).int().sum().into_scalar();
            correct += hits as usize;

            let gradients = GradientsParams::from_grads(loss.backward(), &model);
            model = optimizer.step(config.learning_rate, model, gradients);
            progress.batch_finished(epoch, batch + 1);
            if progress.should_stop() {
                return Err(TrainError::Interrupted);
            }
        }

        let validation_metrics = evaluate_on(&model.valid(), validation);
        let metrics = EpochMetrics {
            epoch,
            loss: loss_sum / train.len() as f64,
            accuracy: correct as f64 / train.len() as f64,
            val_loss: validation_metrics.loss,
            val_accuracy: validation_metrics.accuracy,
            elapsed_s: started.elapsed().as_secs_f64(),
        };
        log::debug!("epoch {epoch}: {metrics:?}");
        progress.epoch_finished(&metrics);
        history.push(metrics);
        if epoch < config.epochs && progress.should_prune(&metrics) {
            return Err(TrainError::Pruned { epoch });
        }
    }

    Ok(TrainedModel { config: config.clone(), history, model: model.valid() })
}

fn shuffled(len: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    for i in (1..len).rev() {
        let j = rng.random_range(0..=i as u64) as usize;
        order.swap(i, j);
    }
    order
}

fn batch_tensors(data: &Dataset, indices: &[usize], device: &Device) -> (Tensor<2>, Tensor<1, Int>) {
    let mut pixels = Vec::with_capacity(indices.len() * Dataset::IMAGE_SIZE);
    let mut labels = Vec::with_capacity(indices.len());
    for &index in indices {
        pixels.extend_from_slice(data.image(index));
        labels.push(i64::from(data.labels[index]));
    }
    let images = Tensor::<2>::from_data(TensorData::new(pixels, [indices.len(), Dataset::IMAGE_SIZE]), device);
    let labels = Tensor::<1, Int>::from_data(TensorData::new(labels, [indices.len()]), device);
    (images, labels)
}
