//! Throughput of tract on the exported 784-165-165-10 ReLU MLP, in images per
//! second at batch 1 and batch 256, for 1 and 2 executor threads and for the
//! symbolic-batch plan and a plan optimized for the fixed batch size.
//!
//!     cargo run --release --example onnx_bench -- [--runs N] [--seconds S] [--write-model PATH]
//!
//! Each run calls `TractRunner::run` on the same batch for about `S` seconds
//! (default 1) and counts images. The printed figure is the median over `N`
//! runs (default 7). `--write-model` saves the benchmarked
//! model, so scripts/onnxruntime_bench.py can time onnxruntime on the same file.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use vitis_hpo::model::{Activation, INPUT_SIZE};
use vitis_hpo::onnx::{
    ExportMetadata, RunnerOptions, TractRunner, export_onnx, glorot_uniform_weights,
};

const HIDDEN: [usize; 2] = [165, 165];
const SEED: u64 = 7;
const BATCHES: [usize; 2] = [1, 256];
const THREADS: [usize; 2] = [1, 2];
/// Plan kinds compared: the symbolic-batch plan, and a plan optimized for the
/// fixed batch size (`specialize_min_batch = 1` specializes every size).
const PLANS: [(&str, usize); 2] = [("symbolic", usize::MAX), ("fixed", 1)];

struct Settings {
    runs: usize,
    run_time: Duration,
    write_model: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let settings = parse_args()?;
    let weights = glorot_uniform_weights(Activation::Relu, &HIDDEN, SEED);
    let bytes = export_onnx(&weights, &ExportMetadata::with_crate_version())?;
    if let Some(path) = &settings.write_model {
        std::fs::write(path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }

    println!(
        "model 784-165-165-10 relu, {} runs of {:?} each, median images/s",
        settings.runs, settings.run_time
    );
    for threads in THREADS {
        for batch in BATCHES {
            for (plan, specialize_min_batch) in PLANS {
                let options = RunnerOptions {
                    threads,
                    specialize_min_batch,
                };
                let runner = TractRunner::from_bytes_with_options(&bytes, &options)?;
                let images: Vec<f32> = (0..batch * INPUT_SIZE)
                    .map(|i| (i % 251) as f32 / 250.0)
                    .collect();
                let median = median_throughput(&runner, &images, batch, &settings)?;
                println!(
                    "tract threads={threads} batch={batch:>3} plan={plan:<8}: {median:>12.0} images/s"
                );
            }
        }
    }
    Ok(())
}

/// Runs the batch repeatedly and returns the median images/s over the runs,
/// after one untimed warm-up run.
fn median_throughput(
    runner: &TractRunner,
    images: &[f32],
    batch: usize,
    settings: &Settings,
) -> anyhow::Result<f64> {
    let mut rates = Vec::with_capacity(settings.runs);
    for run in 0..=settings.runs {
        let start = Instant::now();
        let mut calls = 0u64;
        while start.elapsed() < settings.run_time {
            std::hint::black_box(runner.run(std::hint::black_box(images))?);
            calls += 1;
        }
        if run > 0 {
            rates.push((calls * batch as u64) as f64 / start.elapsed().as_secs_f64());
        }
    }
    rates.sort_by(f64::total_cmp);
    Ok(rates[rates.len() / 2])
}

fn parse_args() -> anyhow::Result<Settings> {
    let mut settings = Settings {
        runs: 7,
        run_time: Duration::from_secs(1),
        write_model: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--runs" => {
                settings.runs = value()?
                    .parse()
                    .context("--runs takes a positive integer")?
            }
            "--seconds" => {
                settings.run_time =
                    Duration::from_secs_f64(value()?.parse().context("--seconds takes a number")?)
            }
            "--write-model" => settings.write_model = Some(PathBuf::from(value()?)),
            other => bail!(
                "unknown argument '{other}': expected --runs N, --seconds S or --write-model PATH"
            ),
        }
    }
    if settings.runs == 0 {
        bail!("--runs must be at least 1");
    }
    Ok(settings)
}
