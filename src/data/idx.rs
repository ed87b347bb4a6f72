//! The IDX format of the MNIST files: a big-endian u32 magic number
//! (0x00000803 for u8 images of rank 3, 0x00000801 for u8 labels of rank 1),
//! one big-endian u32 per dimension, then the u8 data. Files may be gzipped.

use std::io::Read;
use std::path::Path;

use flate2::read::GzDecoder;

use super::{DataError, IMAGE_SIDE};

const IMAGES_MAGIC: u32 = 0x0000_0803;
const LABELS_MAGIC: u32 = 0x0000_0801;
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Reads a file, decompressing it when it starts with the gzip magic bytes.
pub fn read_idx_file(path: &Path) -> Result<Vec<u8>, DataError> {
    let raw = std::fs::read(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => DataError::Missing {
            path: path.to_path_buf(),
            expected: "an IDX file".to_string(),
        },
        _ => DataError::Io { path: path.to_path_buf(), source },
    })?;
    decompress_if_gzip(raw, path)
}

pub(crate) fn decompress_if_gzip(raw: Vec<u8>, path: &Path) -> Result<Vec<u8>, DataError> {
    if !raw.starts_with(&GZIP_MAGIC) {
        return Ok(raw);
    }
    let mut bytes = Vec::with_capacity(raw.len() * 4);
    GzDecoder::new(raw.as_slice())
        .read_to_end(&mut bytes)
        .map_err(|source| DataError::Io { path: path.to_path_buf(), source })?;
    Ok(bytes)
}

/// Parses an IDX image file of 28 x 28 u8 images into pixels scaled to [0, 1].
/// Returns the pixels, row-major `[count, 784]`.
pub fn parse_idx_images(bytes: &[u8], path: &Path) -> Result<Vec<f32>, DataError> {
    let header = read_header(bytes, path, IMAGES_MAGIC, 3, "u8 images of rank 3")?;
    let (count, rows, cols) = (header[0], header[1], header[2]);
    if rows != IMAGE_SIDE || cols != IMAGE_SIDE {
        return Err(DataError::WrongImageSize { path: path.to_path_buf(), rows, cols });
    }
    let data = check_data_length(bytes, path, 16, count * rows * cols, count, "images")?;
    Ok(data.iter().map(|&pixel| f32::from(pixel) / 255.0).collect())
}

/// Parses an IDX label file of u8 labels, each 0 to 9.
pub fn parse_idx_labels(bytes: &[u8], path: &Path) -> Result<Vec<u8>, DataError> {
    let header = read_header(bytes, path, LABELS_MAGIC, 1, "u8 labels of rank 1")?;
    let count = header[0];
    let data = check_data_length(bytes, path, 8, count, count, "labels")?;
    if let Some(index) = data.iter().position(|&label| label >= 10) {
        return Err(DataError::LabelOutOfRange { path: path.to_path_buf(), index, label: data[index] });
    }
    Ok(data.to_vec())
}

/// Checks the magic number and returns the `rank` dimension sizes.
fn read_header(
    bytes: &[u8],
    path: &Path,
    magic: u32,
    rank: usize,
    what: &'static str,
) -> Result<Vec<usize>, DataError> {
    let header_len = 4 + 4 * rank;
    if bytes.len() < header_len {
        return Err(DataError::Truncated {
            path: path.to_path_buf(),
            what: "the IDX header".to_string(),
            needed: header_len,
            actual: bytes.len(),
        });
    }
    let read_u32 = |offset: usize| u32::from_be_bytes(bytes[offset..offset + 4].try_into().unwrap());
    let found = read_u32(0);
    if found != magic {
        return Err(DataError::WrongMagic { path: path.to_path_buf(), found, expected: magic, what });
    }
    Ok((0..rank).map(|i| read_u32(4 + 4 * i) as usize).collect())
}

fn check_data_length<'a>(
    bytes: &'a [u8],
    path: &Path,
    header_len: usize,
    data_len: usize,
    count: usize,
    what: &str,
) -> Result<&'a [u8], DataError> {
    let needed = header_len + data_len;
    if bytes.len() < needed {
        return Err(DataError::Truncated {
            path: path.to_path_buf(),
            what: format!("{count} {what}"),
            needed,
            actual: bytes.len(),
        });
    }
    if bytes.len() > needed {
        return Err(DataError::TrailingBytes {
            path: path.to_path_buf(),
            what: format!("{count} {what}"),
            extra: bytes.len() - needed,
        });
    }
    Ok(&bytes[header_len..])
}
