use std::collections::BTreeMap;

use crate::model::Activation;
use crate::optimizer::{Point, Space, Value};
use crate::training::TrainConfig;

use super::spec::{SearchSpec, SpecError};

/// The hyper-parameters a search can vary or fix.
pub const HYPER_PARAMETERS: [&str; 5] =
    ["learning_rate", "num_dense_layers", "num_dense_nodes", "activation", "batch_size"];

/// Names a point's values, adding the fixed hyper-parameters.
pub fn named_params(space: &Space, spec: &SearchSpec, point: &Point) -> BTreeMap<String, Value> {
    let mut params = spec.fixed();
    for (dimension, value) in space.dimensions().iter().zip(point) {
        params.insert(dimension.name.clone(), value.clone());
    }
    params
}

/// Builds the training settings of one trial: its hyper-parameters over the
/// spec's defaults (lr 1e-3, 2 x 165 relu, the spec's batch size and epochs).
pub fn trial_config(spec: &SearchSpec, params: &BTreeMap<String, Value>) -> Result<TrainConfig, SpecError> {
    let mut config = TrainConfig {
        batch_size: spec.batch_size,
        epochs: spec.epochs,
        seed: spec.train_seed,
        ..TrainConfig::default()
    };
    for (name, value) in params {
        check_fixed(name, value)?;
        match name.as_str() {
            "learning_rate" => config.learning_rate = value.as_f64().unwrap_or_default(),
            "num_dense_layers" => config.num_dense_layers = value.as_i64().unwrap_or_default() as usize,
            "num_dense_nodes" => config.num_dense_nodes = value.as_i64().unwrap_or_default() as usize,
            "batch_size" => config.batch_size = value.as_i64().unwrap_or_default() as usize,
            "activation" => config.activation = value.as_str().unwrap_or_default().parse().expect("checked above"),
            _ => return Err(SpecError::UnknownName(name.clone())),
        }
    }
    Ok(config)
}

/// Checks that `value` suits the hyper-parameter `name`.
pub(crate) fn check_fixed(name: &str, value: &Value) -> Result<(), SpecError> {
    let invalid = |reason: String| Err(SpecError::InvalidRange { name: name.to_string(), reason });
    match name {
        "learning_rate" => match value.as_f64() {
            Some(lr) if lr.is_finite() && lr > 0.0 => Ok(()),
            _ => invalid(format!("the learning rate must be a positive number, got {value}")),
        },
        "num_dense_layers" | "num_dense_nodes" | "batch_size" => match value.as_i64() {
            Some(n) if n >= 1 => Ok(()),
            _ => invalid(format!("expected a whole number of at least 1, got {value}")),
        },
        "activation" => match value.as_str().map(str::parse::<Activation>) {
            Some(Ok(_)) => Ok(()),
            _ => invalid(format!("expected relu or sigmoid, got {value}")),
        },
        _ => Err(SpecError::UnknownName(name.to_string())),
    }
}

/// Formats a compact description such as `lr 1.42e-3, 2 x 165 relu, batch 128`.
pub fn describe_params(config: &TrainConfig) -> String {
    format!(
        "lr {:.2e}, {} x {} {}, batch {}",
        config.learning_rate, config.num_dense_layers, config.num_dense_nodes, config.activation, config.batch_size
    )
}
