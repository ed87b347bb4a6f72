//! Writes every report plot from synthetic search data (and the first MNIST
//! test images when `data/mnist` is present) to a folder, to look at them:
//!
//!     cargo run --example plots_demo -- /tmp/plots [MNIST_DIR]
//!
//! MNIST_DIR defaults to `data/mnist` in the package.
//! The predictions in the image grids are made up, one in four wrong.

use std::io::Read;
use std::path::{Path, PathBuf};

use vitis_hpo::report::plots::{
    AxisKind, AxisSpec, CategoryCounts, ConvergencePlot, ConvergenceSeries, DependenceCurve,
    DependenceGrid, EvaluationsPlot, ImageGrid, LabelledImage, PartialDependencePlot,
    plot_category_counts, plot_convergence, plot_evaluations, plot_image_grid,
    plot_partial_dependence,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "plots_demo".to_string()),
    );
    let dimensions = vec![
        AxisSpec::log_real("learning_rate", 1e-6, 1e-2),
        AxisSpec::integer("num_dense_layers", 1, 5),
        AxisSpec::integer("num_dense_nodes", 5, 512),
        AxisSpec::categorical("activation", &["relu", "sigmoid"]),
    ];
    let samples = demo_samples();
    let fitness: Vec<f64> = samples.iter().map(|p| objective(p)).collect();
    let best_index = (0..fitness.len())
        .min_by(|&a, &b| fitness[a].total_cmp(&fitness[b]))
        .expect("samples are not empty");

    let convergence = ConvergencePlot {
        title: "Convergence plot".to_string(),
        series: vec![ConvergenceSeries {
            label: String::new(),
            fitness: fitness.clone(),
        }],
    };
    println!(
        "{:?}",
        plot_convergence(&convergence, &out.join("convergence"))?
    );

    let evaluations = EvaluationsPlot {
        dimensions: dimensions.clone(),
        samples: samples.clone(),
        best_index: Some(best_index),
    };
    println!(
        "{:?}",
        plot_evaluations(&evaluations, &out.join("evaluations"))?
    );

    let objective_plot = partial_dependence(&dimensions, &samples, best_index);
    println!(
        "{:?}",
        plot_partial_dependence(&objective_plot, &out.join("objective"))?
    );

    let relu = samples.iter().filter(|p| p[3] == 0.0).count();
    let activations = CategoryCounts {
        title: "Activation functions chosen".to_string(),
        name: "activation".to_string(),
        categories: vec!["relu".to_string(), "sigmoid".to_string()],
        counts: vec![relu, samples.len() - relu],
    };
    println!(
        "{:?}",
        plot_category_counts(&activations, &out.join("activations"))?
    );

    let images = test_images(16);
    let labelled: Vec<LabelledImage> = images
        .into_iter()
        .enumerate()
        .map(|(k, (pixels, label))| LabelledImage {
            pixels,
            true_label: label,
            predicted: Some(if k % 4 == 3 { (label + 1) % 10 } else { label }),
        })
        .collect();
    let grid = ImageGrid {
        title: "Test images".to_string(),
        columns: 3,
        width: 28,
        height: 28,
        images: labelled[..9].to_vec(),
    };
    println!("{:?}", plot_image_grid(&grid, &out.join("test_images"))?);
    let wrong = ImageGrid {
        title: "Misclassified test images".to_string(),
        columns: 4,
        width: 28,
        height: 28,
        images: labelled
            .iter()
            .filter(|i| i.predicted != Some(i.true_label))
            .cloned()
            .collect(),
    };
    println!("{:?}", plot_image_grid(&wrong, &out.join("misclassified"))?);
    Ok(())
}

/// Returns a made-up fitness: minus an accuracy that peaks at lr 1e-3,
/// 2 layers, 512 nodes and relu.
fn objective(p: &[f64]) -> f64 {
    let lr = (p[0].log10() + 3.0).powi(2) / 4.0;
    let layers = (p[1] - 2.0).powi(2) / 16.0;
    let nodes = ((p[2] - 512.0) / 512.0).powi(2) / 4.0;
    let sigmoid = p[3] * 0.03;
    -(0.975 - lr - layers - nodes - sigmoid).max(0.1)
}

