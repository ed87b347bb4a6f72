use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::Args;

use super::data_args::DataArgs;
use super::progress::EpochBar;
use crate::model::Activation;
use crate::training::{TrainConfig, TrainedModel, evaluate, train};

/// Options of `vitis-hpo train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Adam learning rate (positive).
    #[arg(long, default_value_t = TrainConfig::DEFAULT_LEARNING_RATE, value_parser = parse_learning_rate, value_name = "RATE")]
    pub lr: f64,

    /// Number of hidden dense layers (at least 1).
    #[arg(long, default_value_t = TrainConfig::DEFAULT_LAYERS, value_parser = parse_count, value_name = "N")]
    pub layers: usize,

    /// Units in each hidden dense layer (at least 1).
    #[arg(long, default_value_t = TrainConfig::DEFAULT_NODES, value_parser = parse_count, value_name = "N")]
    pub nodes: usize,

    /// Activation of the hidden layers: relu or sigmoid.
    #[arg(long, default_value = "relu", value_name = "NAME")]
    pub activation: Activation,

    /// Images per gradient step (at least 1).
    #[arg(long, default_value_t = TrainConfig::DEFAULT_BATCH_SIZE, value_parser = parse_count, value_name = "N")]
    pub batch_size: usize,

    /// Passes over the training split (at least 1).
    #[arg(long, default_value_t = TrainConfig::DEFAULT_EPOCHS, value_parser = parse_count, value_name = "N")]
    pub epochs: usize,

    /// Seed of the weight initialization and the per-epoch shuffles.
    #[arg(long, default_value_t = TrainConfig::DEFAULT_SEED, value_name = "N")]
    pub seed: u64,

    /// Folder to save the model into (model.bpk and model.json).
    #[arg(long, default_value = "runs/model", value_name = "DIR")]
    pub out: PathBuf,

    #[command(flatten)]
    pub data: DataArgs,
}

pub(crate) fn parse_learning_rate(text: &str) -> Result<f64, String> {
    let value: f64 = text.parse().map_err(|_| format!("'{text}' is not a number; use for example 1e-3"))?;
    if !(value.is_finite() && value > 0.0) {
        return Err(format!("the learning rate must be positive, got {text}; use for example 1e-3"));
    }
    Ok(value)
}

/// Parses a whole number of at least 1.
pub(crate) fn parse_count(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_string()),
        Ok(value) => Ok(value),
        Err(_) => Err(format!("'{text}' is not a whole number; use for example 2")),
    }
}

pub fn run(args: TrainArgs) -> anyhow::Result<()> {
    let config = TrainConfig {
        learning_rate: args.lr,
        num_dense_layers: args.layers,
        num_dense_nodes: args.nodes,
        activation: args.activation,
        batch_size: args.batch_size,
        epochs: args.epochs,
        seed: args.seed,
    };
    config.validate()?;

    let started = Instant::now();
    let splits = args.data.load_splits()?;
    println!(
        "data: {} ({} train, {} validation, {} test images), loaded in {:.1} s",
        args.data.settings().source(),
        splits.train.len(),
        splits.validation.len(),
        splits.test.len(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "model: {} x {} {} (layers {:?}), lr {:e}, batch {}, {} epochs, seed {}",
        config.num_dense_layers,
        config.num_dense_nodes,
        config.activation,
        config.layer_sizes(),
        config.learning_rate,
        config.batch_size,
        config.epochs,
        config.seed
    );

    super::search::install_interrupt_handler();
    let mut progress = EpochBar::new(config.epochs, "").with_interrupt(&super::search::INTERRUPTED);
    let trained = train(&config, &splits.train, &splits.validation, &mut progress)?;
    let test = (!splits.test.is_empty()).then(|| evaluate(&trained, &splits.test));
    if let Some(test) = test {
        println!("test: loss {:.4}  accuracy {:.4}", test.loss, test.accuracy);
    }

    save_model(&trained, &args.out, test, &args.data.settings())?;
    println!("saved the model to {}", args.out.display());
    Ok(())
}

fn save_model(
    trained: &TrainedModel,
    out: &std::path::Path,
    test: Option<crate::training::Evaluation>,
    data: &crate::data::DataSettings,
) -> anyhow::Result<()> {
    trained.save(out, test, data).with_context(|| format!("cannot save the model to --out {}", out.display()))
}
