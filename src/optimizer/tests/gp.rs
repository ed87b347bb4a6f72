use nalgebra::DVector;

use crate::optimizer::{GaussianProcess, log_marginal_likelihood};

/// Inverse and determinant of a small matrix by Gauss-Jordan elimination
/// with partial pivoting, a reference independent of nalgebra's Cholesky.
fn gauss_jordan(matrix: &[Vec<f64>]) -> (Vec<Vec<f64>>, f64) {
    let n = matrix.len();
    let mut a: Vec<Vec<f64>> = matrix.to_vec();
    let mut inverse: Vec<Vec<f64>> = (0..n).map(|i| (0..n).map(|j| f64::from(u8::from(i == j))).collect()).collect();
    let mut determinant = 1.0;
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs())).unwrap();
        if pivot != col {
            a.swap(pivot, col);
            inverse.swap(pivot, col);
            determinant = -determinant;
        }
        let p = a[col][col];
        determinant *= p;
        for j in 0..n {
            a[col][j] /= p;
            inverse[col][j] /= p;
        }
        for i in 0..n {
            if i != col {
                let factor = a[i][col];
                for j in 0..n {
                    a[i][j] -= factor * a[col][j];
                    inverse[i][j] -= factor * inverse[col][j];
                }
            }
        }
    }
    (inverse, determinant)
}

fn matern52_reference(x: f64, y: f64, length: f64) -> f64 {
    let r = (x - y).abs() / length;
    (1.0 + 5f64.sqrt() * r + 5.0 * r * r / 3.0) * (-(5f64.sqrt()) * r).exp()
}

#[test]
fn posterior_matches_textbook_formula() {
    let xs = [0.1, 0.4, 0.9];
    let ys = [1.0, -0.5, 0.3];
    let (amplitude, length, noise) = (1.3, 0.3, 1e-4);
    let theta = vec![f64::ln(amplitude), f64::ln(length), f64::ln(noise)];
    let gp = GaussianProcess::with_theta(xs.iter().map(|x| vec![*x]).collect(), &ys, theta).unwrap();

    // Textbook (Rasmussen & Williams, eq. 2.25-2.26) on targets normalized
    // with the largest value as prior mean and the standard deviation.
    let mean_y = ys.iter().sum::<f64>() / 3.0;
    let std_y = (ys.iter().map(|y| (y - mean_y).powi(2)).sum::<f64>() / 3.0).sqrt();
    let prior_mean = 1.0;
    let y_normalized: Vec<f64> = ys.iter().map(|y| (y - prior_mean) / std_y).collect();
    let k: Vec<Vec<f64>> = (0..3)
        .map(|i| {
            (0..3)
                .map(|j| amplitude * matern52_reference(xs[i], xs[j], length) + if i == j { noise } else { 0.0 })
                .collect()
        })
        .collect();
    let (k_inverse, _) = gauss_jordan(&k);

    let queries = [0.0, 0.25, 0.4, 0.77, 1.0];
    let (mean, std) = gp.predict(&queries.iter().map(|q| vec![*q]).collect::<Vec<_>>());
    for (q, query) in queries.iter().enumerate() {
        let k_star: Vec<f64> = xs.iter().map(|x| amplitude * matern52_reference(*query, *x, length)).collect();
        let weights: Vec<f64> = (0..3).map(|i| (0..3).map(|j| k_inverse[i][j] * k_star[j]).sum()).collect();
        let expected_mean = prior_mean + std_y * (0..3).map(|i| weights[i] * y_normalized[i]).sum::<f64>();
        let expected_variance = amplitude - (0..3).map(|i| weights[i] * k_star[i]).sum::<f64>();
        let expected_std = expected_variance.max(0.0).sqrt() * std_y;
        assert!((mean[q] - expected_mean).abs() < 1e-6, "mean at {query}: {} vs {expected_mean}", mean[q]);
        assert!((std[q] - expected_std).abs() < 1e-5, "std at {query}: {} vs {expected_std}", std[q]);
    }
}

#[test]
fn far_from_data_posterior_returns_to_worst_value() {
    // The prior mean is the largest observed value, so EI does not rate the
    // region farthest from the data as average.
    let ys = [1.0, -0.5, 0.3];
    let theta = vec![0.0, f64::ln(0.1), f64::ln(1e-6)];
    let gp = GaussianProcess::with_theta(vec![vec![0.1], vec![0.4], vec![0.9]], &ys, theta).unwrap();
    let (mean, _) = gp.predict(&[vec![5.0]]);
    assert!((mean[0] - 1.0).abs() < 1e-9, "mean far from the data: {}", mean[0]);
}

#[test]
fn lml_matches_textbook_formula() {
    let xs = [0.1, 0.4, 0.9];
    let ys = [0.5, -1.2, 0.7];
    let (amplitude, length, noise) = (0.8, 0.25, 0.01);
    let theta = [f64::ln(amplitude), f64::ln(length), f64::ln(noise)];
    let (lml, _) =
        log_marginal_likelihood(&xs.iter().map(|x| vec![*x]).collect::<Vec<_>>(), &DVector::from_row_slice(&ys), &theta)
            .unwrap();

    let k: Vec<Vec<f64>> = (0..3)
        .map(|i| {
            (0..3)
                .map(|j| amplitude * matern52_reference(xs[i], xs[j], length) + if i == j { noise } else { 0.0 })
                .collect()
        })
        .collect();
    let (k_inverse, determinant) = gauss_jordan(&k);
    let quadratic: f64 = (0..3).map(|i| (0..3).map(|j| ys[i] * k_inverse[i][j] * ys[j]).sum::<f64>()).sum();
    let expected = -0.5 * quadratic - 0.5 * determinant.ln() - 1.5 * (2.0 * std::f64::consts::PI).ln();
    assert!((lml - expected).abs() < 1e-7, "LML {lml} vs {expected}");
}

