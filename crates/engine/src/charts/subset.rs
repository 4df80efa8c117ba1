//! A font holding only the glyphs of some characters, for an SVG to embed: DejaVu Sans is
//! 740 KB a face, a chart's text needs about a hundred of its six thousand glyphs.
//!
//! The `subsetter` crate does the hard part (following composite glyphs, renumbering the
//! glyphs and rewriting `glyf`, `loca`, `hmtx`, `hhea`, `maxp`, `head` and `post`, keeping
//! `name` with the copyright and licence). It writes fonts for PDFs, which map characters to
//! glyphs themselves, so it leaves out `cmap`, `OS/2` and `kern`; a browser needs the first,
//! font sanitizers the second, and the third kerns the SVG's text as [`super::typeset`] kerns
//! the PNG's. Those three are added here.

use super::sfnt::{self, Tables, put16, u16_at};
use ab_glyph::{Font, FontRef};
use std::collections::BTreeMap;
use subsetter::GlyphRemapper;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the font does not parse")]
    Parse,
    #[error("subsetting the glyphs: {0}")]
    Glyphs(#[from] subsetter::Error),
    #[error("the subset's table directory is malformed")]
    Directory,
}

/// `font` reduced to the glyphs of `chars` (those it has), each character mapped to its glyph.
pub fn subset(font: &[u8], chars: impl IntoIterator<Item = char>) -> Result<Vec<u8>, Error> {
    let face = FontRef::try_from_slice(font).map_err(|_| Error::Parse)?;
    let mut glyphs = GlyphRemapper::new();
    let mut map = BTreeMap::new();
    for c in chars {
        let id = face.glyph_id(c).0;
        // A character outside the basic plane has no place in a format 4 `cmap`; the charts
        // write none (a test checks every character they write).
        if let (Ok(code), true) = (u16::try_from(u32::from(c)), id != 0) {
            map.insert(code, glyphs.remap(id));
        }
    }
    let outlines = subsetter::subset(font, 0, &glyphs)?;
    let mut tables: Tables = sfnt::read(&outlines)
        .ok_or(Error::Directory)?
        .into_iter()
        .map(|r| (r.tag, r.data.to_vec()))
        .collect();
    tables.insert(*b"cmap", cmap(&map));
    let source = sfnt::read(font).ok_or(Error::Parse)?;
    for record in source {
        match &record.tag {
            // Metrics and flags of the whole face, which a subset shares; its ranges of
            // characters claim more than the subset holds, which only means a viewer may look
            // here first for a character it then does not find.
            b"OS/2" => {
                tables.insert(record.tag, record.data.to_vec());
            }
            b"kern" => {
                if let Some(kern) = kern(record.data, &glyphs) {
                    tables.insert(record.tag, kern);
                }
            }
            _ => {}
        }
    }
    Ok(sfnt::write(&tables))
}

/// A `cmap` with one subtable (Windows, Unicode basic plane, format 4) of one segment per
/// character: a chart writes a hundred at most, so merging runs would save a few hundred bytes.
fn cmap(map: &BTreeMap<u16, u16>) -> Vec<u8> {
    // The format requires a last segment for 0xFFFF (to glyph 0).
    let segments: Vec<(u16, u16)> = map
        .iter()
        .map(|(c, g)| (*c, *g))
        .filter(|(c, _)| *c != 0xFFFF)
        .chain([(0xFFFF, 0)])
        .collect();
    let count = segments.len() as u16;
    let power = 1u16 << count.ilog2();
    let mut out = Vec::new();
    // The header: version 0, one subtable (platform 3, encoding 1) right after it.
    for field in [0, 1, 3, 1, 0, 12] {
        put16(&mut out, field);
    }
    let length = 16 + 8 * count;
    for field in [4, length, 0, 2 * count, 2 * power, power.ilog2() as u16] {
        put16(&mut out, field);
    }
    put16(&mut out, 2 * count - 2 * power);
    segments.iter().for_each(|(c, _)| put16(&mut out, *c)); // ends
    put16(&mut out, 0);
    segments.iter().for_each(|(c, _)| put16(&mut out, *c)); // starts
    for (c, g) in &segments {
        // The glyph is the character plus this delta, modulo 65536; 0xFFFF + 1 is glyph 0.
        put16(&mut out, if *c == 0xFFFF { 1 } else { g.wrapping_sub(*c) });
    }
    segments.iter().for_each(|_| put16(&mut out, 0)); // no glyph index arrays
    out
}

