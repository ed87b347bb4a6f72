use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::data::{DataSettings, SplitSpec, Splits, TestSplit, load_pool, split_pool};

/// Data source and split options.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Folder with the four IDX files of an MNIST-layout data set of 28x28
    /// images (gzip or raw). Default: the MNIST copy embedded in the binary.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,

    /// Train/validation/test split: ratios such as 7:2:1 (the remainder of
    /// the integer division goes to training) or counts such as
    /// 50000,10000,10000 (their sum may be below the pool size).
    #[arg(long, default_value = "7:2:1", value_name = "SPEC")]
    pub split: SplitSpec,

    /// Keep the official 10,000 test images as the test split; train and
    /// validation then come from the 60,000 training images only. With
    /// counts in --split, the test count takes that many official test images.
    #[arg(long)]
    pub official_test: bool,

    /// Seed of the shuffle that splits the pool.
    #[arg(long, default_value_t = 42, value_name = "N")]
    pub split_seed: u64,
}

impl DataArgs {
    /// Converts the flags into data settings.
    pub fn settings(&self) -> DataSettings {
        DataSettings {
            // Absolute, so that run.json still finds the data from another folder.
            folder: self.data.as_ref().map(|folder| std::path::absolute(folder).unwrap_or_else(|_| folder.clone())),
            split: self.split.clone(),
            test_split: if self.official_test { TestSplit::Official } else { TestSplit::FromPool },
            split_seed: self.split_seed,
        }
    }

    /// Loads the data and splits it, with errors that name the flag.
    pub fn load_splits(&self) -> anyhow::Result<Splits> {
        load_splits(&self.settings())
    }
}

/// Loads and splits the data of `settings`, with errors that name the flag
/// that set each part.
pub fn load_splits(settings: &DataSettings) -> anyhow::Result<Splits> {
    let source = settings.source();
    let pool = load_pool(&source).with_context(|| match &settings.folder {
        Some(folder) => format!("cannot load --data {}", folder.display()),
        None => "cannot load the embedded MNIST".to_string(),
    })?;
    let splits = split_pool(&pool, &settings.split, settings.test_split, settings.split_seed)
        .with_context(|| format!("invalid value '{}' for --split", settings.split))?;
    log::debug!(
        "data {source}: {} train, {} validation, {} test images",
        splits.train.len(),
        splits.validation.len(),
        splits.test.len()
    );
    Ok(splits)
}
