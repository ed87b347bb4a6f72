use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::optimizer::InitialDesign;

#[test]
fn designs_stay_in_unit_cube() {
    for design in [InitialDesign::Random, InitialDesign::Sobol, InitialDesign::Lhs, InitialDesign::Halton] {
        let points = design.generate(16, 3, &mut ChaCha8Rng::seed_from_u64(1));
        assert_eq!(points.len(), 16, "{design:?}");
        for point in &points {
            assert!(point.iter().all(|x| (0.0..1.0).contains(x)), "{design:?} point {point:?}");
        }
    }
}

#[test]
fn lhs_one_point_per_stratum() {
    let n = 10;
    let points = InitialDesign::Lhs.generate(n, 4, &mut ChaCha8Rng::seed_from_u64(7));
    for d in 0..4 {
        let mut strata: Vec<usize> = points.iter().map(|p| (p[d] * n as f64).floor() as usize).collect();
        strata.sort();
        assert_eq!(strata, (0..n).collect::<Vec<_>>(), "dimension {d}");
    }
}

#[test]
fn sobol_first_points_form_a_net() {
    // The first 8 points of the 2-D Sobol sequence are a (0, 3, 2)-net, and
    // a nested scramble keeps that property. Every dyadic box of area 1/8
    // (8 x 1, 4 x 2, 2 x 4 and 1 x 8 cells) contains exactly one point.
    for seed in 0..5 {
        let points = InitialDesign::Sobol.generate(8, 2, &mut ChaCha8Rng::seed_from_u64(seed));
        for columns_log2 in 0..=3 {
            let (columns, rows) = (1 << columns_log2, 1 << (3 - columns_log2));
            let mut counts = vec![0; 8];
            for p in &points {
                let cell = (p[0] * columns as f64) as usize * rows + (p[1] * rows as f64) as usize;
                counts[cell] += 1;
            }
            assert_eq!(counts, vec![1; 8], "seed {seed}, {columns} x {rows} cells, points {points:?}");
        }
    }
}

#[test]
fn sobol_scramble_depends_on_seed() {
    let a = InitialDesign::Sobol.generate(4, 3, &mut ChaCha8Rng::seed_from_u64(1));
    let b = InitialDesign::Sobol.generate(4, 3, &mut ChaCha8Rng::seed_from_u64(2));
    assert_ne!(a, b);
    assert_eq!(a, InitialDesign::Sobol.generate(4, 3, &mut ChaCha8Rng::seed_from_u64(1)));
}

#[test]
fn halton_base_two_first_values() {
    // Unshifted radical inverses in base 2 are 1/2, 1/4, 3/4; a common
    // shift keeps their pairwise differences modulo 1.
    let points = InitialDesign::Halton.generate(3, 1, &mut ChaCha8Rng::seed_from_u64(0));
    let diff = |a: f64, b: f64| (a - b).rem_euclid(1.0);
    assert!((diff(points[1][0], points[0][0]) - 0.75).abs() < 1e-12);
    assert!((diff(points[2][0], points[0][0]) - 0.25).abs() < 1e-12);
}

#[test]
fn design_names_parse() {
    assert_eq!("lhs".parse::<InitialDesign>().unwrap(), InitialDesign::Lhs);
    assert!("grid".parse::<InitialDesign>().is_err());
}
