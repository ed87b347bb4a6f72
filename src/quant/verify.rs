//! Verification in tract: float and int8 accuracy, agreement, per-layer SQNR,
//! and, for the DPU, the match with the integer reference.

use serde::{Deserialize, Serialize};
use tract_onnx::pb::ModelProto;

use super::calib_set::check_image_set;
use super::dpu::DpuModel;
use super::float_model::{build_float_model, layer_output_name};
use super::int8_model::{LOGITS_NAME, layer_output_q_name};
use super::tract_run::TractModel;
use super::{ModelFormat, QuantError, QuantParams, ScaleKind, Target};
use crate::model::{Activation, INPUT_SIZE, MlpWeights, NUM_CLASSES};

/// Images per tract run during verification.
const VERIFY_BATCH: usize = 1000;

/// Signal-to-quantization-noise ratio of one layer's output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerSqnr {
    /// Layer name; the output layer's tensor is the logits.
    pub layer: String,
    /// `10 log10(sum(float^2) / sum((float - int8)^2))` in dB over all test
    /// images; `None` where the int8 tensor equals the float one.
    pub sqnr_db: Option<f64>,
}

/// Agreement of the tract int8 model with the DPU integer reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DpuReferenceCheck {
    /// Accuracy of the integer reference, in percent.
    pub accuracy_pct: f64,
    /// Share of images whose int8 logits from tract equal the reference's bit for bit, in percent.
    pub identical_logits_pct: f64,
}

/// Verification results, saved as verify.json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifyReport {
    pub images: usize,
    pub scale: ScaleKind,
    pub target: Target,
    pub format: ModelFormat,
    /// Float model in tract, in percent.
    pub float_accuracy_pct: f64,
    /// int8 model in tract, in percent; for a sigmoid model on the DPU target
    /// this is the DPU's prediction with the hard sigmoid.
    pub int8_accuracy_pct: f64,
    /// `float_accuracy_pct - int8_accuracy_pct`, in percentage points.
    pub drop_points: f64,
    /// Share of images where both models predict the same class, in percent.
    pub agreement_pct: f64,
    pub layers: Vec<LayerSqnr>,
    /// Present for power-of-two scales on the DPU target.
    pub dpu_reference: Option<DpuReferenceCheck>,
    pub warnings: Vec<String>,
}

impl VerifyReport {
    /// Fails when int8 accuracy is more than `max_drop_points` below float accuracy.
    pub fn check_max_drop(&self, max_drop_points: f64) -> Result<(), QuantError> {
        if self.drop_points > max_drop_points {
            return Err(QuantError::AccuracyDrop {
                float_accuracy_pct: self.float_accuracy_pct,
                int8_accuracy_pct: self.int8_accuracy_pct,
                drop_points: self.drop_points,
                max_drop_points,
            });
        }
        Ok(())
    }

    /// Human-readable lines for the terminal.
    pub fn summary(&self) -> String {
        let mut lines = vec![
            format!("test images:     {}", self.images),
            format!("float accuracy:  {:.2} %", self.float_accuracy_pct),
            format!(
                "int8 accuracy:   {:.2} % ({} scales, {} target, {} format)",
                self.int8_accuracy_pct, self.scale, self.target, self.format
            ),
            format!("drop:            {:.2} points", self.drop_points),
            format!("agreement:       {:.2} %", self.agreement_pct),
        ];
        for layer in &self.layers {
            let sqnr = layer
                .sqnr_db
                .map_or("exact".to_string(), |db| format!("{db:.1} dB"));
            lines.push(format!("SQNR {:<10} {sqnr}", layer.layer));
        }
        if let Some(dpu) = &self.dpu_reference {
            lines.push(format!(
                "DPU integer reference: {:.2} %, identical int8 logits on {:.2} % of images",
                dpu.accuracy_pct, dpu.identical_logits_pct
            ));
        }
        for warning in &self.warnings {
            lines.push(format!("warning: {warning}"));
        }
        lines.join("\n")
    }
}

/// Returns the warning for a sigmoid model on the DPU target, `None` otherwise.
pub fn sigmoid_warning(weights: &MlpWeights, target: Target) -> Option<String> {
    (weights.activation == Activation::Sigmoid && target == Target::Dpu).then(|| {
        "the DPU replaces sigmoid with the hard sigmoid relu6(x + 3) * 2731 / 2^14, so this model computes a different \
         function on the board; the int8 accuracy is the DPU prediction, and --target generic keeps sigmoid"
            .to_string()
    })
}

