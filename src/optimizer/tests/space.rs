use crate::optimizer::{Dimension, OptimizerError, Space, Value};

fn mixed_space() -> Space {
    Space::new(vec![
        Dimension::log_uniform("lr", 1e-4, 1e-1),
        Dimension::real("dropout", 0.0, 0.5),
        Dimension::integer("layers", 1, 4),
        Dimension::categorical("activation", &["relu", "sigmoid", "tanh"]),
    ])
    .unwrap()
}

#[test]
fn round_trip_every_dimension_type() {
    let space = mixed_space();
    let points = [
        vec![Value::Real(1e-4), Value::Real(0.0), Value::Integer(1), Value::Categorical("relu".into())],
        vec![Value::Real(1e-1), Value::Real(0.5), Value::Integer(4), Value::Categorical("tanh".into())],
        vec![Value::Real(3.3e-3), Value::Real(0.123), Value::Integer(2), Value::Categorical("sigmoid".into())],
    ];
    for point in &points {
        let features = space.transform(point);
        assert_eq!(features.len(), space.n_features());
        assert!(features.iter().all(|f| (0.0..=1.0).contains(f)), "features {features:?} outside the cube");
        let decoded = space.inverse_transform(&features);
        let (x, y) = (point[0].as_f64().unwrap(), decoded[0].as_f64().unwrap());
        assert!((x - y).abs() <= 1e-12 * x, "log-uniform {x} decoded as {y}");
        let (x, y) = (point[1].as_f64().unwrap(), decoded[1].as_f64().unwrap());
        assert!((x - y).abs() <= 1e-12, "uniform {x} decoded as {y}");
        assert_eq!(decoded[2], point[2]);
        assert_eq!(decoded[3], point[3]);
    }
}

