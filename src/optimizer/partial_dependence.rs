//! Partial dependence of a fitted surrogate, as scikit-optimize's
//! plot_objective draws it: the surrogate mean with one or two dimensions
//! fixed on a grid, averaged over random samples of the other dimensions.
//! Plain data, for plotting elsewhere.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::dimension::{DimensionKind, Prior};
use super::space::Space;
use super::surrogate::Surrogate;
use super::value::Value;

/// Partial dependence on one dimension.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Curve {
    /// Dimension name.
    pub dimension: String,
    /// Grid values in original units (category index for categoricals).
    pub x: Vec<f64>,
    /// Mean surrogate prediction at each grid value, in target units.
    pub mean: Vec<f64>,
}

/// Partial dependence on a pair of dimensions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Grid {
    /// Names of the first (x) and second (y) dimension.
    pub dimensions: (String, String),
    /// Grid values of the first dimension.
    pub x: Vec<f64>,
    /// Grid values of the second dimension.
    pub y: Vec<f64>,
    /// `mean[i][j]`: mean prediction at `x[i]`, `y[j]`.
    pub mean: Vec<Vec<f64>>,
}

/// Curves for every dimension and grids for every pair.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartialDependence {
    /// One curve per dimension, in space order.
    pub curves: Vec<Curve>,
    /// One grid per pair (i < j), row-major over i.
    pub grids: Vec<Grid>,
}

/// Grid values of dimension `index`: `n_points` values spread by the prior
/// for reals, every integer (or `n_points` spread integers), every category.
fn grid_values(space: &Space, index: usize, n_points: usize) -> Vec<(f64, Value)> {
    let dimension = &space.dimensions()[index];
    let n_points = n_points.max(2);
    match &dimension.kind {
        DimensionKind::Real { low, high, prior } => (0..n_points)
            .map(|i| {
                let u = i as f64 / (n_points - 1) as f64;
                let x = match prior {
                    Prior::Uniform => low + u * (high - low),
                    Prior::LogUniform => (low.ln() + u * (high.ln() - low.ln())).exp(),
                };
                (x, Value::Real(x.clamp(*low, *high)))
            })
            .collect(),
        DimensionKind::Integer { low, high } => {
            let count = (*high - *low + 1) as usize;
            let mut values: Vec<i64> = if count <= n_points {
                (*low..=*high).collect()
            } else {
                (0..n_points).map(|i| low + ((high - low) as f64 * i as f64 / (n_points - 1) as f64).round() as i64).collect()
            };
            values.dedup();
            values.into_iter().map(|i| (i as f64, Value::Integer(i))).collect()
        }
        DimensionKind::Categorical { categories } => {
            categories.iter().enumerate().map(|(i, c)| (i as f64, Value::Categorical(c.clone()))).collect()
        }
    }
}

/// Encoded random samples of the whole space.
fn random_samples(space: &Space, n_samples: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n_samples)
        .map(|_| {
            let unit: Vec<f64> = (0..space.len()).map(|_| rng.random::<f64>()).collect();
            space.transform(&space.sample(&unit))
        })
        .collect()
}

/// Mean prediction over `samples` with the columns of the given dimensions
/// replaced by the encodings of the given values.
fn averaged_mean(space: &Space, surrogate: &dyn Surrogate, samples: &[Vec<f64>], fixed: &[(usize, &Value)]) -> f64 {
    let mut points = samples.to_vec();
    for (index, value) in fixed {
        let columns = space.feature_columns(*index);
        let mut encoded = vec![0.0; columns.len()];
        space.dimensions()[*index].encode(value, &mut encoded);
        for point in &mut points {
            point[columns.clone()].copy_from_slice(&encoded);
        }
    }
    let (mean, _) = surrogate.predict(&points);
    mean.iter().sum::<f64>() / mean.len() as f64
}

/// Partial dependence on dimension `index` over `n_samples` random samples.
pub fn partial_dependence_1d(
    space: &Space,
    surrogate: &dyn Surrogate,
    index: usize,
    n_points: usize,
    n_samples: usize,
    seed: u64,
) -> Curve {
    let samples = random_samples(space, n_samples.max(1), seed);
    let grid = grid_values(space, index, n_points);
    Curve {
        dimension: space.dimensions()[index].name.clone(),
        x: grid.iter().map(|(x, _)| *x).collect(),
        mean: grid.iter().map(|(_, v)| averaged_mean(space, surrogate, &samples, &[(index, v)])).collect(),
    }
}

/// Partial dependence on dimensions `i` and `j` over `n_samples` random samples.
pub fn partial_dependence_2d(
    space: &Space,
    surrogate: &dyn Surrogate,
    (i, j): (usize, usize),
    n_points: usize,
    n_samples: usize,
    seed: u64,
) -> Grid {
    let samples = random_samples(space, n_samples.max(1), seed);
    let grid_x = grid_values(space, i, n_points);
    let grid_y = grid_values(space, j, n_points);
    let mean = grid_x
        .iter()
        .map(|(_, vx)| grid_y.iter().map(|(_, vy)| averaged_mean(space, surrogate, &samples, &[(i, vx), (j, vy)])).collect())
        .collect();
    let names = &space.dimensions();
    Grid {
        dimensions: (names[i].name.clone(), names[j].name.clone()),
        x: grid_x.iter().map(|(x, _)| *x).collect(),
        y: grid_y.iter().map(|(y, _)| *y).collect(),
        mean,
    }
}

/// Curves for every dimension and grids for every pair; scikit-optimize's
/// plot_objective uses `n_points` 40 and `n_samples` 250.
pub fn partial_dependence(
    space: &Space,
    surrogate: &dyn Surrogate,
    n_points: usize,
    n_samples: usize,
    seed: u64,
) -> PartialDependence {
    let curves = (0..space.len()).map(|i| partial_dependence_1d(space, surrogate, i, n_points, n_samples, seed)).collect();
    let mut grids = Vec::new();
    for i in 0..space.len() {
        for j in i + 1..space.len() {
            grids.push(partial_dependence_2d(space, surrogate, (i, j), n_points, n_samples, seed));
        }
    }
    PartialDependence { curves, grids }
}
