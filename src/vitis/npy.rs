//! NumPy `.npy` (format 1.0) and `.npz` writers for the arrays the bundle's
//! Python scripts load with `numpy.load`.

use std::io;
use std::path::Path;

/// Element buffer of an array, little-endian on disk.
#[derive(Debug, Clone, Copy)]
pub enum NpyData<'a> {
    F32(&'a [f32]),
    U8(&'a [u8]),
    I8(&'a [i8]),
}

/// A C-order array: `shape` must multiply to the number of elements.
#[derive(Debug, Clone)]
pub struct NpyArray<'a> {
    pub shape: Vec<usize>,
    pub data: NpyData<'a>,
}

impl NpyData<'_> {
    fn len(&self) -> usize {
        match self {
            NpyData::F32(values) => values.len(),
            NpyData::U8(values) => values.len(),
            NpyData::I8(values) => values.len(),
        }
    }

    fn descr(&self) -> &'static str {
        match self {
            NpyData::F32(_) => "<f4",
            NpyData::U8(_) => "|u1",
            NpyData::I8(_) => "|i1",
        }
    }

    fn extend_le_bytes(&self, out: &mut Vec<u8>) {
        match self {
            NpyData::F32(values) => values.iter().for_each(|value| out.extend_from_slice(&value.to_le_bytes())),
            NpyData::U8(values) => out.extend_from_slice(values),
            NpyData::I8(values) => out.extend(values.iter().map(|&value| value as u8)),
        }
    }
}

/// Serializes `array` as a `.npy` file.
///
/// # Panics
/// When the shape does not multiply to the element count (a caller bug).
pub fn npy_bytes(array: &NpyArray) -> Vec<u8> {
    let count: usize = array.shape.iter().product();
    assert_eq!(count, array.data.len(), "npy shape {:?} does not match {} elements", array.shape, array.data.len());

    // A 1-tuple needs its trailing comma in Python syntax.
    let shape = match array.shape.as_slice() {
        [single] => format!("({single},)"),
        dims => format!("({})", dims.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")),
    };
    let mut header = format!("{{'descr': '{}', 'fortran_order': False, 'shape': {shape}, }}", array.data.descr());

    // The magic (6), version (2) and header length (2) precede the header;
    // numpy pads the header with spaces and a newline to a 64-byte boundary.
    let unpadded = 10 + header.len() + 1;
    header.push_str(&" ".repeat(unpadded.next_multiple_of(64) - unpadded));
    header.push('\n');

    let mut out = Vec::with_capacity(10 + header.len() + count * 4);
    out.extend_from_slice(b"\x93NUMPY\x01\x00");
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    array.data.extend_le_bytes(&mut out);
    out
}

pub fn write_npy(path: &Path, array: &NpyArray) -> io::Result<()> {
    std::fs::write(path, npy_bytes(array))
}

/// Writes `arrays` as an uncompressed `.npz` (a zip archive of `<name>.npy`
/// members, stored without compression).
pub fn write_npz(path: &Path, arrays: &[(&str, NpyArray)]) -> io::Result<()> {
    let members: Vec<(String, Vec<u8>)> =
        arrays.iter().map(|(name, array)| (format!("{name}.npy"), npy_bytes(array))).collect();
    std::fs::write(path, super::zip_store::zip_stored(&members)?)
}
