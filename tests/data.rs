//! IDX parsing and splits on the real MNIST files.

use std::io::Write;
use std::path::{Path, PathBuf};

use vitis_hpo::data::{
    DataError, DataSource, SplitSpec, TestSplit, load_pool, load_source, parse_idx_images, parse_idx_labels,
    read_idx_file, split_pool,
};

fn mnist_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/mnist")
}

/// Builds an IDX image file of `count` 28x28 images with the given header.
fn idx_images(magic: u32, count: u32, rows: u32, cols: u32, data_len: usize) -> Vec<u8> {
    let mut bytes = Vec::new();
    for value in [magic, count, rows, cols] {
        bytes.extend_from_slice(&value.to_be_bytes());
    }
    bytes.extend(std::iter::repeat_n(7u8, data_len));
    bytes
}

fn idx_labels(count: u32, labels: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(&0x801u32.to_be_bytes());
    bytes.extend_from_slice(&count.to_be_bytes());
    bytes.extend_from_slice(labels);
    bytes
}

#[test]
fn real_mnist_files_parse() {
    let (train, test) = load_source(&DataSource::Folder(mnist_dir())).unwrap();
    assert_eq!(train.len(), 60_000);
    assert_eq!(test.len(), 10_000);
    assert_eq!(train.images.len(), 60_000 * 784);
    assert_eq!(train.class_counts(), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    assert_eq!(test.class_counts(), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    assert!(train.images.iter().all(|&p| (0.0..=1.0).contains(&p)));
    assert_eq!(train.images.iter().cloned().fold(0.0f32, f32::max), 1.0);
    // The first training image is a 5.
    assert_eq!(train.labels[0], 5);
}

#[test]
fn embedded_mnist_equals_files() {
    let (train, test) = load_source(&DataSource::EmbeddedMnist).unwrap();
    let (file_train, file_test) = load_source(&DataSource::Folder(mnist_dir())).unwrap();
    assert_eq!(train.labels, file_train.labels);
    assert_eq!(test.images, file_test.images);
}

#[test]
fn raw_and_dotted_spellings_accepted() {
    let folder = tempfile::tempdir().unwrap();
    // Raw files with the dotted spelling that some mirrors use.
    for (gz, raw) in [
        ("train-images-idx3-ubyte.gz", "train-images.idx3-ubyte"),
        ("train-labels-idx1-ubyte.gz", "train-labels.idx1-ubyte"),
        ("t10k-images-idx3-ubyte.gz", "t10k-images.idx3-ubyte"),
        ("t10k-labels-idx1-ubyte.gz", "t10k-labels.idx1-ubyte"),
    ] {
        let bytes = read_idx_file(&mnist_dir().join(gz)).unwrap();
        std::fs::write(folder.path().join(raw), bytes).unwrap();
    }
    let (train, test) = load_source(&DataSource::Folder(folder.path().to_path_buf())).unwrap();
    assert_eq!(train.len(), 60_000);
    assert_eq!(test.len(), 10_000);
}

#[test]
fn truncated_image_file_rejected() {
    let bytes = idx_images(0x803, 3, 28, 28, 2 * 784);
    let error = parse_idx_images(&bytes, Path::new("images")).unwrap_err();
    assert!(matches!(error, DataError::Truncated { .. }), "{error}");
    assert!(error.to_string().contains("truncated"), "{error}");
}

#[test]
fn truncated_header_rejected() {
    let error = parse_idx_images(&[0, 0, 8, 3, 0], Path::new("images")).unwrap_err();
    assert!(matches!(error, DataError::Truncated { .. }), "{error}");
}

#[test]
fn trailing_bytes_rejected() {
    let bytes = idx_images(0x803, 1, 28, 28, 785);
    let error = parse_idx_images(&bytes, Path::new("images")).unwrap_err();
    assert!(matches!(error, DataError::TrailingBytes { extra: 1, .. }), "{error}");
}

#[test]
fn wrong_magic_rejected() {
    let bytes = idx_images(0x801, 1, 28, 28, 784);
    let error = parse_idx_images(&bytes, Path::new("images")).unwrap_err();
    assert!(matches!(error, DataError::WrongMagic { found: 0x801, expected: 0x803, .. }), "{error}");
    assert!(error.to_string().contains("images"), "{error}");
}

#[test]
fn wrong_image_size_rejected() {
    let bytes = idx_images(0x803, 1, 32, 32, 1024);
    let error = parse_idx_images(&bytes, Path::new("images")).unwrap_err();
    assert!(matches!(error, DataError::WrongImageSize { rows: 32, cols: 32, .. }), "{error}");
}

#[test]
fn label_out_of_range_rejected() {
    let bytes = idx_labels(3, &[1, 10, 2]);
    let error = parse_idx_labels(&bytes, Path::new("labels")).unwrap_err();
    assert!(matches!(error, DataError::LabelOutOfRange { index: 1, label: 10, .. }), "{error}");
}

#[test]
fn count_mismatch_rejected() {
    let folder = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::File::create(folder.path().join(name)).unwrap().write_all(bytes).unwrap();
    write("train-images-idx3-ubyte", &idx_images(0x803, 2, 28, 28, 2 * 784));
    write("train-labels-idx1-ubyte", &idx_labels(3, &[1, 2, 3]));
    write("t10k-images-idx3-ubyte", &idx_images(0x803, 1, 28, 28, 784));
    write("t10k-labels-idx1-ubyte", &idx_labels(1, &[4]));
    let error = load_source(&DataSource::Folder(folder.path().to_path_buf())).unwrap_err();
    assert!(matches!(error, DataError::CountMismatch { num_images: 2, num_labels: 3, .. }), "{error}");
}

#[test]
fn missing_file_named() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("train-images-idx3-ubyte"), idx_images(0x803, 1, 28, 28, 784)).unwrap();
    let error = load_source(&DataSource::Folder(folder.path().to_path_buf())).unwrap_err();
    assert!(matches!(error, DataError::Missing { .. }), "{error}");
    assert!(error.to_string().contains("train-labels"), "{error}");
}