#[test]
fn lml_gradient_matches_finite_differences() {
    // Eight points in 3-D, hyper-parameters away from any bound.
    let x: Vec<Vec<f64>> = (0..8)
        .map(|i| {
            let t = i as f64;
            vec![(0.37 * t).fract(), (0.61 * t + 0.2).fract(), (0.13 * t * t).fract()]
        })
        .collect();
    let y = DVector::from_iterator(8, (0..8).map(|i| ((i as f64) * 1.3).sin()));
    let theta = vec![0.3, -1.0, -0.4, 0.2, -3.0];
    let (_, gradient) = log_marginal_likelihood(&x, &y, &theta).unwrap();

    let step = 1e-5;
    for k in 0..theta.len() {
        let mut up = theta.clone();
        up[k] += step;
        let mut down = theta.clone();
        down[k] -= step;
        let numeric =
            (log_marginal_likelihood(&x, &y, &up).unwrap().0 - log_marginal_likelihood(&x, &y, &down).unwrap().0) / (2.0 * step);
        let tolerance = 1e-6 * (1.0 + numeric.abs());
        assert!((gradient[k] - numeric).abs() < tolerance, "theta[{k}]: analytic {} numeric {numeric}", gradient[k]);
    }
}

#[test]
fn fit_improves_lml_and_respects_bounds() {
    use rand::SeedableRng;

    use crate::optimizer::{GpFitSettings, fit_gp};

    let x: Vec<Vec<f64>> = (0..12).map(|i| vec![i as f64 / 11.0, ((i * 7) % 12) as f64 / 11.0]).collect();
    // Depends on the first feature only, so its length scale should be the shorter.
    let y: Vec<f64> = x.iter().map(|p| (6.0 * p[0]).sin()).collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
    let gp = fit_gp(x.clone(), &y, None, &GpFitSettings { n_restarts: 2, ..Default::default() }, &mut rng).unwrap();

    let default = GaussianProcess::with_theta(x, &y, crate::optimizer::gp_fit::default_theta(2)).unwrap();
    assert!(gp.log_marginal_likelihood() >= default.log_marginal_likelihood() - 1e-9);
    let lengths = gp.length_scales();
    assert!(lengths[0] < lengths[1], "length scales {lengths:?}");
    assert!(lengths.iter().all(|l| (0.01 - 1e-9..=100.0 + 1e-6).contains(l)), "length scales {lengths:?}");
    assert!((1e-6 - 1e-12..=1.0 + 1e-9).contains(&gp.noise()), "noise {}", gp.noise());
}

#[test]
fn integer_length_scales_stay_above_one_cell() {
    use rand::SeedableRng;

    use crate::optimizer::gp_fit::length_scale_floors;
    use crate::optimizer::{Dimension, GpFitSettings, Space, fit_gp};

    let space = Space::new(vec![
        Dimension::integer("layers", 1, 5),
        Dimension::integer("nodes", 5, 512),
        Dimension::categorical("activation", &["relu", "sigmoid"]),
        Dimension::real("x", 0.0, 1.0),
    ])
    .unwrap();
    assert_eq!(length_scale_floors(&space), vec![0.2, 0.01, 0.01, 0.01, 0.01]);

    // Values that alternate from one integer to the next pull the layer
    // length scale far below a cell. With the floor it stays at 0.2 or
    // above, and the fit explains the alternation as noise instead.
    let x: Vec<Vec<f64>> = (0..10).map(|i| vec![0.1 + 0.2 * (i % 5) as f64, i as f64 / 9.0]).collect();
    let y: Vec<f64> = (0..10).map(|i| if (i % 5) % 2 == 0 { 1.0 } else { -1.0 }).collect();
    let fit = |floors: Vec<f64>| {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
        let settings = GpFitSettings { n_restarts: 2, length_scale_floors: floors };
        fit_gp(x.clone(), &y, None, &settings, &mut rng).unwrap().length_scales()[0]
    };
    let free = fit(Vec::new());
    assert!(free < 0.15, "without a floor the fit separates the integers: {free}");
    let floored = fit(vec![0.2, 0.01]);
    assert!(floored >= 0.2 - 1e-9, "{floored}");
}

#[test]
fn forest_fits_step_function() {
    use rand::SeedableRng;

    use crate::optimizer::{ExtraTrees, ForestSettings};

    let x: Vec<Vec<f64>> = (0..40).map(|i| vec![i as f64 / 39.0]).collect();
    let y: Vec<f64> = x.iter().map(|p| if p[0] < 0.5 { 0.0 } else { 1.0 }).collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
    let forest = ExtraTrees::fit(&x, &y, &ForestSettings { n_trees: 30, min_samples_leaf: 3 }, &mut rng);
    let (mean, std) = forest.predict(&[vec![0.1], vec![0.9], vec![0.5]]);
    assert!(mean[0] < 0.2, "mean at 0.1: {}", mean[0]);
    assert!(mean[1] > 0.8, "mean at 0.9: {}", mean[1]);
    assert!(std[2] > std[0], "spread at the step {} vs away {}", std[2], std[0]);
}
