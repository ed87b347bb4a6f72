use std::collections::HashSet;

use crate::optimizer::{
    AcquisitionKind, Dimension, Evaluation, Liar, Optimizer, OptimizerConfig, OptimizerError, Origin, Space,
    StopReason, Stopper, Surrogate, SurrogateKind, Value, partial_dependence_1d, partial_dependence_2d,
};

const BRANIN_MIN: f64 = 0.397_887_357_729_738;

fn branin(x: &[Value]) -> f64 {
    let (x1, x2) = (x[0].as_f64().unwrap(), x[1].as_f64().unwrap());
    let pi = std::f64::consts::PI;
    (x2 - 5.1 / (4.0 * pi * pi) * x1 * x1 + 5.0 / pi * x1 - 6.0).powi(2) + 10.0 * (1.0 - 1.0 / (8.0 * pi)) * x1.cos() + 10.0
}

fn branin_space() -> Space {
    Space::new(vec![Dimension::real("x1", -5.0, 10.0), Dimension::real("x2", 0.0, 15.0)]).unwrap()
}

fn quadratic(x: &[Value]) -> f64 {
    x.iter().map(|v| (v.as_f64().unwrap() - 0.3).powi(2)).sum()
}

fn unit_square() -> Space {
    Space::new(vec![Dimension::real("a", 0.0, 1.0), Dimension::real("b", 0.0, 1.0)]).unwrap()
}

/// Small configuration so tests stay fast in the dev profile.
fn fast_config(seed: u64) -> OptimizerConfig {
    OptimizerConfig { seed, n_candidates: 256, n_refine: 2, gp_restarts: 1, n_trees: 20, ..OptimizerConfig::default() }
}

#[test]
fn branin_within_one_percent_after_40_calls() {
    let mut optimizer = Optimizer::new(branin_space(), OptimizerConfig { seed: 1, ..OptimizerConfig::default() }).unwrap();
    let result = optimizer.minimize(branin, 40, &[]).unwrap();
    assert_eq!(result.evaluations.len(), 40);
    let relative = (result.best_value - BRANIN_MIN) / BRANIN_MIN;
    assert!(relative < 0.01, "best {} is {:.2} % above the minimum", result.best_value, relative * 100.0);
}

/// Largest PI cost among the model proposals of a short run with margin
/// `pi_xi`. The cost is minus the probability of improvement.
fn largest_pi_cost(pi_xi: f64) -> f64 {
    let config = OptimizerConfig { acquisition: AcquisitionKind::Pi, xi: 0.0, pi_xi, ..fast_config(4) };
    let mut optimizer = Optimizer::new(unit_square(), config).unwrap();
    let result = optimizer.minimize(quadratic, 8, &[]).unwrap();
    let costs: Vec<f64> = result.evaluations.iter().filter_map(|e| e.acquisition_value).collect();
    assert_eq!(costs.len(), 4);
    costs.into_iter().fold(f64::NEG_INFINITY, f64::max)
}

#[test]
fn pi_uses_its_own_margin() {
    // A margin of 100 normalized units leaves no probability of improvement,
    // so a PI that ignored pi_xi (and used xi = 0) would show negative costs.
    assert!(largest_pi_cost(100.0) > -1e-9);
    assert!(largest_pi_cost(0.0) < -1e-3);
}

#[test]
fn small_integer_space_enumerated_then_exhausted() {
    let space = Space::new(vec![Dimension::integer("a", 0, 2), Dimension::integer("b", -1, 2)]).unwrap();
    let objective = |x: &[Value]| {
        let (a, b) = (x[0].as_i64().unwrap() as f64, x[1].as_i64().unwrap() as f64);
        (a - 1.0).powi(2) + (b - 0.5).powi(2)
    };
    let mut optimizer = Optimizer::new(space, fast_config(0)).unwrap();
    let result = optimizer.minimize(objective, 20, &[]).unwrap();

    assert_eq!(result.evaluations.len(), 12);
    assert_eq!(result.stop_reason, Some(StopReason::SpaceExhausted));
    let distinct: HashSet<String> = result.points().iter().map(|p| serde_json::to_string(p).unwrap()).collect();
    assert_eq!(distinct.len(), 12, "repeated points in {:?}", result.points());

    let error = optimizer.ask().unwrap_err();
    assert_eq!(error, OptimizerError::SpaceExhausted { cardinality: 12 });
    assert!(error.to_string().contains("all 12 points"), "{error}");
}

