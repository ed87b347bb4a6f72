//! The TOML search-space file (`--space FILE`). Every key is optional and
//! overrides the lab's default:
//!
//! ```toml
//! n_calls = 15
//! n_initial_points = 4
//! initial_design = "sobol"     # random, sobol, lhs, halton
//! surrogate = "gp"             # gp, forest, random
//! acquisition = "ei"           # ei, pi, lcb, log_ei, gp_hedge
//! seed = 0
//! epochs = 3
//! batch_size = 128
//! prune_margin = 0.2           # accuracy units; 0 trains every trial to the end
//!
//! [dimensions.learning_rate]
//! low = 1e-6
//! high = 1e-2
//! prior = "log-uniform"        # or "uniform"
//!
//! [dimensions.num_dense_nodes]
//! low = 5
//! high = 512
//!
//! [dimensions.batch_size]      # adds batch size as a searched dimension
//! low = 16
//! high = 256
//!
//! [dimensions.activation]
//! value = "relu"               # fixes a dimension
//!
//! [[x0]]                       # replaces the default point
//! learning_rate = 1e-5
//! num_dense_layers = 1
//! num_dense_nodes = 16
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};
use serde::Deserialize;

use super::spec::{DimensionSpec, SearchSpec};
use crate::optimizer::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecFile {
    n_calls: Option<usize>,
    n_initial_points: Option<usize>,
    initial_design: Option<String>,
    surrogate: Option<String>,
    acquisition: Option<String>,
    seed: Option<u64>,
    epochs: Option<usize>,
    batch_size: Option<usize>,
    prune_margin: Option<f64>,
    #[serde(default)]
    dimensions: BTreeMap<String, DimensionEntry>,
    x0: Option<Vec<BTreeMap<String, toml::Value>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DimensionEntry {
    low: Option<toml::Value>,
    high: Option<toml::Value>,
    prior: Option<String>,
    categories: Option<Vec<String>>,
    value: Option<toml::Value>,
}

/// Applies a space file to `spec`.
pub fn parse_spec_file(path: &Path, spec: &mut SearchSpec) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read --space {}", path.display()))?;
    apply_spec_text(&text, spec).with_context(|| format!("invalid --space {}", path.display()))
}

pub(crate) fn apply_spec_text(text: &str, spec: &mut SearchSpec) -> anyhow::Result<()> {
    let file: SpecFile = toml::from_str(text)?;
    if let Some(n) = file.n_calls {
        spec.n_calls = n;
    }
    if let Some(n) = file.n_initial_points {
        spec.n_initial_points = n;
    }
    if let Some(name) = &file.initial_design {
        spec.initial_design = name.parse()?;
    }
    if let Some(name) = &file.surrogate {
        spec.surrogate = name.parse()?;
    }
    if let Some(name) = &file.acquisition {
        spec.acquisition = name.parse()?;
    }
    if let Some(seed) = file.seed {
        spec.seed = seed;
    }
    if let Some(epochs) = file.epochs {
        spec.epochs = epochs;
    }
    if let Some(batch_size) = file.batch_size {
        spec.batch_size = batch_size;
    }
    if let Some(margin) = file.prune_margin {
        spec.prune_margin = (margin != 0.0).then_some(margin);
    }
    for (name, entry) in &file.dimensions {
        let dimension = dimension_from_entry(name, entry)?;
        match dimension {
            DimensionSpec::Fixed { value } => spec.fix(name, value),
            other => spec.set_dimension(name, other),
        }
    }
    if let Some(points) = &file.x0 {
        spec.x0 = points
            .iter()
            .map(|point| point.iter().map(|(name, value)| Ok((name.clone(), to_value(name, value)?))).collect())
            .collect::<anyhow::Result<_>>()?;
    }
    spec.build()?;
    Ok(())
}

fn dimension_from_entry(name: &str, entry: &DimensionEntry) -> anyhow::Result<DimensionSpec> {
    if let Some(value) = &entry.value {
        if entry.low.is_some() || entry.high.is_some() || entry.categories.is_some() {
            bail!("dimension '{name}': give either value (fixed) or a range, not both");
        }
        return Ok(DimensionSpec::Fixed { value: to_value(name, value)? });
    }
    if let Some(categories) = &entry.categories {
        if categories.len() == 1 {
            return Ok(DimensionSpec::Fixed { value: Value::Categorical(categories[0].clone()) });
        }
        return Ok(DimensionSpec::Categorical { categories: categories.clone() });
    }
    let (Some(low), Some(high)) = (&entry.low, &entry.high) else {
        bail!("dimension '{name}': give low and high, categories, or value");
    };
    match (low, high) {
        (toml::Value::Integer(low), toml::Value::Integer(high)) if entry.prior.is_none() && name != "learning_rate" => {
            Ok(DimensionSpec::Integer { low: *low, high: *high })
        }
        _ => {
            let number = |v: &toml::Value| match v {
                toml::Value::Integer(i) => Ok(*i as f64),
                toml::Value::Float(x) => Ok(*x),
                other => Err(anyhow::anyhow!("dimension '{name}': bound {other} is not a number")),
            };
            let log_uniform = match entry.prior.as_deref() {
                None => name == "learning_rate",
                Some("log-uniform") => true,
                Some("uniform") => false,
                Some(other) => bail!("dimension '{name}': unknown prior '{other}', expected uniform or log-uniform"),
            };
            Ok(DimensionSpec::Real { low: number(low)?, high: number(high)?, log_uniform })
        }
    }
}

fn to_value(name: &str, value: &toml::Value) -> anyhow::Result<Value> {
    match value {
        toml::Value::Integer(i) if name == "learning_rate" => Ok(Value::Real(*i as f64)),
        toml::Value::Integer(i) => Ok(Value::Integer(*i)),
        toml::Value::Float(x) => Ok(Value::Real(*x)),
        toml::Value::String(s) => Ok(Value::Categorical(s.clone())),
        other => bail!("'{name}': {other} is not a number or a label"),
    }
}
