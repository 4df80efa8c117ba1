//! A font repacked as WOFF 1.0: the same tables, each zlib-compressed where that is smaller.
//! Every browser and webview reads it in an `@font-face`, and it takes the subset fonts an SVG
//! embeds to about half their size: most of a subset is the `name` table (DejaVu's licence,
//! twice), which compresses well.

use super::sfnt::{self, put16, put32};
use flate2::Compression;
use flate2::write::ZlibEncoder;
use std::io::Write;

const SIGNATURE: u32 = 0x774F_4646; // "wOFF"
const HEADER: usize = 44;
const ENTRY: usize = 20;

/// `font` (an sfnt, as [`sfnt::write`] makes it) as WOFF, `None` where its directory is
/// malformed.
pub fn woff(font: &[u8]) -> Option<Vec<u8>> {
    let records = sfnt::read(font)?;
    let flavor = sfnt::u32_at(font, 0)?;
    let mut directory = Vec::new();
    let mut body = Vec::new();
    let mut offset = HEADER + ENTRY * records.len();
    let mut sfnt_size = 12 + 16 * records.len();
    for record in &records {
        let compressed = compress(record.data);
        // A table that does not shrink is stored as it is (the format tells them apart by
        // the two lengths being equal).
        let stored = if compressed.len() < record.data.len() {
            &compressed[..]
        } else {
            record.data
        };
        directory.extend_from_slice(&record.tag);
        put32(&mut directory, offset as u32);
        put32(&mut directory, stored.len() as u32);
        put32(&mut directory, record.data.len() as u32);
        put32(&mut directory, record.checksum);
        body.extend_from_slice(stored);
        body.resize(body.len().next_multiple_of(4), 0);
        offset = HEADER + ENTRY * records.len() + body.len();
        sfnt_size += record.data.len().next_multiple_of(4);
    }
    let mut out = Vec::with_capacity(offset);
    put32(&mut out, SIGNATURE);
    put32(&mut out, flavor);
    put32(&mut out, offset as u32);
    put16(&mut out, records.len() as u16);
    put16(&mut out, 0);
    put32(&mut out, sfnt_size as u32);
    // The font's version (1.0), then no metadata and no private data.
    put16(&mut out, 1);
    put16(&mut out, 0);
    out.resize(HEADER, 0);
    out.extend_from_slice(&directory);
    out.extend_from_slice(&body);
    Some(out)
}

fn compress(data: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
    // Writing into memory cannot fail.
    encoder.write_all(data).expect("zlib into a Vec");
    encoder.finish().expect("zlib into a Vec")
}

/// The sfnt tables of `woff`, decompressed: what a browser reads, for the tests to check.
#[cfg(test)]
pub fn tables(woff: &[u8]) -> sfnt::Tables {
    use std::io::Read;
    assert_eq!(sfnt::u32_at(woff, 0), Some(SIGNATURE));
    assert_eq!(sfnt::u32_at(woff, 8), Some(woff.len() as u32));
    let count = sfnt::u16_at(woff, 12).unwrap() as usize;
    (0..count)
        .map(|i| {
            let entry = &woff[HEADER + ENTRY * i..HEADER + ENTRY * (i + 1)];
            let field = |at| sfnt::u32_at(entry, at).unwrap() as usize;
            let (offset, stored, length) = (field(4), field(8), field(12));
            assert_eq!(offset % 4, 0);
            let data = &woff[offset..offset + stored];
            let table = if stored < length {
                let mut out = Vec::new();
                flate2::read::ZlibDecoder::new(data)
                    .read_to_end(&mut out)
                    .unwrap();
                out
            } else {
                data.to_vec()
            };
            assert_eq!(table.len(), length);
            (entry[..4].try_into().unwrap(), table)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::font::BOLD;

    #[test]
    fn a_woff_holds_the_fonts_tables_compressed() {
        let font = sfnt::write(
            &sfnt::read(BOLD)
                .unwrap()
                .iter()
                .map(|r| (r.tag, r.data.to_vec()))
                .collect(),
        );
        let packed = woff(&font).unwrap();
        assert!(
            packed.len() < font.len() * 3 / 4,
            "{} of {}",
            packed.len(),
            font.len()
        );
        let unpacked = tables(&packed);
        assert_eq!(sfnt::write(&unpacked), font);
    }
}