fn demo_samples() -> Vec<Vec<f64>> {
    // A fixed linear congruential sequence keeps the demo reproducible.
    let mut state = 12345u64;
    let mut uniform = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut samples = vec![vec![1e-5, 1.0, 16.0, 0.0]];
    for _ in 0..14 {
        samples.push(vec![
            10f64.powf(-6.0 + 4.0 * uniform()),
            (1.0 + 5.0 * uniform()).floor().min(5.0),
            (5.0 + 508.0 * uniform()).floor().min(512.0),
            (2.0 * uniform()).floor().min(1.0),
        ]);
    }
    samples
}

fn axis_values(axis: &AxisSpec) -> Vec<f64> {
    match &axis.kind {
        AxisKind::Real { low, high, .. } => (0..40)
            .map(|k| low * (high / low).powf(k as f64 / 39.0))
            .collect(),
        AxisKind::Integer { low, high } => {
            let step = ((high - low) / 39).max(1);
            (*low..=*high)
                .step_by(step as usize)
                .map(|v| v as f64)
                .collect()
        }
        AxisKind::Categorical { labels } => (0..labels.len()).map(|i| i as f64).collect(),
    }
}

/// Computes `objective` along each dimension and pair with the others fixed
/// at the best point, a stand-in for the surrogate's partial dependence.
fn partial_dependence(
    dimensions: &[AxisSpec],
    samples: &[Vec<f64>],
    best: usize,
) -> PartialDependencePlot {
    let center = samples[best].clone();
    let at = |updates: &[(usize, f64)]| {
        let mut p = center.clone();
        for &(d, v) in updates {
            p[d] = v;
        }
        objective(&p)
    };
    let curves = (0..dimensions.len())
        .map(|d| {
            let xs = axis_values(&dimensions[d]);
            let values = xs.iter().map(|&x| at(&[(d, x)])).collect();
            DependenceCurve { xs, values }
        })
        .collect();
    let mut grids = Vec::new();
    for row in 1..dimensions.len() {
        for col in 0..row {
            let xs = axis_values(&dimensions[col]);
            let ys = axis_values(&dimensions[row]);
            let values = ys
                .iter()
                .flat_map(|&y| xs.iter().map(move |&x| (x, y)))
                .map(|(x, y)| at(&[(col, x), (row, y)]))
                .collect();
            grids.push(DependenceGrid {
                row,
                col,
                xs,
                ys,
                values,
            });
        }
    }
    PartialDependencePlot {
        dimensions: dimensions.to_vec(),
        curves,
        grids,
        samples: samples.to_vec(),
        best: Some(center),
    }
}

/// Reads the first `count` MNIST test images with labels, or returns grey
/// squares when the gzip IDX files are missing.
fn test_images(count: usize) -> Vec<(Vec<f32>, u8)> {
    let dir = std::env::args()
        .nth(2)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("data/mnist"));
    let read = |name: &str| -> Option<Vec<u8>> {
        let file = std::fs::File::open(dir.join(name)).ok()?;
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(file)
            .read_to_end(&mut bytes)
            .ok()?;
        Some(bytes)
    };
    match (
        read("t10k-images-idx3-ubyte.gz"),
        read("t10k-labels-idx1-ubyte.gz"),
    ) {
        (Some(images), Some(labels)) => (0..count)
            .map(|k| {
                let pixels = images[16 + k * 784..16 + (k + 1) * 784]
                    .iter()
                    .map(|&v| f32::from(v) / 255.0)
                    .collect();
                (pixels, labels[8 + k])
            })
            .collect(),
        _ => (0..count)
            .map(|k| (vec![0.5; 784], (k % 10) as u8))
            .collect(),
    }
}
