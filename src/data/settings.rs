use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{DataError, DataSource, SplitSpec, Splits, TestSplit, load_pool, split_pool};

/// Data source and split, saved beside every model so that later stages (export, quantize, deploy) see the same test split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataSettings {
    /// Folder of MNIST-layout IDX files; `None` for the embedded MNIST.
    pub folder: Option<PathBuf>,
    pub split: SplitSpec,
    pub test_split: TestSplit,
    /// Seed of the shuffle that splits the pool.
    pub split_seed: u64,
}

impl Default for DataSettings {
    fn default() -> Self {
        DataSettings { folder: None, split: SplitSpec::default(), test_split: TestSplit::FromPool, split_seed: 42 }
    }
}

impl DataSettings {
    pub fn source(&self) -> DataSource {
        match &self.folder {
            Some(folder) => DataSource::Folder(folder.clone()),
            None => DataSource::EmbeddedMnist,
        }
    }

    /// Loads the source and splits it.
    pub fn load_splits(&self) -> Result<Splits, DataError> {
        let pool = load_pool(&self.source())?;
        split_pool(&pool, &self.split, self.test_split, self.split_seed)
    }
}
