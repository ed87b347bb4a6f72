use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::data::DataSettings;
use crate::model::Activation;
use crate::optimizer::{
    AcquisitionKind, DEFAULT_N_INITIAL_POINTS, Dimension, InitialDesign, OptimizerConfig, Space, SurrogateKind, Value,
};
use crate::training::TrainConfig;

use super::hyper::HYPER_PARAMETERS;

/// One searched hyper-parameter, or one fixed to a value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum DimensionSpec {
    /// A real range; `log_uniform` samples it uniformly in log space.
    Real { low: f64, high: f64, log_uniform: bool },
    /// An integer range, bounds included.
    Integer { low: i64, high: i64 },
    /// Unordered labels.
    Categorical { categories: Vec<String> },
    /// Not searched: every trial uses this value.
    Fixed { value: Value },
}

/// Everything that defines a search: the space, x0, the optimizer, how each
/// trial trains, and the data. Saved as run.json so a run can resume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchSpec {
    /// Hyper-parameter name to its range or fixed value, in search order.
    pub dimensions: Vec<(String, DimensionSpec)>,
    /// Points evaluated first, as name to value (searched dimensions only).
    pub x0: Vec<BTreeMap<String, Value>>,
    /// Total trials, x0 included (as scikit-optimize counts them).
    pub n_calls: usize,
    pub n_initial_points: usize,
    pub initial_design: InitialDesign,
    pub surrogate: SurrogateKind,
    pub acquisition: AcquisitionKind,
    /// Seed of the optimizer.
    pub seed: u64,
    /// Seed of every trial's weight initialization and shuffles, the same for
    /// all trials so that a point's result does not depend on its position.
    pub train_seed: u64,
    /// Training settings of dimensions that are neither searched nor fixed.
    pub epochs: usize,
    pub batch_size: usize,
    /// Stop a trial after an epoch (not the last) whose validation accuracy is
    /// more than this many accuracy units below the best final validation
    /// accuracy found when the trial started. `None` trains every trial to the
    /// end, as the lab does; runs saved without this field did not prune.
    #[serde(default)]
    pub prune_margin: Option<f64>,
    pub data: DataSettings,
}

/// Default pruning margin in accuracy units (0.2 = 20 points). In the
/// default searches of seeds 0 to 4, the 20 trials this margin stops would
/// all have finished at least 6 points below the best, and their remaining
/// epochs were 18 % of the trial time.
pub const DEFAULT_PRUNE_MARGIN: f64 = 0.2;

/// An invalid search specification, naming the dimension or setting.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    #[error("unknown hyper-parameter '{0}': expected one of learning_rate, num_dense_layers, num_dense_nodes, activation, batch_size")]
    UnknownName(String),
    #[error("hyper-parameter '{0}' is given twice")]
    Duplicate(String),
    #[error("invalid range for '{name}': {reason}")]
    InvalidRange { name: String, reason: String },
    #[error("x0 point {index}: {reason}")]
    InvalidX0 { index: usize, reason: String },
    #[error("invalid {name} {value}: {hint}")]
    InvalidSetting { name: &'static str, value: String, hint: &'static str },
    #[error("every hyper-parameter is fixed: search at least one, for example learning_rate")]
    NothingToSearch,
    #[error(transparent)]
    Optimizer(#[from] crate::optimizer::OptimizerError),
}

impl Default for SearchSpec {
    /// Returns the lab's search. It varies the learning rate in 1e-6..1e-2
    /// (log), 1..5 layers, 5..512 nodes and relu or sigmoid, starts at x0
    /// [1e-5, 1, 16, relu], and makes 15 EI calls of batch 128, 3 epochs and
    /// split 7:2:1.
    fn default() -> Self {
        let x0 = BTreeMap::from([
            ("learning_rate".to_string(), Value::Real(1e-5)),
            ("num_dense_layers".to_string(), Value::Integer(1)),
            ("num_dense_nodes".to_string(), Value::Integer(16)),
            ("activation".to_string(), Value::Categorical("relu".into())),
        ]);
        SearchSpec {
            dimensions: vec![
                ("learning_rate".into(), DimensionSpec::Real { low: 1e-6, high: 1e-2, log_uniform: true }),
                ("num_dense_layers".into(), DimensionSpec::Integer { low: 1, high: 5 }),
                ("num_dense_nodes".into(), DimensionSpec::Integer { low: 5, high: 512 }),
                ("activation".into(), DimensionSpec::Categorical { categories: vec!["relu".into(), "sigmoid".into()] }),
            ],
            x0: vec![x0],
            n_calls: 15,
            n_initial_points: DEFAULT_N_INITIAL_POINTS,
            initial_design: InitialDesign::Sobol,
            surrogate: SurrogateKind::Gp,
            acquisition: AcquisitionKind::Ei,
            seed: 0,
            train_seed: TrainConfig::DEFAULT_SEED,
            epochs: TrainConfig::DEFAULT_EPOCHS,
            batch_size: TrainConfig::DEFAULT_BATCH_SIZE,
            prune_margin: Some(DEFAULT_PRUNE_MARGIN),
            data: DataSettings::default(),
        }
    }
}

impl SearchSpec {
    /// Sets or replaces a dimension, keeping the order of the others.
    pub fn set_dimension(&mut self, name: &str, spec: DimensionSpec) {
        match self.dimensions.iter_mut().find(|(n, _)| n == name) {
            Some((_, existing)) => *existing = spec,
            None => self.dimensions.push((name.to_string(), spec)),
        }
    }

