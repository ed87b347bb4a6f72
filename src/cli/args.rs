use clap::{Parser, Subcommand};

use super::deploy::DeployArgs;
use super::export::ExportArgs;
use super::pipeline::PipelineArgs;
use super::quantize::QuantizeArgs;
use super::search::SearchArgs;
use super::show::ShowArgs;
use super::study::StudyArgs;
use super::train::TrainArgs;
use super::verify::VerifyArgs;

/// Hyper-parameter search for an MNIST MLP, from burn training to a Xilinx DPU.
#[derive(Debug, Parser)]
#[command(name = "vitis-hpo", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Print debug logs (-v) or trace logs (-vv) to stderr; RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The main job: search, export, verify, quantize and deploy in one run.
    Pipeline(PipelineArgs),
    /// Train one MLP on the embedded MNIST (or --data) and save it.
    Train(TrainArgs),
    /// Search hyper-parameters with Bayesian optimization (the lab's search by default).
    Search(SearchArgs),
    /// Print the summary of an existing search run.
    Show(ShowArgs),
    /// Run the lab report's experiments (batch size, split, activation) and write their tables.
    Study(StudyArgs),
    /// Export a run's best model (or --model DIR) to ONNX (model.onnx).
    Export(ExportArgs),
    /// Run the exported model in tract on the test split and compare it with burn.
    Verify(VerifyArgs),
    /// Quantize a model to int8 from a calibration set and verify it in tract.
    Quantize(QuantizeArgs),
    /// Write the Vitis AI bundle: docker compile scripts and the board runner.
    Deploy(DeployArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    init_logging(cli.verbose);
    match cli.command {
        Command::Pipeline(args) => super::pipeline::run(args),
        Command::Train(args) => super::train::run(args),
        Command::Search(args) => super::search::run(args),
        Command::Show(args) => super::show::run(args),
        Command::Study(args) => super::study::run(args),
        Command::Export(args) => super::export::run(args),
        Command::Verify(args) => super::verify::run(args),
        Command::Quantize(args) => super::quantize::run(args),
        Command::Deploy(args) => super::deploy::run(args),
    }
}

fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "debug",
        _ => "trace",
    };
    let env = env_logger::Env::default().default_filter_or(format!("vitis_hpo={level},{}", if verbose > 1 { "debug" } else { "warn" }));
    let _ = env_logger::Builder::from_env(env).format_timestamp_millis().try_init();
}