#[test]
fn x0_evaluated_first() {
    let x0 = vec![vec![Value::Real(0.9), Value::Real(0.1)], vec![Value::Real(0.2), Value::Real(0.7)]];
    let config = OptimizerConfig { x0: x0.clone(), n_initial_points: 3, ..fast_config(2) };
    let mut calls = Vec::new();
    let mut optimizer = Optimizer::new(unit_square(), config).unwrap();
    let result = optimizer
        .minimize(
            |x| {
                calls.push(x.to_vec());
                quadratic(x)
            },
            8,
            &[],
        )
        .unwrap();

    assert_eq!(calls.len(), 8);
    assert_eq!(&calls[..2], &x0[..]);
    let origins: Vec<Origin> = result.evaluations.iter().map(|e| e.origin).collect();
    assert_eq!(&origins[..2], &[Origin::X0, Origin::X0]);
    assert_eq!(&origins[2..5], &[Origin::Initial; 3]);
    assert_eq!(&origins[5..], &[Origin::Model; 3]);
    assert!(result.evaluations[5..].iter().all(|e| e.acquisition_value.is_some()));
    assert!(result.evaluations[..5].iter().all(|e| e.acquisition_value.is_none()));
}

#[test]
fn y0_points_not_evaluated_again() {
    let x0 = vec![vec![Value::Real(0.3), Value::Real(0.3)], vec![Value::Real(0.8), Value::Real(0.8)]];
    let config = OptimizerConfig { x0: x0.clone(), y0: vec![0.0, 0.5], n_initial_points: 2, ..fast_config(3) };
    let mut calls = Vec::new();
    let mut optimizer = Optimizer::new(unit_square(), config).unwrap();
    let result = optimizer
        .minimize(
            |x| {
                calls.push(x.to_vec());
                quadratic(x)
            },
            4,
            &[],
        )
        .unwrap();

    assert_eq!(calls.len(), 4, "n_calls counts evaluations, not y0 records");
    assert!(calls.iter().all(|c| !x0.contains(c)), "an x0 point with a y0 value was evaluated");
    assert_eq!(result.evaluations.len(), 6);
    assert_eq!(result.evaluations[0].value, 0.0);
    assert_eq!(result.best_point, x0[0]);
}

#[test]
fn n_calls_must_cover_x0() {
    let x0 = vec![vec![Value::Real(0.1), Value::Real(0.1)], vec![Value::Real(0.2), Value::Real(0.2)]];
    let mut optimizer = Optimizer::new(unit_square(), OptimizerConfig { x0, ..fast_config(0) }).unwrap();
    let error = optimizer.minimize(quadratic, 1, &[]).unwrap_err();
    assert_eq!(error, OptimizerError::NCallsTooSmall { n_calls: 1, required: 2 });
}

#[test]
fn invalid_configs_rejected() {
    let x0 = vec![vec![Value::Real(0.1), Value::Real(0.1)]];
    let config = OptimizerConfig { x0: x0.clone(), y0: vec![1.0, 2.0], ..fast_config(0) };
    assert_eq!(Optimizer::new(unit_square(), config).unwrap_err(), OptimizerError::Y0Length { x0: 1, y0: 2 });

    let config = OptimizerConfig { n_initial_points: 0, ..fast_config(0) };
    assert_eq!(Optimizer::new(unit_square(), config).unwrap_err(), OptimizerError::NoInitialPoints);

    let config = OptimizerConfig { xi: -1.0, ..fast_config(0) };
    assert!(matches!(Optimizer::new(unit_square(), config), Err(OptimizerError::InvalidSetting { name: "xi", .. })));
    let config = OptimizerConfig { pi_xi: f64::NAN, ..fast_config(0) };
    assert!(matches!(Optimizer::new(unit_square(), config), Err(OptimizerError::InvalidSetting { name: "pi_xi", .. })));

    let config = OptimizerConfig { x0: vec![vec![Value::Real(2.0), Value::Real(0.1)]], ..fast_config(0) };
    assert!(matches!(Optimizer::new(unit_square(), config), Err(OptimizerError::OutsideSpace { .. })));
}

#[test]
fn same_seed_same_points() {
    let run = |seed| {
        let mut optimizer = Optimizer::new(unit_square(), fast_config(seed)).unwrap();
        optimizer.minimize(quadratic, 8, &[]).unwrap().points()
    };
    assert_eq!(run(4), run(4));
    assert_ne!(run(4), run(5));
}

