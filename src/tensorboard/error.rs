use std::path::PathBuf;

use super::record::RecordError;

/// Failure to write or read a TensorBoard event file.
#[derive(Debug, thiserror::Error)]
pub enum TensorboardError {
    /// The log folder could not be created.
    #[error("failed to create TensorBoard log folder {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The event file could not be created in the log folder.
    #[error("failed to create event file {path}: {source}")]
    CreateFile {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Writing or flushing an event failed, for example on a full disk.
    #[error("failed to write event file {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The event file could not be read.
    #[error("failed to read event file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The TFRecord framing of the file is broken (truncated or corrupted).
    #[error("invalid event file {path}: {source}")]
    Record { path: PathBuf, source: RecordError },
    /// A record passed its checksums but is not an `Event` protobuf.
    #[error("invalid Event protobuf in the record at byte {offset} of {path}: {source}")]
    Decode {
        path: PathBuf,
        offset: usize,
        source: prost::DecodeError,
    },
}
