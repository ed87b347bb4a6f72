use std::path::PathBuf;

use anyhow::bail;
use clap::Args;

use crate::search::{read_summary, read_trials};

/// Options of `vitis-hpo show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Run folder written by `search` or `pipeline`.
    #[arg(value_name = "RUN")]
    pub run: PathBuf,
}

pub fn run(args: ShowArgs) -> anyhow::Result<()> {
    if !args.run.is_dir() {
        bail!("run folder {} not found; pass the --out folder of `vitis-hpo search` or `pipeline`", args.run.display());
    }
    let trials = read_trials(&args.run)?;
    if trials.is_empty() {
        bail!("{} has no finished trials (trials.jsonl is missing or empty)", args.run.display());
    }
    let n_calls = super::search::read_run_spec(&args.run).map(|spec| spec.n_calls).unwrap_or(trials.len());
    let summary = match read_summary(&args.run)? {
        Some(summary) if summary.trials == trials.len() => summary,
        stored => {
            let test = stored.and_then(|s| s.test);
            crate::search::Summary::new(&trials, n_calls, test, 0.0, false).expect("trials are not empty")
        }
    };
    print!("{}", summary.render(&trials));
    Ok(())
}
