//! The search's figures, each as SVG and PNG in RUN/plots/.

use std::path::{Path, PathBuf};

use crate::data::Dataset;
use crate::optimizer::{DimensionKind, Optimizer, Prior, Space, Value, partial_dependence};
use crate::report::plots::{
    AxisSpec, CategoryCounts, ConvergencePlot, ConvergenceSeries, DependenceCurve, DependenceGrid, EvaluationsPlot,
    ImageGrid, LabelledImage, PartialDependencePlot, PlotError, plot_category_counts, plot_convergence,
    plot_evaluations, plot_image_grid, plot_partial_dependence,
};
use crate::training::{TrainedModel, predict_probabilities};

use super::trial::{TrialRecord, fitness_of_surrogate_value};

/// Grid points per dimension of the partial-dependence plot.
const DEPENDENCE_POINTS: usize = 24;
/// Random samples of the other dimensions averaged per grid point.
const DEPENDENCE_SAMPLES: usize = 200;
/// Misclassified test images drawn at most.
const MAX_MISCLASSIFIED: usize = 16;

/// Draws every figure; returns the files written.
pub fn write_plots(
    plots_dir: &Path,
    trials: &[TrialRecord],
    optimizer: &mut Optimizer,
    best: Option<(&TrainedModel, &Dataset)>,
) -> Result<Vec<PathBuf>, PlotError> {
    let mut files = Vec::new();
    let space = optimizer.space().clone();
    let axes: Vec<AxisSpec> = space.dimensions().iter().map(axis_spec).collect();
    let samples: Vec<Vec<f64>> = trials.iter().map(|t| t.point.iter().zip(space.dimensions()).map(|(v, d)| coordinate(v, &d.kind)).collect()).collect();
    let best_index = trials.iter().enumerate().min_by(|a, b| a.1.fitness.total_cmp(&b.1.fitness)).map(|(i, _)| i);

    let convergence = ConvergencePlot {
        title: "Convergence plot".into(),
        series: vec![ConvergenceSeries { label: "search".into(), fitness: trials.iter().map(|t| t.fitness).collect() }],
    };
    push(&mut files, plot_convergence(&convergence, &plots_dir.join("convergence"))?);

    if !trials.is_empty() {
        let evaluations = EvaluationsPlot { dimensions: axes.clone(), samples: samples.clone(), best_index };
        push(&mut files, plot_evaluations(&evaluations, &plots_dir.join("evaluations"))?);
    }

    if trials.len() >= 2
        && let Ok(result) = optimizer.result()
        && let Some(surrogate) = result.surrogate.as_ref()
    {
        let dependence = partial_dependence(&space, surrogate, DEPENDENCE_POINTS, DEPENDENCE_SAMPLES, 0);
        let plot = PartialDependencePlot {
            dimensions: axes.clone(),
            curves: dependence
                .curves
                .iter()
                .map(|c| DependenceCurve { xs: c.x.clone(), values: c.mean.iter().copied().map(fitness_of_surrogate_value).collect() })
                .collect(),
            grids: dependence_grids(&space, &dependence.grids),
            samples: samples.clone(),
            best: best_index.map(|i| samples[i].clone()),
        };
        push(&mut files, plot_partial_dependence(&plot, &plots_dir.join("objective"))?);
    }

    let activations: Vec<&str> = trials.iter().filter_map(|t| t.params.get("activation").and_then(Value::as_str)).collect();
    let categories = vec!["relu".to_string(), "sigmoid".to_string()];
    let counts = categories.iter().map(|c| activations.iter().filter(|a| **a == c).count()).collect();
    let histogram = CategoryCounts { title: "Activation choices".into(), name: "activation".into(), categories, counts };
    push(&mut files, plot_category_counts(&histogram, &plots_dir.join("activations"))?);

    if let Some((model, test)) = best {
        let probabilities = predict_probabilities(model, test);
        let predicted: Vec<u8> = probabilities.chunks(10).map(|row| crate::training::argmax(row) as u8).collect();
        let image = |i: usize| LabelledImage { pixels: test.image(i).to_vec(), true_label: test.labels[i], predicted: Some(predicted[i]) };
        let first = ImageGrid { title: "Test images".into(), columns: 3, width: 28, height: 28, images: (0..test.len().min(9)).map(image).collect() };
        push(&mut files, plot_image_grid(&first, &plots_dir.join("test_images"))?);
        let wrong: Vec<LabelledImage> = (0..test.len()).filter(|&i| predicted[i] != test.labels[i]).take(MAX_MISCLASSIFIED).map(image).collect();
        let misclassified = ImageGrid { title: "Misclassified test images".into(), columns: 4, width: 28, height: 28, images: wrong };
        push(&mut files, plot_image_grid(&misclassified, &plots_dir.join("misclassified"))?);
    }
    Ok(files)
}

fn push(files: &mut Vec<PathBuf>, written: crate::report::plots::PlotFiles) {
    files.push(written.svg);
    files.push(written.png);
}

fn axis_spec(dimension: &crate::optimizer::Dimension) -> AxisSpec {
    match &dimension.kind {
        DimensionKind::Real { low, high, prior: Prior::LogUniform } => AxisSpec::log_real(&dimension.name, *low, *high),
        DimensionKind::Real { low, high, .. } => AxisSpec::real(&dimension.name, *low, *high),
        DimensionKind::Integer { low, high } => AxisSpec::integer(&dimension.name, *low, *high),
        DimensionKind::Categorical { categories } => {
            let labels: Vec<&str> = categories.iter().map(String::as_str).collect();
            AxisSpec::categorical(&dimension.name, &labels)
        }
    }
}

/// Returns a point coordinate in plot units: the value, or a category's index.
fn coordinate(value: &Value, kind: &DimensionKind) -> f64 {
    match (value, kind) {
        (Value::Categorical(label), DimensionKind::Categorical { categories }) => {
            categories.iter().position(|c| c == label).unwrap_or(0) as f64
        }
        _ => value.as_f64().unwrap_or(f64::NAN),
    }
}

/// Converts the optimizer's pair grids (`mean[x][y]` for dimensions i < j)
/// into the plot's lower-triangle grids (row j, column i, values `[y][x]`).
fn dependence_grids(space: &Space, grids: &[crate::optimizer::Grid]) -> Vec<DependenceGrid> {
    let index = |name: &str| space.dimensions().iter().position(|d| d.name == name).unwrap_or(0);
    grids
        .iter()
        .map(|grid| {
            let (col, row) = (index(&grid.dimensions.0), index(&grid.dimensions.1));
            let mut values = Vec::with_capacity(grid.x.len() * grid.y.len());
            for yi in 0..grid.y.len() {
                for xi in 0..grid.x.len() {
                    values.push(fitness_of_surrogate_value(grid.mean[xi][yi]));
                }
            }
            DependenceGrid { row, col, xs: grid.x.clone(), ys: grid.y.clone(), values }
        })
        .collect()
}
