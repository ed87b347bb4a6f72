//! Locating and loading the four MNIST-layout IDX files, from a folder or from
//! the copy of MNIST embedded in the binary.

use std::path::{Path, PathBuf};

use super::idx::{decompress_if_gzip, parse_idx_images, parse_idx_labels, read_idx_file};
use super::{DataError, Dataset};

/// Source of the images.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataSource {
    /// The MNIST files compiled into the binary (data/mnist in the repository).
    EmbeddedMnist,
    /// A folder with the four IDX files of an MNIST-layout data set.
    Folder(PathBuf),
}

impl std::fmt::Display for DataSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DataSource::EmbeddedMnist => f.write_str("embedded MNIST"),
            DataSource::Folder(path) => write!(f, "{}", path.display()),
        }
    }
}

/// The paths of the four IDX files in a data folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MnistFiles {
    pub train_images: PathBuf,
    pub train_labels: PathBuf,
    pub test_images: PathBuf,
    pub test_labels: PathBuf,
}

impl MnistFiles {
    /// Finds the four files in `folder`, accepting `train-images-idx3-ubyte`
    /// and `train-images.idx3-ubyte` spellings, each raw or with `.gz`.
    pub fn find(folder: &Path) -> Result<MnistFiles, DataError> {
        if !folder.is_dir() {
            return Err(DataError::Missing {
                path: folder.to_path_buf(),
                expected: "a folder with MNIST-layout IDX files".to_string(),
            });
        }
        Ok(MnistFiles {
            train_images: find_file(folder, "train-images", "idx3-ubyte")?,
            train_labels: find_file(folder, "train-labels", "idx1-ubyte")?,
            test_images: find_file(folder, "t10k-images", "idx3-ubyte")?,
            test_labels: find_file(folder, "t10k-labels", "idx1-ubyte")?,
        })
    }
}

fn find_file(folder: &Path, stem: &str, kind: &str) -> Result<PathBuf, DataError> {
    let candidates = [
        format!("{stem}-{kind}"),
        format!("{stem}.{kind}"),
        format!("{stem}-{kind}.gz"),
        format!("{stem}.{kind}.gz"),
    ];
    candidates
        .iter()
        .map(|name| folder.join(name))
        .find(|path| path.is_file())
        .ok_or_else(|| DataError::Missing {
            path: folder.join(&candidates[0]),
            expected: format!("one of {}", candidates.join(", ")),
        })
}

/// Loads the official training and test sets of a source, in file order.
pub fn load_source(source: &DataSource) -> Result<(Dataset, Dataset), DataError> {
    match source {
        DataSource::EmbeddedMnist => load_embedded(),
        DataSource::Folder(folder) => {
            let files = MnistFiles::find(folder)?;
            let train = load_pair(
                &files.train_images,
                read_idx_file(&files.train_images)?,
                &files.train_labels,
                read_idx_file(&files.train_labels)?,
            )?;
            let test = load_pair(
                &files.test_images,
                read_idx_file(&files.test_images)?,
                &files.test_labels,
                read_idx_file(&files.test_labels)?,
            )?;
            Ok((train, test))
        }
    }
}

/// Loads a source and merges it into the pool that splits draw from.
pub fn load_pool(source: &DataSource) -> Result<super::Pool, DataError> {
    let (train, test) = load_source(source)?;
    Ok(super::Pool::new(train, test))
}

fn load_embedded() -> Result<(Dataset, Dataset), DataError> {
    const TRAIN_IMAGES: &[u8] = include_bytes!("../../data/mnist/train-images-idx3-ubyte.gz");
    const TRAIN_LABELS: &[u8] = include_bytes!("../../data/mnist/train-labels-idx1-ubyte.gz");
    const TEST_IMAGES: &[u8] = include_bytes!("../../data/mnist/t10k-images-idx3-ubyte.gz");
    const TEST_LABELS: &[u8] = include_bytes!("../../data/mnist/t10k-labels-idx1-ubyte.gz");

    let embedded = |name: &str| PathBuf::from(format!("<embedded>/{name}"));
    let decode = |bytes: &[u8], name: &str| decompress_if_gzip(bytes.to_vec(), &embedded(name));

    // The training images dominate the load time, so they decode on their
    // own thread while this one handles the rest.
    let (train_images, rest) = std::thread::scope(|scope| {
        let train = scope.spawn(|| decode(TRAIN_IMAGES, "train-images-idx3-ubyte.gz"));
        let rest = (
            decode(TRAIN_LABELS, "train-labels-idx1-ubyte.gz"),
            decode(TEST_IMAGES, "t10k-images-idx3-ubyte.gz"),
            decode(TEST_LABELS, "t10k-labels-idx1-ubyte.gz"),
        );
        (train.join().expect("gzip decoding thread panicked"), rest)
    });
    let train = load_pair(
        &embedded("train-images-idx3-ubyte.gz"),
        train_images?,
        &embedded("train-labels-idx1-ubyte.gz"),
        rest.0?,
    )?;
    let test = load_pair(
        &embedded("t10k-images-idx3-ubyte.gz"),
        rest.1?,
        &embedded("t10k-labels-idx1-ubyte.gz"),
        rest.2?,
    )?;
    Ok((train, test))
}

fn load_pair(
    images_path: &Path,
    image_bytes: Vec<u8>,
    labels_path: &Path,
    label_bytes: Vec<u8>,
) -> Result<Dataset, DataError> {
    let images = parse_idx_images(&image_bytes, images_path)?;
    let labels = parse_idx_labels(&label_bytes, labels_path)?;
    let num_images = images.len() / Dataset::IMAGE_SIZE;
    if num_images != labels.len() {
        return Err(DataError::CountMismatch {
            images: images_path.to_path_buf(),
            num_images,
            labels: labels_path.to_path_buf(),
            num_labels: labels.len(),
        });
    }
    Ok(Dataset { images, labels })
}
