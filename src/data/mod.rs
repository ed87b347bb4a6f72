//! MNIST-layout data: IDX parsing, the embedded MNIST copy, the merged pool
//! and its seeded train / validation / test split.

mod dataset;
mod error;
mod idx;
mod mnist;
mod settings;
mod split;

pub use dataset::Dataset;
pub use error::DataError;
pub use idx::{parse_idx_images, parse_idx_labels, read_idx_file};
pub use mnist::{DataSource, MnistFiles, load_pool, load_source};
pub use settings::DataSettings;
pub use split::{Pool, SplitSpec, Splits, TestSplit, split_pool};

/// Image side in pixels; every data set must have 28 x 28 images.
pub const IMAGE_SIDE: usize = 28;