    /// Fixes a dimension and drops it from the x0 points.
    pub fn fix(&mut self, name: &str, value: Value) {
        self.set_dimension(name, DimensionSpec::Fixed { value });
        for point in &mut self.x0 {
            point.remove(name);
        }
    }

    /// Checks the spec and builds the optimizer's space (searched dimensions
    /// only) and configuration.
    pub fn build(&self) -> Result<(Space, OptimizerConfig), SpecError> {
        let mut seen = Vec::new();
        let mut dimensions = Vec::new();
        for (name, spec) in &self.dimensions {
            if !HYPER_PARAMETERS.contains(&name.as_str()) {
                return Err(SpecError::UnknownName(name.clone()));
            }
            if seen.contains(name) {
                return Err(SpecError::Duplicate(name.clone()));
            }
            seen.push(name.clone());
            check_dimension(name, spec)?;
            let dimension = match spec {
                DimensionSpec::Real { low, high, log_uniform: true } => Dimension::log_uniform(name, *low, *high),
                DimensionSpec::Real { low, high, log_uniform: false } => Dimension::real(name, *low, *high),
                DimensionSpec::Integer { low, high } => Dimension::integer(name, *low, *high),
                DimensionSpec::Categorical { categories } => {
                    let labels: Vec<&str> = categories.iter().map(String::as_str).collect();
                    Dimension::categorical(name, &labels)
                }
                DimensionSpec::Fixed { .. } => continue,
            };
            dimensions.push(dimension);
        }
        if dimensions.is_empty() {
            return Err(SpecError::NothingToSearch);
        }
        let space = Space::new(dimensions)?;

        if self.n_calls == 0 {
            return Err(SpecError::InvalidSetting { name: "n_calls", value: "0".into(), hint: "use at least 1 call" });
        }
        if self.epochs == 0 {
            return Err(SpecError::InvalidSetting { name: "epochs", value: "0".into(), hint: "use at least 1 epoch" });
        }
        if self.batch_size == 0 {
            return Err(SpecError::InvalidSetting { name: "batch size", value: "0".into(), hint: "use at least 1" });
        }
        if let Some(margin) = self.prune_margin
            && !(margin > 0.0 && margin <= 1.0)
        {
            return Err(SpecError::InvalidSetting {
                name: "prune margin",
                value: margin.to_string(),
                hint: "use an accuracy difference in (0, 1], for example 0.2, or turn pruning off",
            });
        }

        let mut x0 = Vec::with_capacity(self.x0.len());
        for (index, named) in self.x0.iter().enumerate() {
            let mut point = Vec::with_capacity(space.len());
            for dimension in space.dimensions() {
                let value = named.get(&dimension.name).ok_or_else(|| SpecError::InvalidX0 {
                    index: index + 1,
                    reason: format!("no value for '{}'", dimension.name),
                })?;
                point.push(value.clone());
            }
            if let Some(extra) = named.keys().find(|key| space.dimensions().iter().all(|d| &d.name != *key)) {
                return Err(SpecError::InvalidX0 {
                    index: index + 1,
                    reason: format!("'{extra}' is not a searched hyper-parameter"),
                });
            }
            space.check_point(&point).map_err(|error| SpecError::InvalidX0 { index: index + 1, reason: error.to_string() })?;
            x0.push(point);
        }

        let config = OptimizerConfig {
            surrogate: self.surrogate,
            acquisition: self.acquisition,
            n_initial_points: self.n_initial_points,
            initial_design: self.initial_design,
            x0,
            seed: self.seed,
            ..OptimizerConfig::default()
        };
        config.validate()?;
        Ok((space, config))
    }

    /// Returns the fixed hyper-parameters as name to value.
    pub fn fixed(&self) -> BTreeMap<String, Value> {
        self.dimensions
            .iter()
            .filter_map(|(name, spec)| match spec {
                DimensionSpec::Fixed { value } => Some((name.clone(), value.clone())),
                _ => None,
            })
            .collect()
    }
}

fn check_dimension(name: &str, spec: &DimensionSpec) -> Result<(), SpecError> {
    let invalid = |reason: String| Err(SpecError::InvalidRange { name: name.to_string(), reason });
    match (name, spec) {
        ("learning_rate", DimensionSpec::Real { low, .. }) if *low <= 0.0 => {
            invalid(format!("the learning rate must be positive, got low = {low}"))
        }
        ("learning_rate", DimensionSpec::Integer { .. } | DimensionSpec::Categorical { .. }) => {
            invalid("the learning rate is a real range, for example low = 1e-6, high = 1e-2".into())
        }
        ("num_dense_layers" | "num_dense_nodes" | "batch_size", DimensionSpec::Integer { low, .. }) if *low < 1 => {
            invalid(format!("the lower bound must be at least 1, got {low}"))
        }
        ("num_dense_layers" | "num_dense_nodes" | "batch_size", DimensionSpec::Real { .. } | DimensionSpec::Categorical { .. }) => {
            invalid("this hyper-parameter is an integer range, for example low = 1, high = 5".into())
        }
        ("activation", DimensionSpec::Categorical { categories }) => {
            match categories.iter().find(|c| c.parse::<Activation>().is_err()) {
                Some(bad) => invalid(format!("unknown activation '{bad}': expected relu or sigmoid")),
                None => Ok(()),
            }
        }
        ("activation", DimensionSpec::Real { .. } | DimensionSpec::Integer { .. }) => {
            invalid("the activation is categorical, for example categories = [\"relu\", \"sigmoid\"]".into())
        }
        (_, DimensionSpec::Fixed { value }) => super::hyper::check_fixed(name, value),
        _ => Ok(()),
    }
}
