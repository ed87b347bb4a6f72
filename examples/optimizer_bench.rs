//! Benchmark of the Bayesian optimizer on Branin (n_calls 30) and
//! Hartmann-6 (n_calls 50), 20 seeds each: mean and standard deviation of
//! the best value, and the median time of one `ask` at 50 observations.
//! Compare with scripts/skopt_bench.sh, which runs scikit-optimize's
//! gp_minimize on the same functions and budgets.
//!
//! Run: `cargo run --release --example optimizer_bench [-- --sweep]`.
//! `--sweep` also measures n_initial_points at n_calls 15; `--acquisition NAME`, `--design NAME`
//! `--xi X`, `--pi-xi X`, `--n-initial N`, `--candidates N`, `--refine N` and `--gp-restarts N`
//! change the default configuration. `--n-calls N` sets both budgets, and
//! `--function branin|hartmann6` runs one function only.
//! `BENCH_SEEDS=N` runs seeds 0..N and `--seed S` only seed S. `--per-seed`
//! prints each seed's best value, and `RUST_LOG=optimizer_bench=trace`
//! prints every evaluation of every seed.

use std::time::Instant;

use vitis_hpo::optimizer::{Dimension, Optimizer, OptimizerConfig, Space, Value};

const SEEDS: u64 = 20;
const BRANIN_MIN: f64 = 0.397_887_357_729_738;
const HARTMANN6_MIN: f64 = -3.322_368_011_415_51;

fn branin(x: &[Value]) -> f64 {
    let (x1, x2) = (x[0].as_f64().unwrap(), x[1].as_f64().unwrap());
    let (a, b, c) = (1.0, 5.1 / (4.0 * std::f64::consts::PI.powi(2)), 5.0 / std::f64::consts::PI);
    let (r, s, t) = (6.0, 10.0, 1.0 / (8.0 * std::f64::consts::PI));
    a * (x2 - b * x1 * x1 + c * x1 - r).powi(2) + s * (1.0 - t) * x1.cos() + s
}

