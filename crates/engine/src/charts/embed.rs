//! The fonts an SVG carries: each face reduced to the characters the chart wrote in it
//! ([`super::subset`]), packed as WOFF ([`super::woff`]) into a `data:` URL of an `@font-face`
//! rule named after [`FACE`]. An SVG opened anywhere (a browser, the window's webview, an
//! `<img>`, which loads no other file) then draws the glyphs the PNG draws, without a system
//! font.

use super::font::{BOLD, FACE, FAMILY, REGULAR};
use super::{subset, woff};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::collections::BTreeSet;

/// The characters a chart's text used, by face: what its SVG's fonts must hold.
#[derive(Debug, Default)]
pub struct Written {
    pub regular: BTreeSet<char>,
    pub bold: BTreeSet<char>,
}

impl Written {
    pub fn add(&mut self, text: &str, bold: bool) {
        let face = if bold {
            &mut self.bold
        } else {
            &mut self.regular
        };
        face.extend(text.chars());
    }

    /// The name of these subsets: [`FACE`] and a hash of their characters. The window inlines
    /// its five SVGs in one page, where `@font-face` rules apply page-wide and a later rule of
    /// the same name would hide an earlier one, leaving a chart without glyphs it needs; SVGs
    /// with the same characters have the same subsets, so they may share a name.
    fn face(&self) -> String {
        // FNV-1a, the same in every build and run (std's hasher is not), over both sets.
        let mut hash = 0x811c_9dc5_u32;
        let chars = self.regular.iter().chain(&['\0']).chain(&self.bold);
        for byte in chars.flat_map(|c| u32::from(*c).to_le_bytes()) {
            hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
        }
        format!("{FACE} {hash:08x}")
    }
}

/// `svg` (as plotters writes it) with a `<style>` of the fonts of `written` first inside its
/// `<svg>` element, and its text naming them. Should a font fail to subset (never seen: the
/// fonts are compiled in and the tests subset them), the failure is logged and the SVG keeps
/// its text in the fallback family.
pub fn fonts(svg: &mut String, written: &Written) {
    let face = written.face();
    let mut rules = String::new();
    for (weight, font, chars) in [
        ("normal", REGULAR, &written.regular),
        ("bold", BOLD, &written.bold),
    ] {
        if chars.is_empty() {
            continue;
        }
        let packed = subset::subset(font, chars.iter().copied())
            .map(|subset| woff::woff(&subset).expect("sfnt::write's directory"));
        match packed {
            Ok(packed) => {
                rules += &format!(
                    "@font-face{{font-family:\"{face}\";font-weight:{weight};\
                     src:url(data:font/woff;base64,{}) format(\"woff\")}}\n",
                    STANDARD.encode(packed)
                );
            }
            Err(e) => tracing::error!(error = %e, weight, "embedding a chart's font failed"),
        }
    }
    if rules.is_empty() {
        return;
    }
    // Plotters wrote every text's family as an attribute; the text itself is escaped, so the
    // attribute's quotes cannot occur in it.
    let named = format!("font-family=\"{}\"", FAMILY.replacen(FACE, &face, 1));
    *svg = svg.replace(&format!("font-family=\"{FAMILY}\""), &named);
    // Right after the opening tag; base64 and these rules hold nothing XML would escape.
    let at = svg.find('>').map_or(0, |i| i + 1);
    svg.insert_str(at, &format!("\n<defs><style>\n{rules}</style></defs>"));
}
