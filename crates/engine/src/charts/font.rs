//! The charts' typeface, compiled in, so a chart never depends on (or looks up) the fonts of
//! the machine it is drawn on.

use ab_glyph::FontRef;
use plotters::style::{FontFamily, FontStyle, IntoFont, RGBColor, TextStyle};
use std::sync::LazyLock;

/// The name an SVG gives the subsets of DejaVu Sans it embeds ([`super::embed`], which adds
/// a suffix of its own): no installed font has it, so a viewer draws the embedded glyphs and
/// never looks one up by name (another machine's "DejaVu Sans" may be another version, or
/// another font under that name).
pub const FACE: &str = "Shipdeck Chart Sans";

/// The family an SVG's text names: the embedded face, and the viewer's own sans-serif only if
/// it refuses that (the PNG always draws the embedded font).
pub const FAMILY: &str = "Shipdeck Chart Sans, sans-serif";

pub static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

pub struct Faces {
    pub regular: FontRef<'static>,
    pub bold: FontRef<'static>,
}

impl Faces {
    /// Parsed once per process.
    pub fn get() -> &'static Faces {
        static FACES: LazyLock<Faces> = LazyLock::new(|| Faces {
            // The files are compiled in and a test reads them: they cannot be absent or
            // corrupt at run time.
            regular: FontRef::try_from_slice(REGULAR).expect("embedded DejaVuSans.ttf"),
            bold: FontRef::try_from_slice(BOLD).expect("embedded DejaVuSans-Bold.ttf"),
        });
        &FACES
    }
}

/// Text whose em is `px` pixels. Plotters' sizes are not ems: its SVG writes `size / 1.24`
/// as the font size, and [`super::typeset`] draws the same.
pub fn text(px: f64, bold: bool, color: RGBColor) -> TextStyle<'static> {
    let style = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    (FontFamily::Name(FAMILY), px * 1.24, style)
        .into_font()
        .color(&color)
}