#[test]
fn bounds_decode_exactly() {
    let space = mixed_space();
    let low = space.inverse_transform(&[0.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
    let high = space.inverse_transform(&[1.0, 1.0, 1.0, 0.0, 0.0, 1.0]);
    assert_eq!(low[0], Value::Real(1e-4));
    assert_eq!(low[1], Value::Real(0.0));
    assert_eq!(low[2], Value::Integer(1));
    assert_eq!(high[0], Value::Real(1e-1));
    assert_eq!(high[1], Value::Real(0.5));
    assert_eq!(high[2], Value::Integer(4));
    assert_eq!(high[3], Value::Categorical("tanh".into()));
}

#[test]
fn unit_round_trip_from_cube() {
    // Decoding then encoding then decoding again gives the same point.
    let space = mixed_space();
    for k in 0..50 {
        let u = k as f64 / 49.0;
        let features = vec![u, 1.0 - u, u, u, 1.0 - u, 0.5];
        let point = space.inverse_transform(&features);
        assert_eq!(space.inverse_transform(&space.transform(&point)), point);
    }
}

#[test]
fn integer_cells_have_equal_width() {
    let space = Space::new(vec![Dimension::integer("n", -2, 2)]).unwrap();
    let steps = 100_000;
    let mut counts = [0usize; 5];
    for k in 0..steps {
        let u = (k as f64 + 0.5) / steps as f64;
        let value = space.sample(&[u])[0].as_i64().unwrap();
        counts[(value + 2) as usize] += 1;
    }
    for (i, count) in counts.iter().enumerate() {
        assert_eq!(*count, steps / 5, "integer {} covers {count} of {steps} samples", i as i64 - 2);
    }
    for i in -2..=2 {
        let feature = space.transform(&[Value::Integer(i)])[0];
        assert!((feature - ((i + 2) as f64 + 0.5) / 5.0).abs() < 1e-15, "integer {i} encoded at {feature}");
    }
}

#[test]
fn categories_one_hot() {
    let space = Space::new(vec![Dimension::categorical("act", &["relu", "sigmoid"])]).unwrap();
    assert_eq!(space.transform(&[Value::Categorical("sigmoid".into())]), vec![0.0, 1.0]);
    assert_eq!(space.transform(&[Value::Categorical("relu".into())]), vec![1.0, 0.0]);
}

#[test]
fn point_json_is_untagged() {
    let point = vec![Value::Real(0.001), Value::Integer(2), Value::Integer(165), Value::Categorical("relu".into())];
    let json = serde_json::to_string(&point).unwrap();
    assert_eq!(json, r#"[0.001,2,165,"relu"]"#);
    let parsed: Vec<Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed, point);
}

#[test]
fn space_json_round_trip() {
    let space = mixed_space();
    let json = serde_json::to_string(&space).unwrap();
    let parsed: Space = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed, space);
    let invalid = r#"[{"name":"lr","type":"real","low":1.0,"high":0.5,"prior":"uniform"}]"#;
    assert!(serde_json::from_str::<Space>(invalid).is_err());
}

#[test]
fn low_not_below_high_rejected() {
    let error = Space::new(vec![Dimension::real("lr", 0.1, 0.1)]).unwrap_err();
    assert!(matches!(&error, OptimizerError::InvalidBounds { name, .. } if name == "lr"), "{error}");
    assert!(error.to_string().contains("`lr`"));
    let error = Space::new(vec![Dimension::integer("units", 10, 3)]).unwrap_err();
    assert!(matches!(&error, OptimizerError::InvalidBounds { name, .. } if name == "units"), "{error}");
}

#[test]
fn log_uniform_low_must_be_positive() {
    let error = Space::new(vec![Dimension::log_uniform("lr", 0.0, 1.0)]).unwrap_err();
    assert!(matches!(&error, OptimizerError::NonPositiveLogLow { name, .. } if name == "lr"), "{error}");
}

#[test]
fn categorical_needs_categories() {
    let error = Space::new(vec![Dimension::categorical("act", &[])]).unwrap_err();
    assert!(matches!(&error, OptimizerError::NoCategories { name } if name == "act"), "{error}");
    let error = Space::new(vec![Dimension::categorical("act", &["relu", "relu"])]).unwrap_err();
    assert!(matches!(&error, OptimizerError::DuplicateCategory { name, .. } if name == "act"), "{error}");
}

#[test]
fn duplicate_names_rejected() {
    let error = Space::new(vec![Dimension::real("x", 0.0, 1.0), Dimension::integer("x", 0, 3)]).unwrap_err();
    assert!(matches!(&error, OptimizerError::DuplicateName { name } if name == "x"), "{error}");
}

#[test]
fn empty_space_and_infinite_bound_rejected() {
    assert_eq!(Space::new(vec![]).unwrap_err(), OptimizerError::EmptySpace);
    let error = Space::new(vec![Dimension::real("x", 0.0, f64::INFINITY)]).unwrap_err();
    assert!(matches!(&error, OptimizerError::NonFiniteBound { name, .. } if name == "x"), "{error}");
}

#[test]
fn point_outside_space_rejected() {
    let space = mixed_space();
    let valid = vec![Value::Real(1e-3), Value::Real(0.1), Value::Integer(2), Value::Categorical("relu".into())];
    assert!(space.check_point(&valid).is_ok());

    let mut outside = valid.clone();
    outside[2] = Value::Integer(5);
    let error = space.check_point(&outside).unwrap_err();
    assert!(matches!(&error, OptimizerError::OutsideSpace { name, .. } if name == "layers"), "{error}");

    let mut unknown = valid.clone();
    unknown[3] = Value::Categorical("gelu".into());
    let error = space.check_point(&unknown).unwrap_err();
    assert!(matches!(&error, OptimizerError::OutsideSpace { name, .. } if name == "activation"), "{error}");

    let mut wrong_type = valid.clone();
    wrong_type[0] = Value::Categorical("fast".into());
    let error = space.check_point(&wrong_type).unwrap_err();
    assert!(matches!(&error, OptimizerError::WrongValueType { name, .. } if name == "lr"), "{error}");

    let error = space.check_point(&valid[..3]).unwrap_err();
    assert_eq!(error, OptimizerError::PointLength { expected: 4, found: 3 });
}

#[test]
fn integer_json_number_accepted_for_real() {
    let space = Space::new(vec![Dimension::real("x", 0.0, 2.0)]).unwrap();
    assert_eq!(space.check_point(&[Value::Integer(1)]).unwrap(), vec![Value::Real(1.0)]);
}

#[test]
fn finite_space_enumerated() {
    let space = Space::new(vec![Dimension::integer("a", 0, 2), Dimension::categorical("b", &["x", "y"])]).unwrap();
    assert_eq!(space.cardinality(), Some(6));
    let all = space.enumerate(100).unwrap();
    assert_eq!(all.len(), 6);
    assert_eq!(all[1], vec![Value::Integer(0), Value::Categorical("y".into())]);
    assert!(space.enumerate(5).is_none());
}
