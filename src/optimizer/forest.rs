//! Extra-trees regression (extremely randomized trees, Geurts et al. 2006)
//! as a surrogate: the prediction is the mean over trees and the spread is
//! the standard deviation across trees combined with the variance inside
//! the leaves, as scikit-optimize's forest surrogate reports it.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Settings of the extra-trees surrogate.
#[derive(Clone, Debug)]
pub struct ForestSettings {
    /// Number of trees (scikit-optimize uses 100).
    pub n_trees: usize,
    /// Minimum samples per leaf (scikit-optimize uses 3).
    pub min_samples_leaf: usize,
}

#[derive(Clone, Debug)]
enum Node {
    Split { feature: usize, threshold: f64, left: usize, right: usize },
    Leaf { mean: f64, variance: f64 },
}

#[derive(Clone, Debug)]
struct Tree {
    nodes: Vec<Node>,
}

/// A fitted extra-trees ensemble.
#[derive(Clone, Debug)]
pub struct ExtraTrees {
    trees: Vec<Tree>,
}

impl ExtraTrees {
    /// Fits `settings.n_trees` trees to all samples (no bootstrap).
    pub fn fit(x: &[Vec<f64>], y: &[f64], settings: &ForestSettings, rng: &mut ChaCha8Rng) -> Self {
        let trees = (0..settings.n_trees)
            .map(|_| {
                let mut tree = Tree { nodes: Vec::new() };
                let indices: Vec<usize> = (0..y.len()).collect();
                tree.grow(x, y, indices, settings.min_samples_leaf.max(1), rng);
                tree
            })
            .collect();
        Self { trees }
    }

    /// Mean and standard deviation of the prediction at each point.
    pub fn predict(&self, points: &[Vec<f64>]) -> (Vec<f64>, Vec<f64>) {
        let n_trees = self.trees.len() as f64;
        points
            .iter()
            .map(|point| {
                let leaves: Vec<(f64, f64)> = self.trees.iter().map(|t| t.leaf(point)).collect();
                let mean = leaves.iter().map(|(m, _)| m).sum::<f64>() / n_trees;
                // Law of total variance: spread of the tree means plus the
                // mean variance inside the leaves.
                let variance = leaves.iter().map(|(m, v)| v + m * m).sum::<f64>() / n_trees - mean * mean;
                (mean, variance.max(0.0).sqrt())
            })
            .unzip()
    }
}

impl Tree {
    /// Grows the subtree for `indices` and returns its node index.
    fn grow(&mut self, x: &[Vec<f64>], y: &[f64], indices: Vec<usize>, min_leaf: usize, rng: &mut ChaCha8Rng) -> usize {
        let node = self.nodes.len();
        self.nodes.push(leaf(y, &indices));
        if indices.len() < 2 * min_leaf {
            return node;
        }

        // Extra trees: one uniform threshold per feature, keep the split
        // with the largest variance reduction.
        let n_features = x[indices[0]].len();
        let mut best: Option<(f64, usize, f64)> = None;
        #[allow(clippy::needless_range_loop, reason = "the feature indexes every sample's row")]
        for feature in 0..n_features {
            let (low, high) = indices.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &i| {
                (lo.min(x[i][feature]), hi.max(x[i][feature]))
            });
            if high - low <= 1e-12 {
                continue;
            }
            let threshold = rng.random_range(low..high);
            let (left, right): (Vec<usize>, Vec<usize>) = indices.iter().partition(|&&i| x[i][feature] <= threshold);
            if left.len() < min_leaf || right.len() < min_leaf {
                continue;
            }
            let score = sum_squares(y, &left) + sum_squares(y, &right);
            if best.is_none_or(|(s, _, _)| score < s) {
                best = Some((score, feature, threshold));
            }
        }
        let Some((_, feature, threshold)) = best else { return node };

        let (left_indices, right_indices): (Vec<usize>, Vec<usize>) =
            indices.iter().partition(|&&i| x[i][feature] <= threshold);
        let left = self.grow(x, y, left_indices, min_leaf, rng);
        let right = self.grow(x, y, right_indices, min_leaf, rng);
        self.nodes[node] = Node::Split { feature, threshold, left, right };
        node
    }

    fn leaf(&self, point: &[f64]) -> (f64, f64) {
        let mut node = 0;
        loop {
            match &self.nodes[node] {
                Node::Split { feature, threshold, left, right } => {
                    node = if point[*feature] <= *threshold { *left } else { *right };
                }
                Node::Leaf { mean, variance } => return (*mean, *variance),
            }
        }
    }
}

fn leaf(y: &[f64], indices: &[usize]) -> Node {
    let n = indices.len() as f64;
    let mean = indices.iter().map(|&i| y[i]).sum::<f64>() / n;
    let variance = indices.iter().map(|&i| (y[i] - mean).powi(2)).sum::<f64>() / n;
    Node::Leaf { mean, variance }
}

fn sum_squares(y: &[f64], indices: &[usize]) -> f64 {
    let n = indices.len() as f64;
    let mean = indices.iter().map(|&i| y[i]).sum::<f64>() / n;
    indices.iter().map(|&i| (y[i] - mean).powi(2)).sum()
}
