//! Point values: what the objective receives and what results store.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One coordinate of a point. Serialized untagged, so a point reads as
/// `[0.001, 2, 165, "relu"]` in JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// A value of an integer dimension.
    Integer(i64),
    /// A value of a real dimension.
    Real(f64),
    /// A label of a categorical dimension.
    Categorical(String),
}

/// A point of the search space: one value per dimension, in order.
pub type Point = Vec<Value>;

impl Value {
    /// Returns the value as `f64` for reals and integers.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Integer(i) => Some(*i as f64),
            Value::Real(x) => Some(*x),
            Value::Categorical(_) => None,
        }
    }

    /// Returns the integer, also for a real with no fractional part.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Integer(i) => Some(*i),
            Value::Real(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Some(*x as i64),
            _ => None,
        }
    }

    /// Returns the label of a categorical value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Categorical(s) => Some(s),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Integer(i) => write!(f, "{i}"),
            Value::Real(x) => write!(f, "{x}"),
            Value::Categorical(s) => write!(f, "{s:?}"),
        }
    }
}

/// Formats a point as its JSON array, for logs and messages.
pub fn format_point(point: &[Value]) -> String {
    serde_json::to_string(point).unwrap_or_else(|_| format!("{point:?}"))
}

/// Exact identity of a point, for detecting repeated proposals: reals by
/// bit pattern, integers by value, categories by index.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PointKey(pub(crate) Vec<u64>);