#[test]
fn missing_folder_named() {
    let error = load_source(&DataSource::Folder(PathBuf::from("/nonexistent/mnist"))).unwrap_err();
    assert!(matches!(error, DataError::Missing { .. }), "{error}");
    assert!(error.to_string().contains("/nonexistent/mnist"), "{error}");
}

#[test]
fn split_ratio_sizes() {
    let spec: SplitSpec = "7:2:1".parse().unwrap();
    assert_eq!(spec.counts(70_000).unwrap(), [49_000, 14_000, 7_000]);
    // The remainder of the integer division goes to training.
    assert_eq!(spec.counts(70_003).unwrap(), [49_003, 14_000, 7_000]);
    let spec: SplitSpec = "1:1:1".parse().unwrap();
    assert_eq!(spec.counts(10).unwrap(), [4, 3, 3]);
}

#[test]
fn split_counts_sizes_and_limits() {
    let spec: SplitSpec = "50000,10000,10000".parse().unwrap();
    assert_eq!(spec.counts(70_000).unwrap(), [50_000, 10_000, 10_000]);
    let spec: SplitSpec = "3500,1000,500".parse().unwrap();
    assert_eq!(spec.counts(70_000).unwrap(), [3_500, 1_000, 500]);
    let too_many: SplitSpec = "60000,10000,10000".parse().unwrap();
    let error = too_many.counts(70_000).unwrap_err();
    assert!(error.to_string().contains("80000"), "{error}");
}

#[test]
fn split_spec_parse_errors() {
    for bad in ["7:2", "a:b:c", "7:0:1", "1,2", "1,2,3,4", "-1,2,3", ""] {
        let error = bad.parse::<SplitSpec>().unwrap_err();
        assert!(matches!(error, DataError::InvalidSplit { .. }), "{bad}: {error}");
    }
}

#[test]
fn split_is_seeded() {
    let pool = load_pool(&DataSource::EmbeddedMnist).unwrap();
    let spec: SplitSpec = "7:2:1".parse().unwrap();
    let a = split_pool(&pool, &spec, TestSplit::FromPool, 7).unwrap();
    let b = split_pool(&pool, &spec, TestSplit::FromPool, 7).unwrap();
    let c = split_pool(&pool, &spec, TestSplit::FromPool, 8).unwrap();
    assert_eq!([a.train.len(), a.validation.len(), a.test.len()], [49_000, 14_000, 7_000]);
    assert_eq!(a.train.labels, b.train.labels);
    assert_eq!(a.test.images, b.test.images);
    assert_ne!(a.train.labels, c.train.labels);
    // A fixed seed gives a fixed split on every platform: pin its first labels.
    assert_eq!(a.train.labels[..4], SPLIT_SEED_7_FIRST_LABELS);
    // The splits partition the pool: class counts add up to the pool's.
    let mut total = [0usize; 10];
    for split in [&a.train, &a.validation, &a.test] {
        for (t, c) in total.iter_mut().zip(split.class_counts()) {
            *t += c;
        }
    }
    let expected: Vec<usize> = pool.official_train.class_counts().iter().zip(pool.official_test.class_counts()).map(|(a, b)| a + b).collect();
    assert_eq!(total.to_vec(), expected);
}

/// Labels of the first four training images of the 7:2:1 split with seed 7.
const SPLIT_SEED_7_FIRST_LABELS: [u8; 4] = [0, 4, 3, 7];

#[test]
fn official_test_split_keeps_test_set() {
    let pool = load_pool(&DataSource::EmbeddedMnist).unwrap();
    let spec: SplitSpec = "7:2:1".parse().unwrap();
    let splits = split_pool(&pool, &spec, TestSplit::Official, 1).unwrap();
    assert_eq!(splits.test.labels, pool.official_test.labels);
    assert_eq!(splits.train.len() + splits.validation.len(), 60_000);
    assert_eq!(splits.validation.len(), 60_000 * 2 / 9);
    let counts: SplitSpec = "50000,10000,20000".parse().unwrap();
    assert!(split_pool(&pool, &counts, TestSplit::Official, 1).is_err());
}
