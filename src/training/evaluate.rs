use burn::tensor::{Device, Tensor, TensorData};

use super::{Evaluation, Mlp, TrainedModel};
use crate::data::Dataset;
use crate::model::NUM_CLASSES;

/// Images per forward pass during evaluation; large batches run the matmul on
/// all cores, and 1,000 x 784 f32 is only about 3 MB.
const EVAL_BATCH: usize = 1000;

/// Loss and accuracy of a trained model on a data set.
pub fn evaluate(model: &TrainedModel, data: &Dataset) -> Evaluation {
    evaluate_on(&model.model, data)
}

/// Softmax probabilities `[len, 10]`, row-major, of a trained model.
pub fn predict_probabilities(model: &TrainedModel, data: &Dataset) -> Vec<f32> {
    let mut logits = predict_logits(&model.model, data);
    for row in logits.chunks_mut(NUM_CLASSES) {
        softmax_in_place(row);
    }
    logits
}

pub(crate) fn evaluate_on(model: &Mlp, data: &Dataset) -> Evaluation {
    let logits = predict_logits(model, data);
    loss_and_accuracy(&logits, &data.labels)
}

/// Logits `[len, 10]`, row-major.
pub(crate) fn predict_logits(model: &Mlp, data: &Dataset) -> Vec<f32> {
    let device = Device::flex();
    let mut logits = Vec::with_capacity(data.len() * NUM_CLASSES);
    for start in (0..data.len()).step_by(EVAL_BATCH) {
        let end = (start + EVAL_BATCH).min(data.len());
        let pixels = data.images[start * Dataset::IMAGE_SIZE..end * Dataset::IMAGE_SIZE].to_vec();
        let images = Tensor::<2>::from_data(TensorData::new(pixels, [end - start, Dataset::IMAGE_SIZE]), &device);
        let batch = model.forward(images).into_data().try_to_vec::<f32>().expect("f32 logits");
        logits.extend_from_slice(&batch);
    }
    logits
}

/// Mean softmax cross-entropy (nats) and accuracy of logits against labels,
/// computed in f64 with the log-sum-exp shift.
pub fn loss_and_accuracy(logits: &[f32], labels: &[u8]) -> Evaluation {
    if labels.is_empty() {
        return Evaluation { loss: f64::NAN, accuracy: f64::NAN };
    }
    let mut loss = 0.0f64;
    let mut correct = 0usize;
    for (row, &label) in logits.chunks(NUM_CLASSES).zip(labels) {
        let max = row.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b)) as f64;
        let log_sum: f64 = row.iter().map(|&v| (v as f64 - max).exp()).sum::<f64>().ln() + max;
        loss += log_sum - row[label as usize] as f64;
        if argmax(row) == label as usize {
            correct += 1;
        }
    }
    Evaluation { loss: loss / labels.len() as f64, accuracy: correct as f64 / labels.len() as f64 }
}

/// Index of the largest value; the first one wins ties, as in numpy.
pub fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    for (index, &value) in values.iter().enumerate() {
        if value > values[best] {
            best = index;
        }
    }
    best
}

pub(crate) fn softmax_in_place(row: &mut [f32]) {
    let max = row.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
    let mut sum = 0.0f32;
    for value in row.iter_mut() {
        *value = (*value - max).exp();
        sum += *value;
    }
    for value in row.iter_mut() {
        *value /= sum;
    }
}