/// Runs the float model and `int8_model` in tract over the test images.
pub fn verify(
    weights: &MlpWeights,
    params: &QuantParams,
    int8_model: &ModelProto,
    images: &[f32],
    labels: &[u8],
) -> Result<VerifyReport, QuantError> {
    check_image_set(images, labels)?;
    if labels.is_empty() {
        return Err(QuantError::NoImages { what: "test" });
    }
    let hidden: Vec<&str> = weights.layers[..weights.layers.len() - 1]
        .iter()
        .map(|layer| layer.name.as_str())
        .collect();

    let mut float_outputs = vec![LOGITS_NAME.to_string()];
    float_outputs.extend(hidden.iter().map(|name| layer_output_name(name)));
    let mut int8_outputs = vec![LOGITS_NAME.to_string()];
    int8_outputs.extend(hidden.iter().map(|name| layer_output_q_name(name)));
    let run_float = || {
        TractModel::load(&build_float_model(weights)?, &float_outputs)?.run_batched(
            images,
            INPUT_SIZE,
            VERIFY_BATCH,
        )
    };
    let run_int8 = || {
        TractModel::load(int8_model, &int8_outputs)?.run_batched(images, INPUT_SIZE, VERIFY_BATCH)
    };
    let run_dpu = || {
        let simulated =
            params.settings.scale == ScaleKind::Pow2 && params.settings.target == Target::Dpu;
        simulated
            .then(|| {
                DpuModel::new(weights, params).map(|dpu| dpu.logits_f32(&dpu.forward_i8(images)))
            })
            .transpose()
    };
    // The three passes are independent, so they run side by side on the
    // rayon pool (one thread per core).
    let (float_results, (int8_results, dpu_logits)) =
        rayon::join(run_float, || rayon::join(run_int8, run_dpu));
    let (float_results, int8_results, dpu_logits) = (float_results?, int8_results?, dpu_logits?);

    let float_predictions = argmax_rows(&float_results[0]);
    let int8_predictions = argmax_rows(&int8_results[0]);
    let float_accuracy_pct = accuracy_pct(&float_predictions, labels);
    let int8_accuracy_pct = accuracy_pct(&int8_predictions, labels);
    let agreement_pct = share_pct(
        float_predictions
            .iter()
            .zip(&int8_predictions)
            .filter(|(a, b)| a == b)
            .count(),
        labels.len(),
    );

    let mut layers = Vec::with_capacity(weights.layers.len());
    for (index, name) in hidden.iter().enumerate() {
        let scale = params.layers[index].output.scale;
        let dequantized: Vec<f32> = int8_results[index + 1].iter().map(|&q| q * scale).collect();
        layers.push(LayerSqnr {
            layer: name.to_string(),
            sqnr_db: sqnr_db(&float_results[index + 1], &dequantized),
        });
    }
    let output_layer = &weights.layers[weights.layers.len() - 1].name;
    layers.push(LayerSqnr {
        layer: output_layer.clone(),
        sqnr_db: sqnr_db(&float_results[0], &int8_results[0]),
    });

    let dpu_reference =
        dpu_logits.map(|logits| check_dpu_reference(&logits, labels, &int8_results[0]));

    Ok(VerifyReport {
        images: labels.len(),
        scale: params.settings.scale,
        target: params.settings.target,
        format: params.settings.format,
        float_accuracy_pct,
        int8_accuracy_pct,
        drop_points: float_accuracy_pct - int8_accuracy_pct,
        agreement_pct,
        layers,
        dpu_reference,
        warnings: sigmoid_warning(weights, params.settings.target)
            .into_iter()
            .collect(),
    })
}

/// Compares the DPU reference's float logits with tract's.
fn check_dpu_reference(logits: &[f32], labels: &[u8], tract_logits: &[f32]) -> DpuReferenceCheck {
    let identical = logits
        .chunks(NUM_CLASSES)
        .zip(tract_logits.chunks(NUM_CLASSES))
        .filter(|(a, b)| a == b)
        .count();
    DpuReferenceCheck {
        accuracy_pct: accuracy_pct(&argmax_rows(logits), labels),
        identical_logits_pct: share_pct(identical, labels.len()),
    }
}

/// Index of the largest value of each row of 10; the first one on ties.
pub fn argmax_rows(logits: &[f32]) -> Vec<usize> {
    logits
        .chunks(NUM_CLASSES)
        .map(|row| {
            row.iter()
                .enumerate()
                .fold(0, |best, (i, &v)| if v > row[best] { i } else { best })
        })
        .collect()
}

fn accuracy_pct(predictions: &[usize], labels: &[u8]) -> f64 {
    share_pct(
        predictions
            .iter()
            .zip(labels)
            .filter(|(p, l)| **p == **l as usize)
            .count(),
        labels.len(),
    )
}

fn share_pct(count: usize, total: usize) -> f64 {
    100.0 * count as f64 / total as f64
}

/// SQNR in dB; `None` when the noise is zero.
pub fn sqnr_db(reference: &[f32], quantized: &[f32]) -> Option<f64> {
    let signal: f64 = reference.iter().map(|&x| (x as f64).powi(2)).sum();
    let noise: f64 = reference
        .iter()
        .zip(quantized)
        .map(|(&x, &q)| (x as f64 - q as f64).powi(2))
        .sum();
    (noise > 0.0).then(|| 10.0 * (signal / noise).log10())
}
