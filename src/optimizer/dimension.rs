//! One named dimension and its transform to the unit interval.
//!
//! Reals map linearly (uniform prior) or through the logarithm (log-uniform
//! prior) onto [0, 1]. An integer dimension with n values splits [0, 1]
//! into n cells of width 1/n and encodes each integer at its cell centre,
//! so every integer gets the same share of the cube, end values included.
//! A categorical dimension is one-hot encoded: one column per category, so
//! the kernel sees no order between categories.

use serde::{Deserialize, Serialize};

use super::error::OptimizerError;
use super::value::Value;

/// Prior of a real dimension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Prior {
    /// Uniform between the bounds.
    Uniform,
    /// Uniform in the logarithm between the bounds (needs low > 0).
    LogUniform,
}

/// Type and range of a dimension.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum DimensionKind {
    /// A real in [low, high].
    Real { low: f64, high: f64, prior: Prior },
    /// An integer in [low, high], both inclusive.
    Integer { low: i64, high: i64 },
    /// One of the labels, unordered.
    Categorical { categories: Vec<String> },
}

/// A named dimension of the search space.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dimension {
    /// Name used in messages, results and plots.
    pub name: String,
    /// Type and range.
    #[serde(flatten)]
    pub kind: DimensionKind,
}

impl Dimension {
    /// Creates a real dimension with a uniform prior.
    pub fn real(name: &str, low: f64, high: f64) -> Self {
        Self::new(name, DimensionKind::Real { low, high, prior: Prior::Uniform })
    }

    /// Creates a real dimension with a log-uniform prior.
    pub fn log_uniform(name: &str, low: f64, high: f64) -> Self {
        Self::new(name, DimensionKind::Real { low, high, prior: Prior::LogUniform })
    }

    /// Creates an integer dimension with inclusive bounds.
    pub fn integer(name: &str, low: i64, high: i64) -> Self {
        Self::new(name, DimensionKind::Integer { low, high })
    }

    /// Creates a categorical dimension.
    pub fn categorical(name: &str, categories: &[&str]) -> Self {
        let categories = categories.iter().map(|c| c.to_string()).collect();
        Self::new(name, DimensionKind::Categorical { categories })
    }

    fn new(name: &str, kind: DimensionKind) -> Self {
        Self { name: name.to_string(), kind }
    }

    /// Checks the bounds or categories.
    pub fn validate(&self) -> Result<(), OptimizerError> {
        let name = self.name.clone();
        match &self.kind {
            DimensionKind::Real { low, high, prior } => {
                for value in [*low, *high] {
                    if !value.is_finite() {
                        return Err(OptimizerError::NonFiniteBound { name, value });
                    }
                }
                if low >= high {
                    let (low, high) = (low.to_string(), high.to_string());
                    return Err(OptimizerError::InvalidBounds { name, low, high });
                }
                if *prior == Prior::LogUniform && *low <= 0.0 {
                    return Err(OptimizerError::NonPositiveLogLow { name, low: *low });
                }
            }
            DimensionKind::Integer { low, high } => {
                if low >= high {
                    let (low, high) = (low.to_string(), high.to_string());
                    return Err(OptimizerError::InvalidBounds { name, low, high });
                }
            }
            DimensionKind::Categorical { categories } => {
                if categories.is_empty() {
                    return Err(OptimizerError::NoCategories { name });
                }
                for (i, category) in categories.iter().enumerate() {
                    if categories[..i].contains(category) {
                        let category = category.clone();
                        return Err(OptimizerError::DuplicateCategory { name, category });
                    }
                }
            }
        }
        Ok(())
    }

    /// Number of encoded columns: one, or one per category.
    pub fn n_features(&self) -> usize {
        match &self.kind {
            DimensionKind::Categorical { categories } => categories.len(),
            _ => 1,
        }
    }

    /// Number of distinct values, or `None` for a real dimension.
    pub fn cardinality(&self) -> Option<u128> {
        match &self.kind {
            DimensionKind::Real { .. } => None,
            DimensionKind::Integer { low, high } => Some((*high as i128 - *low as i128 + 1) as u128),
            DimensionKind::Categorical { categories } => Some(categories.len() as u128),
        }
    }

