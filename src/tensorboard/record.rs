//! TFRecord framing, the container format of TensorBoard event files. Each
//! record is: the data length as u64 little-endian, the masked CRC-32C of
//! those 8 bytes (u32 little-endian), the data, the masked CRC-32C of the
//! data (u32 little-endian).

/// Bytes of a record around its data: length, length checksum, data checksum.
const FRAME_OVERHEAD: usize = 8 + 4 + 4;

/// Constant added by the CRC mask of the TFRecord format.
const MASK_DELTA: u32 = 0xa282_ead8;

/// Broken TFRecord framing found by [`parse_records`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The data ends inside a record, as after an interrupted write.
    #[error("truncated record at byte {offset}: {needed} bytes needed, {available} left")]
    Truncated {
        offset: usize,
        needed: usize,
        available: usize,
    },
    /// The stored checksum of the length field does not match its bytes.
    #[error("length checksum mismatch in the record at byte {offset}: the file is corrupted")]
    LengthChecksum { offset: usize },
    /// The stored checksum of the data does not match the data.
    #[error("data checksum mismatch in the record at byte {offset}: the file is corrupted")]
    DataChecksum { offset: usize },
}

/// Returns TensorFlow's masked CRC-32C (Castagnoli) of `bytes`: the CRC
/// rotated right by 15 bits plus [`MASK_DELTA`], wrapping.
pub fn masked_crc32c(bytes: &[u8]) -> u32 {
    let crc = crc32c::crc32c(bytes);
    crc.rotate_right(15).wrapping_add(MASK_DELTA)
}

/// Frames `data` as one TFRecord.
pub fn encode_record(data: &[u8]) -> Vec<u8> {
    let length = (data.len() as u64).to_le_bytes();

    let mut record = Vec::with_capacity(FRAME_OVERHEAD + data.len());
    record.extend_from_slice(&length);
    record.extend_from_slice(&masked_crc32c(&length).to_le_bytes());
    record.extend_from_slice(data);
    record.extend_from_slice(&masked_crc32c(data).to_le_bytes());
    record
}

/// Splits `bytes` into records, verifying both checksums of each. Returns
/// each record's byte offset in `bytes` with its data.
pub fn parse_records(bytes: &[u8]) -> Result<Vec<(usize, &[u8])>, RecordError> {
    let mut records = Vec::new();
    let mut offset = 0;
    while offset < bytes.len() {
        let rest = &bytes[offset..];
        let truncated = |needed: usize| RecordError::Truncated {
            offset,
            needed,
            available: rest.len(),
        };
        if rest.len() < 12 {
            return Err(truncated(12));
        }

        let length_bytes = &rest[..8];
        if read_u32_le(&rest[8..12]) != masked_crc32c(length_bytes) {
            return Err(RecordError::LengthChecksum { offset });
        }

        // A length beyond the file is reported as truncation, never allocated.
        let length = u64::from_le_bytes(length_bytes.try_into().expect("8 bytes"));
        let needed = usize::try_from(length)
            .ok()
            .and_then(|length| length.checked_add(FRAME_OVERHEAD))
            .unwrap_or(usize::MAX);
        if rest.len() < needed {
            return Err(truncated(needed));
        }

        let data = &rest[12..needed - 4];
        if read_u32_le(&rest[needed - 4..needed]) != masked_crc32c(data) {
            return Err(RecordError::DataChecksum { offset });
        }
        records.push((offset, data));
        offset += needed;
    }
    Ok(records)
}

fn read_u32_le(bytes: &[u8]) -> u32 {
    u32::from_le_bytes(bytes.try_into().expect("4 bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bitwise CRC-32C (reflected polynomial 0x82F63B78), the reference for
    /// the table-driven or hardware crc32c crate.
    fn crc32c_bitwise(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0x82f6_3b78
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn masked_crc_matches_reference_formula() {
        for data in [&b""[..], b"123456789", b"brain.Event:2", &[0u8; 32]] {
            let crc = crc32c_bitwise(data);
            // The mask written with shifts, as the TFRecord format describes it.
            #[allow(clippy::manual_rotate)]
            let expected = ((crc >> 15) | (crc << 17)).wrapping_add(0xa282_ead8);
            assert_eq!(masked_crc32c(data), expected, "data {data:?}");
        }
        // The CRC-32C check value from RFC 3720, appendix B.4.
        assert_eq!(crc32c_bitwise(b"123456789"), 0xe306_9283);
    }

    #[test]
    fn record_layout_is_length_crc_data_crc() {
        let record = encode_record(b"abc");

        assert_eq!(record.len(), 3 + 16);
        assert_eq!(&record[..8], &3u64.to_le_bytes());
        assert_eq!(
            &record[8..12],
            &masked_crc32c(&3u64.to_le_bytes()).to_le_bytes()
        );
        assert_eq!(&record[12..15], b"abc");
        assert_eq!(&record[15..], &masked_crc32c(b"abc").to_le_bytes());
    }

    #[test]
    fn records_parse_back_in_order() {
        let mut bytes = encode_record(b"first");
        bytes.extend(encode_record(b""));
        bytes.extend(encode_record(b"third record"));

        let records = parse_records(&bytes).unwrap();

        assert_eq!(records.len(), 3);
        assert_eq!(records[0], (0, &b"first"[..]));
        assert_eq!(records[1], (21, &b""[..]));
        assert_eq!(records[2], (37, &b"third record"[..]));
    }

    #[test]
    fn corrupted_data_byte_is_detected() {
        let mut bytes = encode_record(b"first");
        bytes.extend(encode_record(b"second"));
        bytes[21 + 12 + 2] ^= 0x01;

        assert_eq!(
            parse_records(&bytes),
            Err(RecordError::DataChecksum { offset: 21 })
        );
    }

    #[test]
    fn corrupted_length_byte_is_detected() {
        let mut bytes = encode_record(b"first");
        bytes[0] ^= 0x40;

        assert_eq!(
            parse_records(&bytes),
            Err(RecordError::LengthChecksum { offset: 0 })
        );
    }

    #[test]
    fn corrupted_checksum_byte_is_detected() {
        let mut bytes = encode_record(b"first");
        let last = bytes.len() - 1;
        bytes[last] ^= 0x80;

        assert_eq!(
            parse_records(&bytes),
            Err(RecordError::DataChecksum { offset: 0 })
        );
    }

    #[test]
    fn truncated_record_is_reported() {
        let bytes = encode_record(b"first");

        assert_eq!(
            parse_records(&bytes[..bytes.len() - 1]),
            Err(RecordError::Truncated {
                offset: 0,
                needed: 21,
                available: 20
            })
        );
        assert_eq!(
            parse_records(&bytes[..5]),
            Err(RecordError::Truncated {
                offset: 0,
                needed: 12,
                available: 5
            })
        );
    }
}