#[test]
fn batch_points_distinct_and_unevaluated() {
    for liar in [Liar::ClMin, Liar::KrigingBeliever] {
        let mut optimizer = Optimizer::new(unit_square(), OptimizerConfig { liar, ..fast_config(6) }).unwrap();
        optimizer.minimize(quadratic, 6, &[]).unwrap();
        let batch = optimizer.ask_batch(4).unwrap();
        assert_eq!(batch.len(), 4);
        let evaluated: Vec<_> = optimizer.evaluations().iter().map(|e| e.point.clone()).collect();
        for (i, point) in batch.iter().enumerate() {
            assert!(!evaluated.contains(point), "{liar:?}: batch point {i} was evaluated");
            assert!(!batch[..i].contains(point), "{liar:?}: batch point {i} repeats");
        }
        // Constant liar spreads the batch: no two points closer than 1e-3.
        for i in 0..4 {
            for j in 0..i {
                let distance: f64 = batch[i].iter().zip(&batch[j]).map(|(a, b)| (a.as_f64().unwrap() - b.as_f64().unwrap()).powi(2)).sum();
                assert!(distance.sqrt() > 1e-3, "{liar:?}: points {i} and {j} nearly equal");
            }
        }
        let values: Vec<f64> = batch.iter().map(|p| quadratic(p)).collect();
        optimizer.tell_many(&batch, &values).unwrap();
        assert!(optimizer.evaluations()[6..].iter().all(|e| e.origin == Origin::Model));
    }
}

#[test]
fn resume_from_records_continues_design() {
    let config = OptimizerConfig { n_initial_points: 5, ..fast_config(8) };
    let mut original = Optimizer::new(unit_square(), config.clone()).unwrap();
    let result = original.minimize(quadratic, 3, &[]).unwrap();
    let records: Vec<Evaluation> = result.evaluations.clone();

    // Records survive JSON. serde_json parses floats exactly only with its
    // `float_roundtrip` feature, so reals are compared to 1 ulp here.
    let json = serde_json::to_string(&records).unwrap();
    let parsed: Vec<Evaluation> = serde_json::from_str(&json).unwrap();
    for (parsed, record) in parsed.iter().zip(&records) {
        assert_eq!(parsed.origin, record.origin);
        for (a, b) in parsed.point.iter().zip(&record.point) {
            let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            assert!((a - b).abs() <= 2.0 * f64::EPSILON * b.abs(), "{a} vs {b}");
        }
    }

    let mut resumed = Optimizer::from_records(unit_square(), config.clone(), &records).unwrap();
    let result = resumed.minimize(quadratic, 4, &[]).unwrap();
    let origins: Vec<Origin> = result.evaluations.iter().map(|e| e.origin).collect();
    // Five design points in all, three of them recorded.
    assert_eq!(origins, [vec![Origin::Initial; 5], vec![Origin::Model; 2]].concat());
    assert_eq!(&result.evaluations[..3], &records[..]);

    // The design continues where it stopped: same points as an uninterrupted run.
    let mut uninterrupted = Optimizer::new(unit_square(), config).unwrap();
    let full = uninterrupted.minimize(quadratic, 5, &[]).unwrap();
    assert_eq!(full.points(), result.points()[..5].to_vec());
}

#[test]
fn tell_rejects_non_finite_and_outside() {
    let mut optimizer = Optimizer::new(unit_square(), fast_config(0)).unwrap();
    let point = optimizer.ask().unwrap();
    let error = optimizer.tell(&point, f64::NAN).unwrap_err();
    assert!(matches!(error, OptimizerError::NonFiniteValue { value } if value.is_nan()), "{error}");
    let outside = vec![Value::Real(1.5), Value::Real(0.0)];
    assert!(matches!(optimizer.tell(&outside, 1.0), Err(OptimizerError::OutsideSpace { .. })));
    let error = optimizer.tell_many(&[point], &[]).unwrap_err();
    assert_eq!(error, OptimizerError::LengthMismatch { points: 1, values: 0 });
}

#[test]
fn surrogates_selectable_by_name() {
    for (name, kind) in [("gp", SurrogateKind::Gp), ("forest", SurrogateKind::Forest), ("random", SurrogateKind::Random)] {
        assert_eq!(name.parse::<SurrogateKind>().unwrap(), kind);
        let config = OptimizerConfig { surrogate: kind, n_initial_points: 3, ..fast_config(9) };
        let mut optimizer = Optimizer::new(unit_square(), config).unwrap();
        let result = optimizer.minimize(quadratic, 8, &[]).unwrap();
        assert_eq!(result.evaluations.len(), 8, "{name}");
        assert_eq!(result.surrogate.is_some(), kind != SurrogateKind::Random, "{name}");
        let model_points = result.evaluations.iter().filter(|e| e.origin == Origin::Model).count();
        assert_eq!(model_points, if kind == SurrogateKind::Random { 0 } else { 5 }, "{name}");
    }
    assert!("tpe".parse::<SurrogateKind>().is_err());
}

