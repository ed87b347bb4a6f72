use crate::vitis::{NpyArray, NpyData, npy_bytes};

use super::super::zip_store::crc32;

#[test]
fn crc32_check_value() {
    // The CRC-32 catalogue's check value for the ASCII digits 1-9.
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    assert_eq!(crc32(b""), 0);
}

#[test]
fn npy_header_layout() {
    let values = [1.0f32, -2.5, 3.0, 0.25, 0.0, 7.0];
    let bytes = npy_bytes(&NpyArray { shape: vec![2, 3], data: NpyData::F32(&values) });
    assert_eq!(&bytes[..8], b"\x93NUMPY\x01\x00");
    let header_len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    assert_eq!((10 + header_len) % 64, 0, "data must start on a 64-byte boundary");
    let header = std::str::from_utf8(&bytes[10..10 + header_len]).unwrap();
    assert!(header.starts_with("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), "{header}");
    assert!(header.ends_with('\n'));
    let data = &bytes[10 + header_len..];
    assert_eq!(data.len(), 24);
    assert_eq!(&data[4..8], &(-2.5f32).to_le_bytes());
}

#[test]
fn npy_one_dimensional_shape() {
    let bytes = npy_bytes(&NpyArray { shape: vec![3], data: NpyData::I8(&[-1, 0, 1]) });
    let header = String::from_utf8_lossy(&bytes[10..]);
    assert!(header.contains("'descr': '|i1'"), "{header}");
    assert!(header.contains("'shape': (3,)"), "{header}");
    assert_eq!(&bytes[bytes.len() - 3..], &[0xFF, 0, 1]);
}
