use std::path::PathBuf;

/// Errors from reading IDX files and splitting the data.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The data folder or one of its four files does not exist.
    #[error("{path}: not found (expected {expected})")]
    Missing { path: PathBuf, expected: String },
    /// The file exists but could not be read or decompressed.
    #[error("{path}: cannot read: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// The file is shorter than its header announces.
    #[error("{path}: truncated: {what} needs {needed} bytes but the file has {actual}")]
    Truncated { path: PathBuf, what: String, needed: usize, actual: usize },
    /// The file is longer than its header announces.
    #[error("{path}: {extra} unexpected trailing bytes after the {what}")]
    TrailingBytes { path: PathBuf, what: String, extra: usize },
    /// The magic number does not name the expected IDX type.
    #[error("{path}: wrong magic number 0x{found:08x}, expected 0x{expected:08x} ({what})")]
    WrongMagic { path: PathBuf, found: u32, expected: u32, what: &'static str },
    /// The images are not 28 x 28.
    #[error("{path}: images are {rows}x{cols}, expected 28x28")]
    WrongImageSize { path: PathBuf, rows: usize, cols: usize },
    /// The image and label files of one set disagree on the count.
    #[error("{images} has {num_images} images but {labels} has {num_labels} labels")]
    CountMismatch { images: PathBuf, num_images: usize, labels: PathBuf, num_labels: usize },
    /// A label outside 0..=9.
    #[error("{path}: label {label} at index {index} is out of range, expected 0 to 9")]
    LabelOutOfRange { path: PathBuf, index: usize, label: u8 },
    /// A split that requests more images than the pool has, or none at all.
    #[error("invalid split '{spec}': {reason}")]
    InvalidSplit { spec: String, reason: String },
}
