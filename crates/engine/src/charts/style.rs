//! Sizes and colours, chosen to be read from the back of a room on a projector: large type,
//! thick marks, near-black ink on white, and band tints light enough not to compete with the
//! data. Sizes are pixels of a 1× image; [`Scale`] multiplies them for 2×.

use plotters::style::RGBColor;
use shipdeck_ipc::dora::Band;

pub const BACKGROUND: RGBColor = RGBColor(255, 255, 255);
pub const INK: RGBColor = RGBColor(17, 17, 17);
/// Secondary text (subtitle, axis names): still dark enough for a washed-out projector.
pub const SECONDARY: RGBColor = RGBColor(51, 51, 51);
pub const GRID: RGBColor = RGBColor(190, 190, 190);
/// First and second series: a blue and an orange, told apart by colour-blind readers too
/// (the second is also dashed, with square markers).
pub const SERIES: [RGBColor; 2] = [RGBColor(22, 78, 166), RGBColor(204, 85, 0)];

/// The band regions' tint.
pub fn band_fill(band: Band) -> RGBColor {
    match band {
        Band::Elite => RGBColor(222, 242, 222),
        Band::High => RGBColor(222, 236, 250),
        Band::Medium => RGBColor(252, 242, 208),
        Band::Low => RGBColor(250, 224, 222),
    }
}

/// The band names' colour: each tint's dark counterpart, legible on white.
pub fn band_ink(band: Band) -> RGBColor {
    match band {
        Band::Elite => RGBColor(24, 100, 40),
        Band::High => RGBColor(20, 80, 150),
        Band::Medium => RGBColor(130, 90, 0),
        Band::Low => RGBColor(160, 30, 30),
    }
}

pub fn band_name(band: Band) -> &'static str {
    match band {
        Band::Elite => "Elite",
        Band::High => "High",
        Band::Medium => "Medium",
        Band::Low => "Low",
    }
}

pub const TITLE_PX: f64 = 28.0;
pub const SUBTITLE_PX: f64 = 19.0;
pub const LEGEND_PX: f64 = 18.0;
pub const TICK_PX: f64 = 17.0;
pub const AXIS_PX: f64 = 18.0;
pub const BAND_PX: f64 = 17.0;
pub const NOTE_PX: f64 = 26.0;

pub const PAD: f64 = 24.0;
/// The strip the title alone occupies, from the top edge.
pub const TITLE_STRIP: f64 = 58.0;
pub const SUBTITLE_ROW: f64 = 32.0;
pub const LEGEND_ROW: f64 = 40.0;
/// Between the plot's right edge and the band names.
pub const BAND_GAP: f64 = 10.0;

pub const LINE_WIDTH: f64 = 4.0;
pub const AXIS_WIDTH: f64 = 2.0;
pub const MARKER_RADIUS: f64 = 6.0;
pub const DOT_RADIUS: f64 = 8.0;

/// Multiplies the 1× sizes, so a 2× image has the same layout with twice the pixels.
#[derive(Debug, Clone, Copy)]
pub struct Scale(pub f64);

impl Scale {
    pub fn px(self, size: f64) -> f64 {
        size * self.0
    }

    pub fn int(self, size: f64) -> i32 {
        (size * self.0).round() as i32
    }

    pub fn uint(self, size: f64) -> u32 {
        (size * self.0).round().max(0.0) as u32
    }
}
