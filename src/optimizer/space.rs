//! The search space: an ordered list of named dimensions, with the
//! transform of whole points to encoded feature vectors in the unit cube.

use std::collections::HashSet;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::dimension::Dimension;
use super::error::OptimizerError;
use super::value::{Point, PointKey};

/// A validated search space.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Dimension>", into = "Vec<Dimension>")]
pub struct Space {
    dimensions: Vec<Dimension>,
    /// Start column of each dimension in the encoded vector, plus the total.
    offsets: Vec<usize>,
}

impl Space {
    /// Validates the dimensions: at least one, unique names, valid bounds
    /// and categories.
    pub fn new(dimensions: Vec<Dimension>) -> Result<Self, OptimizerError> {
        if dimensions.is_empty() {
            return Err(OptimizerError::EmptySpace);
        }
        let mut names = HashSet::new();
        for dimension in &dimensions {
            if !names.insert(dimension.name.as_str()) {
                return Err(OptimizerError::DuplicateName { name: dimension.name.clone() });
            }
            dimension.validate()?;
        }

        let mut offsets = vec![0];
        for dimension in &dimensions {
            offsets.push(offsets.last().unwrap() + dimension.n_features());
        }
        Ok(Self { dimensions, offsets })
    }

    /// The dimensions in order.
    pub fn dimensions(&self) -> &[Dimension] {
        &self.dimensions
    }

    /// Number of dimensions.
    pub fn len(&self) -> usize {
        self.dimensions.len()
    }

    /// Always false: a space has at least one dimension.
    pub fn is_empty(&self) -> bool {
        self.dimensions.is_empty()
    }

    /// Width of an encoded point (categories take one column each).
    pub fn n_features(&self) -> usize {
        *self.offsets.last().unwrap()
    }

    /// Encoded columns of dimension `index`.
    pub fn feature_columns(&self, index: usize) -> Range<usize> {
        self.offsets[index]..self.offsets[index + 1]
    }

    /// Number of points of an all-integer/categorical space, `None` when a
    /// real dimension makes it infinite (saturates at `u128::MAX`).
    pub fn cardinality(&self) -> Option<u128> {
        let mut total: u128 = 1;
        for dimension in &self.dimensions {
            total = total.saturating_mul(dimension.cardinality()?);
        }
        Some(total)
    }

    /// Checks a point and converts its values to the dimension types.
    pub fn check_point(&self, point: &[super::value::Value]) -> Result<Point, OptimizerError> {
        if point.len() != self.len() {
            return Err(OptimizerError::PointLength { expected: self.len(), found: point.len() });
        }
        self.dimensions.iter().zip(point).map(|(d, v)| d.check_value(v)).collect()
    }

    /// Encodes a checked point into the unit cube.
    pub fn transform(&self, point: &[super::value::Value]) -> Vec<f64> {
        let mut features = vec![0.0; self.n_features()];
        for (i, (dimension, value)) in self.dimensions.iter().zip(point).enumerate() {
            dimension.encode(value, &mut features[self.feature_columns(i)]);
        }
        features
    }

    /// Decodes a feature vector (values outside [0, 1] are clamped) to the
    /// nearest point of the space.
    pub fn inverse_transform(&self, features: &[f64]) -> Point {
        (0..self.len()).map(|i| self.dimensions[i].decode(&features[self.feature_columns(i)])).collect()
    }

    /// Maps one uniform sample per dimension to a point.
    pub fn sample(&self, unit: &[f64]) -> Point {
        self.dimensions.iter().zip(unit).map(|(d, u)| d.sample(*u)).collect()
    }

    /// The exact identity of a checked point.
    pub fn key(&self, point: &[super::value::Value]) -> PointKey {
        PointKey(self.dimensions.iter().zip(point).map(|(d, v)| d.key(v)).collect())
    }

    /// Every point of a finite space, last dimension varying fastest, or
    /// `None` when the space is infinite or has more than `limit` points.
    pub fn enumerate(&self, limit: u128) -> Option<Vec<Point>> {
        let cardinality = self.cardinality()?;
        if cardinality > limit {
            return None;
        }
        let sizes: Vec<u128> = self.dimensions.iter().map(|d| d.cardinality().unwrap()).collect();
        let points = (0..cardinality)
            .map(|mut index| {
                let mut point = vec![super::value::Value::Integer(0); self.len()];
                for i in (0..self.len()).rev() {
                    point[i] = self.dimensions[i].value_at(index % sizes[i]);
                    index /= sizes[i];
                }
                point
            })
            .collect();
        Some(points)
    }
}

impl TryFrom<Vec<Dimension>> for Space {
    type Error = OptimizerError;

    fn try_from(dimensions: Vec<Dimension>) -> Result<Self, Self::Error> {
        Self::new(dimensions)
    }
}

impl From<Space> for Vec<Dimension> {
    fn from(space: Space) -> Self {
        space.dimensions
    }
}