/// The pairs of `kern`'s first subtable (format 0, horizontal: DejaVu's only one) whose two
/// glyphs are both kept, renumbered; `None` where the table is of another kind or malformed.
fn kern(table: &[u8], glyphs: &GlyphRemapper) -> Option<Vec<u8>> {
    let (version, tables, coverage) = (u16_at(table, 0)?, u16_at(table, 2)?, u16_at(table, 8)?);
    // The format is coverage's high byte; bit 0 of the low byte is "horizontal".
    if version != 0 || tables == 0 || coverage >> 8 != 0 || coverage & 1 == 0 {
        return None;
    }
    let count = u16_at(table, 10)? as usize;
    let mut pairs = Vec::new();
    for i in 0..count {
        let at = 18 + 6 * i;
        let (left, right) = (u16_at(table, at)?, u16_at(table, at + 2)?);
        if let (Some(l), Some(r)) = (glyphs.get(left), glyphs.get(right)) {
            pairs.push((l, r, u16_at(table, at + 4)?));
        }
    }
    if pairs.is_empty() {
        return None;
    }
    // Looked up by binary search on (left, right).
    pairs.sort();
    let count = pairs.len() as u16;
    let power = 1 << count.ilog2();
    let mut out = Vec::new();
    put16(&mut out, 0);
    put16(&mut out, 1);
    for field in [
        0,
        14 + 6 * count,
        coverage,
        count,
        6 * power,
        power.ilog2() as u16,
    ] {
        put16(&mut out, field);
    }
    put16(&mut out, 6 * count - 6 * power);
    for (l, r, value) in pairs {
        [l, r, value].into_iter().for_each(|v| put16(&mut out, v));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::font::REGULAR;

    #[test]
    fn the_subset_has_the_glyphs_of_its_characters_only_with_their_metrics_and_kerning() {
        let full = FontRef::try_from_slice(REGULAR).unwrap();
        let bytes = subset(REGULAR, "Today: 1–7 ÅA".chars()).unwrap();
        let small = FontRef::try_from_slice(&bytes).unwrap();
        // .notdef, the ten characters, and the glyphs Å is composed of.
        assert!(small.glyph_count() <= 14, "{}", small.glyph_count());
        assert!(bytes.len() < 30_000, "{}", bytes.len());
        for c in "Today: 1–7 ÅA".chars() {
            let (f, s) = (full.glyph_id(c), small.glyph_id(c));
            assert_ne!(s.0, 0, "{c:?}");
            assert_eq!(
                small.h_advance_unscaled(s),
                full.h_advance_unscaled(f),
                "{c:?}"
            );
            let bounds = |font: &FontRef, id| {
                let outline = font.outline(id).map(|o| o.bounds);
                outline.map(|b| (b.min.x, b.min.y, b.max.x, b.max.y))
            };
            assert_eq!(bounds(&small, s), bounds(&full, f), "{c:?}");
        }
        assert_eq!(small.glyph_id('x').0, 0, "not asked for");
        // "To" is one of DejaVu's kerned pairs, and kerned the same in the subset.
        let kern = |font: &FontRef| font.kern_unscaled(font.glyph_id('T'), font.glyph_id('o'));
        assert_ne!(kern(&full), 0.0);
        assert_eq!(kern(&small), kern(&full));
    }
}
