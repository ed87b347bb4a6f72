//! Real MNIST test images for the tests, read from the gzip IDX files in
//! data/mnist of the repository.

use std::io::Read;
use std::path::PathBuf;

use flate2::read::GzDecoder;

use crate::model::INPUT_SIZE;

/// First `count` test images scaled to [0, 1], row-major `[count, 784]`, and their labels.
pub(crate) fn mnist_test_images(count: usize) -> (Vec<f32>, Vec<u8>) {
    let images = read_idx("t10k-images-idx3-ubyte.gz", 0x0803);
    let labels = read_idx("t10k-labels-idx1-ubyte.gz", 0x0801);
    let pixels: Vec<f32> = images[16..16 + count * INPUT_SIZE]
        .iter()
        .map(|&pixel| f32::from(pixel) / 255.0)
        .collect();
    (pixels, labels[8..8 + count].to_vec())
}

fn read_idx(file: &str, magic: u32) -> Vec<u8> {
    let path = mnist_dir().join(file);
    let compressed = std::fs::read(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let mut bytes = Vec::new();
    GzDecoder::new(&compressed[..])
        .read_to_end(&mut bytes)
        .expect("MNIST file is valid gzip");
    assert_eq!(
        u32::from_be_bytes(bytes[0..4].try_into().unwrap()),
        magic,
        "IDX magic of {file}"
    );
    bytes
}

/// data/mnist of the main repository: the crate root when tests run in the
/// main crate, else the directory this module's source file lies under.
fn mnist_dir() -> PathBuf {
    let from_manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/mnist");
    if from_manifest.is_dir() {
        return from_manifest;
    }
    PathBuf::from(file!())
        .ancestors()
        .nth(3)
        .expect("source path has the repository root above it")
        .join("data/mnist")
}
