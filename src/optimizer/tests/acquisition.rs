use crate::optimizer::{
    Acquisition, AcquisitionKind, expected_improvement, log_expected_improvement, lower_confidence_bound,
    probability_of_improvement,
};

fn pdf(t: f64) -> f64 {
    (-0.5 * t * t).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// Simpson's rule of `f` on [a, b] with `n` (even) intervals.
fn simpson(f: impl Fn(f64) -> f64, a: f64, b: f64, n: usize) -> f64 {
    let h = (b - a) / n as f64;
    let mut sum = f(a) + f(b);
    for i in 1..n {
        sum += f(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
    }
    sum * h / 3.0
}

/// E[max(y_best - xi - Y, 0)] for Y ~ N(mean, std²), by quadrature.
fn ei_reference(mean: f64, std: f64, y_best: f64, xi: f64) -> f64 {
    let z = (y_best - mean - xi) / std;
    std * simpson(|s| s * pdf(z - s), 0.0, 14.0, 200_000)
}

#[test]
fn ei_matches_quadrature() {
    for &(mean, std, y_best, xi) in &[(0.0, 1.0, 0.0, 0.0), (0.3, 0.5, -0.2, 0.01), (-1.0, 2.0, 0.5, 0.1), (2.0, 0.1, 0.0, 0.0)] {
        let ei = expected_improvement(mean, std, y_best, xi);
        let expected = ei_reference(mean, std, y_best, xi);
        assert!((ei - expected).abs() < 1e-9 * (1.0 + expected), "EI({mean}, {std}, {y_best}, {xi}) = {ei} vs {expected}");
    }
}

#[test]
fn pi_matches_quadrature() {
    for &(mean, std, y_best, xi) in &[(0.0, 1.0, 0.0, 0.0), (0.3, 0.5, -0.2, 0.01), (-1.0, 2.0, 0.5, 0.1)] {
        let z = (y_best - mean - xi) / std;
        let expected = simpson(pdf, -40.0, z, 200_000);
        let pi = probability_of_improvement(mean, std, y_best, xi);
        assert!((pi - expected).abs() < 1e-10, "PI({mean}, {std}, {y_best}, {xi}) = {pi} vs {expected}");
    }
}

#[test]
fn lcb_closed_form() {
    assert_eq!(lower_confidence_bound(1.5, 0.5, 1.96), 1.5 - 1.96 * 0.5);
    assert_eq!(Acquisition::Lcb { kappa: 2.0 }.cost(1.0, 0.25, 0.0), 0.5);
}

#[test]
fn ei_known_value_at_zero() {
    // At z = 0, EI = σ φ(0) = σ / √(2π).
    let ei = expected_improvement(1.0, 2.0, 1.0, 0.0);
    assert!((ei - 2.0 / (2.0 * std::f64::consts::PI).sqrt()).abs() < 1e-15);
}

#[test]
fn log_ei_agrees_with_log_of_ei() {
    for z in [5.0, 2.0, 0.0, -0.5, -0.99, -1.01, -3.0] {
        let log_ei = log_expected_improvement(-z, 1.0, 0.0, 0.0);
        let ei = expected_improvement(-z, 1.0, 0.0, 0.0);
        assert!((log_ei - ei.ln()).abs() < 1e-10, "z {z}: log-EI {log_ei} vs ln EI {}", ei.ln());
    }
    // Deep in the tail the direct EI formula cancels, so quadrature is the reference.
    for z in [-10.0, -20.0, -29.9, -30.1, -35.0] {
        let log_ei = log_expected_improvement(-z, 1.0, 0.0, 0.0);
        let expected = ei_reference(-z, 1.0, 0.0, 0.0).ln();
        assert!((log_ei - expected).abs() < 1e-6, "z {z}: log-EI {log_ei} vs {expected}");
    }
}

#[test]
fn log_ei_finite_where_ei_underflows() {
    let mut previous = f64::INFINITY;
    for z in [-40.0, -100.0, -1e3, -1e5, -1e8] {
        assert_eq!(expected_improvement(-z, 1.0, 0.0, 0.0), 0.0, "EI at z {z} should underflow");
        let log_ei = log_expected_improvement(-z, 1.0, 0.0, 0.0);
        assert!(log_ei.is_finite(), "log-EI at z {z} is {log_ei}");
        assert!(log_ei < previous, "log-EI not decreasing at z {z}");
        // Leading asymptotic term: ln φ(z) - 2 ln |z|.
        let asymptotic = -0.5 * z * z - 0.5 * (2.0 * std::f64::consts::PI).ln() - 2.0 * f64::ln(-z);
        assert!((log_ei - asymptotic).abs() < 4.0 / (z * z), "z {z}: {log_ei} vs asymptotic {asymptotic}");
        previous = log_ei;
    }
}

#[test]
fn acquisition_names_parse() {
    assert_eq!("gp_hedge".parse::<AcquisitionKind>().unwrap(), AcquisitionKind::GpHedge);
    assert_eq!("log_ei".parse::<AcquisitionKind>().unwrap(), AcquisitionKind::LogEi);
    assert!("ucb".parse::<AcquisitionKind>().is_err());
}