fn hartmann6(x: &[Value]) -> f64 {
    const ALPHA: [f64; 4] = [1.0, 1.2, 3.0, 3.2];
    const A: [[f64; 6]; 4] = [
        [10.0, 3.0, 17.0, 3.5, 1.7, 8.0],
        [0.05, 10.0, 17.0, 0.1, 8.0, 14.0],
        [3.0, 3.5, 1.7, 10.0, 17.0, 8.0],
        [17.0, 8.0, 0.05, 10.0, 0.1, 14.0],
    ];
    const P: [[f64; 6]; 4] = [
        [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
        [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
        [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
        [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
    ];
    let x: Vec<f64> = x.iter().map(|v| v.as_f64().unwrap()).collect();
    -(0..4)
        .map(|i| {
            let inner: f64 = (0..6).map(|j| A[i][j] * (x[j] - P[i][j]).powi(2)).sum();
            ALPHA[i] * (-inner).exp()
        })
        .sum::<f64>()
}

fn branin_space() -> Space {
    Space::new(vec![Dimension::real("x1", -5.0, 10.0), Dimension::real("x2", 0.0, 15.0)]).unwrap()
}

fn hartmann_space() -> Space {
    Space::new((1..=6).map(|i| Dimension::real(&format!("x{i}"), 0.0, 1.0)).collect()).unwrap()
}

fn mean_std(values: &[f64]) -> (f64, f64) {
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64;
    (mean, variance.sqrt())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Best values over the seeds, and the time of one ask after the budget.
fn run(space: &Space, objective: fn(&[Value]) -> f64, n_calls: usize, base: &OptimizerConfig) -> (Vec<f64>, Vec<f64>) {
    let mut bests = Vec::new();
    let mut ask_ms = Vec::new();
    let per_seed = std::env::args().any(|a| a == "--per-seed");
    let seeds = std::env::var("BENCH_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(SEEDS);
    let seeds = match option("--seed") {
        Some(seed) => {
            let seed: u64 = seed.parse().expect("seed");
            seed..seed + 1
        }
        None => 0..seeds,
    };
    for seed in seeds {
        let run_start = Instant::now();
        let config = OptimizerConfig { seed, ..base.clone() };
        let mut optimizer = Optimizer::new(space.clone(), config).unwrap();
        let result = optimizer.minimize(objective, n_calls, &[]).unwrap();
        bests.push(result.best_value);
        if per_seed {
            println!("seed {seed}: best {:.6}", result.best_value);
        }
        for (i, evaluation) in result.evaluations.iter().enumerate() {
            log::trace!("seed {seed} call {}: {:?} {:.4} at {:.3?}", i + 1, evaluation.origin, evaluation.value, evaluation.point);
        }
        let start = Instant::now();
        optimizer.ask().unwrap();
        ask_ms.push(start.elapsed().as_secs_f64() * 1e3);
        log::debug!("seed {seed}: best {} in {:.1} s", result.best_value, run_start.elapsed().as_secs_f64());
    }
    (bests, ask_ms)
}

fn report(name: &str, minimum: f64, n_calls: usize, config: &OptimizerConfig, space: &Space, f: fn(&[Value]) -> f64) {
    let start = Instant::now();
    let (bests, mut ask_ms) = run(space, f, n_calls, config);
    let (mean, std) = mean_std(&bests);
    println!(
        "{name:<10} n_calls {n_calls:>2} n_initial {:>2} {:<8} {:<7}: best {mean:.4} +- {std:.4}  regret {:.4}  ask at {n_calls} obs {:.1} ms (median)  [{:.0} s]",
        config.n_initial_points,
        format!("{:?}", config.acquisition),
        format!("{:?}", config.initial_design),
        mean - minimum,
        median(&mut ask_ms),
        start.elapsed().as_secs_f64()
    );
}

/// Returns the value after `name` on the command line.
fn option(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    env_logger::init();
    let sweep = std::env::args().any(|a| a == "--sweep");
    let mut config = OptimizerConfig::default();
    if let Some(acquisition) = option("--acquisition") {
        config.acquisition = acquisition.parse().expect("acquisition name");
    }
    if let Some(design) = option("--design") {
        config.initial_design = design.parse().expect("initial design name");
    }
    if let Some(xi) = option("--xi") {
        config.xi = xi.parse().expect("xi");
    }
    if let Some(xi) = option("--pi-xi") {
        config.pi_xi = xi.parse().expect("pi_xi");
    }
    if let Some(n) = option("--n-initial") {
        config.n_initial_points = n.parse().expect("n_initial_points");
    }
    if let Some(n) = option("--candidates") {
        config.n_candidates = n.parse().expect("n_candidates");
    }
    if let Some(n) = option("--refine") {
        config.n_refine = n.parse().expect("n_refine");
    }
    if let Some(n) = option("--gp-restarts") {
        config.gp_restarts = n.parse().expect("gp_restarts");
    }

    let budget = option("--n-calls").map(|n| n.parse::<usize>().expect("n_calls"));
    let function = option("--function");
    if let Some(name) = function.as_deref().filter(|f| !["branin", "hartmann6"].contains(f)) {
        eprintln!("unknown --function {name}: expected branin or hartmann6");
        std::process::exit(2);
    }
    if function.as_deref().is_none_or(|f| f == "branin") {
        report("branin", BRANIN_MIN, budget.unwrap_or(30), &config, &branin_space(), branin);
    }
    if function.as_deref().is_none_or(|f| f == "hartmann6") {
        report("hartmann6", HARTMANN6_MIN, budget.unwrap_or(50), &config, &hartmann_space(), hartmann6);
    }
    if !sweep {
        return;
    }

    // Small budget: which n_initial_points leaves the model the most to do.

    for n_initial_points in [2, 3, 5, 7, 10] {
        let config = OptimizerConfig { n_initial_points, ..config.clone() };
        report("branin", BRANIN_MIN, 15, &config, &branin_space(), branin);
        report("hartmann6", HARTMANN6_MIN, 15, &config, &hartmann_space(), hartmann6);
    }
}
