//! The table directory of an OpenType (sfnt) font with TrueType outlines: reading one, and
//! writing a font from its tables. [`super::subset`] adds tables to the font the `subsetter`
//! crate writes, and [`super::woff`] repacks one.

use std::collections::BTreeMap;

pub type Tag = [u8; 4];

/// A font's tables by tag: a `BTreeMap` keeps them in the directory's ascending order.
pub type Tables = BTreeMap<Tag, Vec<u8>>;

/// TrueType outlines (`glyf`), the only kind the charts' font has.
pub const TRUETYPE: u32 = 0x0001_0000;

/// One entry of a font's table directory.
pub struct Record<'a> {
    pub tag: Tag,
    pub checksum: u32,
    pub data: &'a [u8],
}

/// The tables of `font` in its directory's order, `None` where the directory or a table runs
/// past the end of the data.
pub fn read(font: &[u8]) -> Option<Vec<Record<'_>>> {
    let count = u16_at(font, 4)? as usize;
    (0..count)
        .map(|i| {
            let entry = font.get(12 + 16 * i..12 + 16 * (i + 1))?;
            let offset = u32_at(entry, 8)? as usize;
            let length = u32_at(entry, 12)? as usize;
            Some(Record {
                tag: entry[..4].try_into().ok()?,
                checksum: u32_at(entry, 4)?,
                data: font.get(offset..offset.checked_add(length)?)?,
            })
        })
        .collect()
}

/// A font of `tables`: the directory, then each table on a four-byte boundary, with the
/// checksums a font carries (the file's in `head`, as the format defines it).
pub fn write(tables: &Tables) -> Vec<u8> {
    let count = tables.len() as u16;
    // The binary-search fields the directory repeats: the largest power of two not above the
    // number of tables, times 16.
    let power = if count == 0 { 1 } else { 1 << count.ilog2() };
    let mut out = Vec::new();
    put32(&mut out, TRUETYPE);
    for field in [
        count,
        power * 16,
        power.ilog2() as u16,
        (count - power.min(count)) * 16,
    ] {
        put16(&mut out, field);
    }
    let mut offset = 12 + 16 * tables.len();
    let mut adjustment_at = None;
    let mut body = Vec::new();
    for (tag, data) in tables {
        let mut data = data.clone();
        if tag == b"head" && data.len() >= 12 {
            // Summed as zero, then set so that the whole file sums to the format's constant.
            data[8..12].fill(0);
            adjustment_at = Some(offset + 8);
        }
        out.extend_from_slice(tag);
        put32(&mut out, checksum(&data));
        put32(&mut out, offset as u32);
        put32(&mut out, data.len() as u32);
        body.extend_from_slice(&data);
        body.resize(body.len().next_multiple_of(4), 0);
        offset = 12 + 16 * tables.len() + body.len();
    }
    out.extend_from_slice(&body);
    if let Some(at) = adjustment_at {
        let adjustment = 0xB1B0_AFBA_u32.wrapping_sub(checksum(&out));
        out[at..at + 4].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

/// The sum of `data` as big-endian 32-bit words, the last one padded with zeros.
pub fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

pub fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

pub fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

pub fn put16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_be_bytes());
}

pub fn put32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::font::REGULAR;

    #[test]
    fn a_font_written_from_its_tables_reads_back_with_the_same_tables_and_sums() {
        let tables: Tables = read(REGULAR)
            .unwrap()
            .into_iter()
            .map(|r| (r.tag, r.data.to_vec()))
            .collect();
        let written = write(&tables);
        let records = read(&written).unwrap();
        assert_eq!(records.len(), tables.len());
        for (record, (tag, data)) in records.iter().zip(&tables) {
            assert_eq!((&record.tag, record.data), (tag, &data[..]));
            if tag != b"head" {
                assert_eq!(record.checksum, checksum(data), "{tag:?}");
            }
        }
        // The whole file sums to the format's constant, as a font checker verifies.
        assert_eq!(checksum(&written), 0xB1B0_AFBA);
        // The DejaVu file was written by FontForge with the same directory.
        assert_eq!(written.len(), REGULAR.len());
        ab_glyph::FontRef::try_from_slice(&written).unwrap();
    }
}
