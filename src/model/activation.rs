use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Activation function of the hidden dense layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    Relu,
    Sigmoid,
}

impl Activation {
    pub const ALL: [Activation; 2] = [Activation::Relu, Activation::Sigmoid];

    pub fn name(self) -> &'static str {
        match self {
            Activation::Relu => "relu",
            Activation::Sigmoid => "sigmoid",
        }
    }

    /// Applies the activation to one value, the reference for every backend.
    pub fn apply_f32(self, x: f32) -> f32 {
        match self {
            Activation::Relu => x.max(0.0),
            Activation::Sigmoid => 1.0 / (1.0 + (-x).exp()),
        }
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Error for an activation name other than `relu` or `sigmoid`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown activation '{0}': expected relu or sigmoid")]
pub struct ParseActivationError(pub String);

impl FromStr for Activation {
    type Err = ParseActivationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "relu" => Ok(Activation::Relu),
            "sigmoid" => Ok(Activation::Sigmoid),
            _ => Err(ParseActivationError(s.to_string())),
        }
    }
}
