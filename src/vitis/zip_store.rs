//! A minimal zip writer (stored members, no compression, no zip64), enough for
//! `.npz` files of a few hundred megabytes at most.

use std::io;

/// Local file header, central directory header and end-of-central-directory
/// signatures (PKWARE APPNOTE 4.3.7, 4.3.12, 4.3.16).
const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL_DIRECTORY: u32 = 0x0605_4b50;
/// Version 2.0, the minimum for stored members.
const VERSION: u16 = 20;
/// MS-DOS date of 1980-01-01, the earliest a zip can hold; a fixed stamp keeps
/// the bundle byte-identical across runs.
const DOS_DATE_1980_01_01: u16 = (1 << 5) | 1;

/// Builds a zip archive of `(name, content)` members in the order given.
pub fn zip_stored(members: &[(String, Vec<u8>)]) -> io::Result<Vec<u8>> {
    let mut archive = Vec::new();
    let mut central = Vec::new();

    for (name, content) in members {
        let offset = to_u32(archive.len(), "zip offset")?;
        let size = to_u32(content.len(), name)?;
        let crc = crc32(content);
        let name_len = u16::try_from(name.len()).map_err(|_| too_large(name))?;

        put_u32(&mut archive, LOCAL_HEADER);
        put_common_fields(&mut archive, crc, size, name_len);
        archive.extend_from_slice(name.as_bytes());
        archive.extend_from_slice(content);

        put_u32(&mut central, CENTRAL_HEADER);
        put_u16(&mut central, VERSION); // version made by
        put_common_fields(&mut central, crc, size, name_len);
        put_u16(&mut central, 0); // comment length
        put_u16(&mut central, 0); // disk number
        put_u16(&mut central, 0); // internal attributes
        put_u32(&mut central, 0); // external attributes
        put_u32(&mut central, offset);
        central.extend_from_slice(name.as_bytes());
    }

    let count = u16::try_from(members.len()).map_err(|_| too_large("zip member count"))?;
    let central_offset = to_u32(archive.len(), "zip central directory offset")?;
    let central_size = to_u32(central.len(), "zip central directory")?;
    archive.extend_from_slice(&central);
    put_u32(&mut archive, END_OF_CENTRAL_DIRECTORY);
    put_u16(&mut archive, 0); // this disk
    put_u16(&mut archive, 0); // disk with the central directory
    put_u16(&mut archive, count);
    put_u16(&mut archive, count);
    put_u32(&mut archive, central_size);
    put_u32(&mut archive, central_offset);
    put_u16(&mut archive, 0); // comment length
    Ok(archive)
}

/// Fields shared by the local and the central header, from "version needed"
/// to "extra field length".
fn put_common_fields(out: &mut Vec<u8>, crc: u32, size: u32, name_len: u16) {
    put_u16(out, VERSION);
    put_u16(out, 0); // flags
    put_u16(out, 0); // method: stored
    put_u16(out, 0); // time
    put_u16(out, DOS_DATE_1980_01_01);
    put_u32(out, crc);
    put_u32(out, size); // compressed size
    put_u32(out, size); // uncompressed size
    put_u16(out, name_len);
    put_u16(out, 0); // extra field length
}

/// CRC-32 of zip and PNG (reflected polynomial 0xEDB88320).
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (index, entry) in table.iter_mut().enumerate() {
        let mut value = index as u32;
        for _ in 0..8 {
            value = if value & 1 == 1 { 0xEDB8_8320 ^ (value >> 1) } else { value >> 1 };
        }
        *entry = value;
    }
    let mut crc = !0u32;
    for &byte in bytes {
        crc = table[((crc ^ byte as u32) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

fn put_u16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn to_u32(value: usize, item: &str) -> io::Result<u32> {
    u32::try_from(value).map_err(|_| too_large(item))
}

fn too_large(item: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, format!("{item} exceeds the 4 GiB limit of a zip without zip64"))
}