    /// Checks one value and converts it to the dimension's type (an integer
    /// JSON number is accepted for a real dimension, an integral real for an
    /// integer dimension).
    pub fn check_value(&self, value: &Value) -> Result<Value, OptimizerError> {
        let name = self.name.clone();
        let wrong_type = |expected| OptimizerError::WrongValueType {
            name: name.clone(),
            value: value.to_string(),
            expected,
        };
        let outside = |allowed: String| OptimizerError::OutsideSpace {
            name: name.clone(),
            value: value.to_string(),
            allowed,
        };
        match &self.kind {
            DimensionKind::Real { low, high, .. } => {
                let x = value.as_f64().ok_or_else(|| wrong_type("a real number"))?;
                if !(x >= *low && x <= *high) {
                    return Err(outside(format!("real in [{low}, {high}]")));
                }
                Ok(Value::Real(x))
            }
            DimensionKind::Integer { low, high } => {
                let i = value.as_i64().ok_or_else(|| wrong_type("an integer"))?;
                if i < *low || i > *high {
                    return Err(outside(format!("integer in [{low}, {high}]")));
                }
                Ok(Value::Integer(i))
            }
            DimensionKind::Categorical { categories } => {
                let label = value.as_str().ok_or_else(|| wrong_type("a category label"))?;
                if !categories.iter().any(|c| c == label) {
                    return Err(outside(format!("one of {categories:?}")));
                }
                Ok(value.clone())
            }
        }
    }

    /// Writes the encoded columns of a checked value into `out`.
    pub fn encode(&self, value: &Value, out: &mut [f64]) {
        match &self.kind {
            DimensionKind::Real { low, high, prior } => {
                let x = value.as_f64().expect("checked real value");
                out[0] = match prior {
                    Prior::Uniform => (x - low) / (high - low),
                    Prior::LogUniform => (x.ln() - low.ln()) / (high.ln() - low.ln()),
                }
                .clamp(0.0, 1.0);
            }
            DimensionKind::Integer { low, high } => {
                let i = value.as_i64().expect("checked integer value");
                let n = *high as f64 - *low as f64 + 1.0;
                out[0] = ((i - low) as f64 + 0.5) / n;
            }
            DimensionKind::Categorical { categories } => {
                let label = value.as_str().expect("checked categorical value");
                for (column, category) in out.iter_mut().zip(categories) {
                    *column = if category == label { 1.0 } else { 0.0 };
                }
            }
        }
    }

    /// Decodes encoded columns (any reals; clamped to [0, 1]) to a value:
    /// the integer whose cell contains the column, the category with the
    /// largest column.
    pub fn decode(&self, columns: &[f64]) -> Value {
        match &self.kind {
            DimensionKind::Real { low, high, prior } => {
                let u = columns[0].clamp(0.0, 1.0);
                let x = match prior {
                    Prior::Uniform => low + u * (high - low),
                    Prior::LogUniform => (low.ln() + u * (high.ln() - low.ln())).exp(),
                };
                // The end points decode exactly, so round trips keep the bounds.
                let x = if u <= 0.0 { *low } else if u >= 1.0 { *high } else { x };
                Value::Real(x.clamp(*low, *high))
            }
            DimensionKind::Integer { low, high } => {
                let n = *high as f64 - *low as f64 + 1.0;
                let cell = (columns[0].clamp(0.0, 1.0) * n).floor() as i64;
                Value::Integer((low + cell).min(*high))
            }
            DimensionKind::Categorical { categories } => {
                let mut best = 0;
                for (i, column) in columns.iter().enumerate() {
                    if *column > columns[best] {
                        best = i;
                    }
                }
                Value::Categorical(categories[best].clone())
            }
        }
    }

    /// Maps one uniform sample u in [0, 1] to a value: reals by their prior,
    /// integers and categories by equal-width cells.
    pub fn sample(&self, u: f64) -> Value {
        match &self.kind {
            DimensionKind::Categorical { categories } => {
                let n = categories.len();
                let index = ((u.clamp(0.0, 1.0) * n as f64).floor() as usize).min(n - 1);
                Value::Categorical(categories[index].clone())
            }
            _ => self.decode(&[u]),
        }
    }

    /// Index of a checked value in its dimension's key: bits of a real,
    /// offset of an integer, index of a category.
    pub(crate) fn key(&self, value: &Value) -> u64 {
        match &self.kind {
            DimensionKind::Real { .. } => value.as_f64().map(f64::to_bits).unwrap_or(0),
            DimensionKind::Integer { low, .. } => (value.as_i64().unwrap_or(*low) - low) as u64,
            DimensionKind::Categorical { categories } => {
                let label = value.as_str().unwrap_or("");
                categories.iter().position(|c| c == label).unwrap_or(0) as u64
            }
        }
    }

    /// The value with index `index` of a finite dimension.
    pub(crate) fn value_at(&self, index: u128) -> Value {
        match &self.kind {
            DimensionKind::Integer { low, .. } => Value::Integer(low + index as i64),
            DimensionKind::Categorical { categories } => Value::Categorical(categories[index as usize].clone()),
            DimensionKind::Real { .. } => unreachable!("a real dimension is not finite"),
        }
    }
}
