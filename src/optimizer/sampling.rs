//! Space-filling designs in the unit cube: random, Sobol, Latin hypercube
//! and Halton, each randomized by the seed.

use std::str::FromStr;
use std::sync::OnceLock;

use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use sobol::Sobol;
use sobol::params::JoeKuoD6;

use super::error::OptimizerError;

/// Generator of the initial design.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InitialDesign {
    /// Independent uniform samples.
    Random,
    /// Sobol sequence with a random nested (Owen) scramble.
    Sobol,
    /// Latin hypercube: one sample per stratum in every dimension.
    Lhs,
    /// Halton sequence with a random shift.
    Halton,
}

impl FromStr for InitialDesign {
    type Err = OptimizerError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "random" => Ok(Self::Random),
            "sobol" => Ok(Self::Sobol),
            "lhs" => Ok(Self::Lhs),
            "halton" => Ok(Self::Halton),
            _ => Err(OptimizerError::UnknownName {
                kind: "initial design",
                value: s.to_string(),
                expected: "random, sobol, lhs, halton",
            }),
        }
    }
}

impl InitialDesign {
    /// Generates `n` points of dimension `dims` in [0, 1).
    pub fn generate(self, n: usize, dims: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
        match self {
            Self::Random => (0..n).map(|_| (0..dims).map(|_| rng.random::<f64>()).collect()).collect(),
            Self::Sobol => sobol_points(n, dims, rng),
            Self::Lhs => latin_hypercube(n, dims, rng),
            Self::Halton => halton_points(n, dims, rng),
        }
    }
}

/// Joe-Kuo direction numbers for up to 1000 dimensions, parsed once.
fn sobol_params() -> &'static JoeKuoD6 {
    static PARAMS: OnceLock<JoeKuoD6> = OnceLock::new();
    PARAMS.get_or_init(JoeKuoD6::standard)
}

/// Adds a random shift modulo 1 to every coordinate (Cranley-Patterson
/// rotation), so each seed gets a different design with the same spread.
fn shift(points: &mut [Vec<f64>], dims: usize, rng: &mut ChaCha8Rng) {
    let offsets: Vec<f64> = (0..dims).map(|_| rng.random::<f64>()).collect();
    for point in points {
        for (x, offset) in point.iter_mut().zip(&offsets) {
            *x = (*x + offset).fract();
        }
    }
}

/// The first `n` points of an Owen-scrambled Sobol sequence.
///
/// A random shift alone keeps the lattice of the first points. In two
/// dimensions the first three shifted points lie on one line, and in six
/// dimensions the first five points differ by multiples of 1/8 in every
/// coordinate, which misleads a surrogate fitted on a small initial design.
/// The nested scramble keeps the stratification of the net and randomizes
/// where each point sits inside its cells.
pub fn sobol_points(n: usize, dims: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
    let seeds: Vec<u64> = (0..dims).map(|_| rng.random()).collect();
    Sobol::<u32>::new(dims, sobol_params())
        .take(n)
        .map(|point| {
            point.iter().zip(&seeds).map(|(v, seed)| f64::from(owen_scramble(*v, *seed)) / 4_294_967_296.0).collect()
        })
        .collect()
}

/// Applies a nested uniform (Owen) scramble to a 32-bit binary fraction.
/// Digit k, counted from the most significant, is flipped by a
/// pseudo-random bit of `seed`, k and the k digits above it, so points that
/// share leading digits get the same permutation of the next digit.
fn owen_scramble(value: u32, seed: u64) -> u32 {
    let mut scrambled = 0;
    for k in 0..32u32 {
        let bit = 31 - k;
        let prefix = if k == 0 { 0 } else { u64::from(value >> (32 - k)) };
        let flip = (splitmix64(seed ^ splitmix64(prefix | (u64::from(k) << 32))) & 1) as u32;
        scrambled |= (((value >> bit) & 1) ^ flip) << bit;
    }
    scrambled
}

/// SplitMix64 finalizer, a bijective mixer of 64-bit keys.
fn splitmix64(key: u64) -> u64 {
    let mut z = key.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A Latin hypercube: each dimension's n strata hold one point each, at a
/// uniform position inside the stratum.
pub fn latin_hypercube(n: usize, dims: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
    let mut points = vec![vec![0.0; dims]; n];
    for d in 0..dims {
        let mut strata: Vec<usize> = (0..n).collect();
        strata.shuffle(rng);
        for (point, stratum) in points.iter_mut().zip(strata) {
            point[d] = (stratum as f64 + rng.random::<f64>()) / n as f64;
        }
    }
    points
}

/// The first `n` Halton points (radical inverses in the first primes),
/// skipping the origin, randomly shifted.
pub fn halton_points(n: usize, dims: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
    let primes = first_primes(dims);
    let mut points: Vec<Vec<f64>> =
        (1..=n).map(|i| primes.iter().map(|&p| radical_inverse(i as u64, p)).collect()).collect();
    shift(&mut points, dims, rng);
    points
}

fn radical_inverse(mut index: u64, base: u64) -> f64 {
    let mut result = 0.0;
    let mut scale = 1.0 / base as f64;
    while index > 0 {
        result += (index % base) as f64 * scale;
        index /= base;
        scale /= base as f64;
    }
    result
}

fn first_primes(count: usize) -> Vec<u64> {
    let mut primes = Vec::with_capacity(count);
    let mut candidate = 2u64;
    while primes.len() < count {
        if primes.iter().take_while(|&&p| p * p <= candidate).all(|&p| !candidate.is_multiple_of(p)) {
            primes.push(candidate);
        }
        candidate += 1;
    }
    primes
}