#[test]
fn every_acquisition_runs_on_mixed_space() {
    let space = Space::new(vec![
        Dimension::log_uniform("lr", 1e-4, 1e-1),
        Dimension::integer("units", 16, 256),
        Dimension::categorical("activation", &["relu", "sigmoid"]),
    ])
    .unwrap();
    let objective = |x: &[Value]| {
        let lr = x[0].as_f64().unwrap();
        let units = x[1].as_i64().unwrap() as f64;
        let penalty = if x[2].as_str() == Some("relu") { 0.0 } else { 0.3 };
        (lr.log10() + 2.5).powi(2) + ((units - 128.0) / 100.0).powi(2) + penalty
    };
    for acquisition in [AcquisitionKind::Ei, AcquisitionKind::Pi, AcquisitionKind::Lcb, AcquisitionKind::LogEi, AcquisitionKind::GpHedge] {
        let config = OptimizerConfig { acquisition, n_initial_points: 4, ..fast_config(10) };
        let mut optimizer = Optimizer::new(space.clone(), config).unwrap();
        let result = optimizer.minimize(objective, 9, &[]).unwrap();
        let keys: HashSet<String> = result.points().iter().map(|p| serde_json::to_string(p).unwrap()).collect();
        assert_eq!(keys.len(), 9, "{acquisition:?} repeated a point");
        assert!(result.best_value < 1.0, "{acquisition:?} best {}", result.best_value);
    }
}

#[test]
fn threshold_stopper_stops_early() {
    let mut optimizer = Optimizer::new(unit_square(), fast_config(11)).unwrap();
    let result = optimizer.minimize(quadratic, 30, &[Stopper::Threshold { value: 0.05 }]).unwrap();
    assert_eq!(result.stop_reason, Some(StopReason::Threshold));
    assert!(result.evaluations.len() < 30);
    assert!(result.best_value <= 0.05);
    assert!(result.values()[..result.evaluations.len() - 1].iter().all(|v| *v > 0.05));
}

#[test]
fn delta_y_and_deadline_rules() {
    let delta = Stopper::DeltaY { delta: 0.01, n_best: 3 };
    assert_eq!(delta.check(&[1.0, 0.5, 0.505], 0.0, &[]), None);
    assert_eq!(delta.check(&[1.0, 0.5, 0.505, 0.509], 0.0, &[]), Some(StopReason::DeltaY));

    let deadline = Stopper::Deadline { total_s: 10.0 };
    assert_eq!(deadline.check(&[1.0], 5.0, &[2.0, 4.0]), None);
    assert_eq!(deadline.check(&[1.0], 6.5, &[2.0, 4.0]), Some(StopReason::Deadline));
}

/// A surrogate with a known mean, 2 u0 + u1 over the encoded columns.
struct Linear;

impl Surrogate for Linear {
    fn predict(&self, points: &[Vec<f64>]) -> (Vec<f64>, Vec<f64>) {
        (points.iter().map(|p| 2.0 * p[0] + p[1]).collect(), vec![0.0; points.len()])
    }
}

#[test]
fn partial_dependence_of_known_surrogate() {
    let space = Space::new(vec![Dimension::real("a", -1.0, 3.0), Dimension::categorical("c", &["x", "y"])]).unwrap();
    // Column 1 is the one-hot "x" column: its sample mean is the share of "x".
    let curve = partial_dependence_1d(&space, &Linear, 0, 5, 400, 0);
    assert_eq!(curve.x, vec![-1.0, 0.0, 1.0, 2.0, 3.0]);
    let offset = curve.mean[0];
    for (i, mean) in curve.mean.iter().enumerate() {
        assert!((mean - offset - 2.0 * i as f64 / 4.0).abs() < 1e-12, "curve {:?}", curve.mean);
    }
    assert!((offset - 0.5).abs() < 0.1, "share of category x is {offset}");

    let grid = partial_dependence_2d(&space, &Linear, (0, 1), 3, 10, 0);
    assert_eq!(grid.x, vec![-1.0, 1.0, 3.0]);
    assert_eq!(grid.y, vec![0.0, 1.0]);
    assert!((grid.mean[2][0] - 3.0).abs() < 1e-12, "a = 3, c = x: {}", grid.mean[2][0]);
    assert!((grid.mean[1][1] - 1.0).abs() < 1e-12, "a = 1, c = y: {}", grid.mean[1][1]);
}

#[test]
fn result_surrogate_predicts_in_target_units() {
    let mut optimizer = Optimizer::new(unit_square(), fast_config(12)).unwrap();
    let result = optimizer.minimize(|x| 100.0 + 50.0 * quadratic(x), 10, &[]).unwrap();
    let surrogate = result.surrogate.as_ref().unwrap();
    let features: Vec<Vec<f64>> = result.points().iter().map(|p| result.space.transform(p)).collect();
    let (mean, std) = surrogate.predict(&features);
    for (i, evaluation) in result.evaluations.iter().enumerate() {
        assert!((mean[i] - evaluation.value).abs() < 0.5, "mean {} vs observed {}", mean[i], evaluation.value);
        assert!(std[i] < 1.0, "std {} at an observed point", std[i]);
    }
}
