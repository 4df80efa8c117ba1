//! A chart to SVG or PNG. Drawing into memory with a compiled-in font needs no file, font or
//! network, so these return the image, never an error; a size out of range is brought into
//! range instead.

use super::ChartData;
use super::embed;
use super::frame::{Drawn, header};
use super::plot::plot;
use super::style::*;
use super::typeset::Typeset;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::rc::Rc;

/// The smallest chart that holds the large type and a legend on one line.
pub const MIN_WIDTH: u32 = 640;
pub const MIN_HEIGHT: u32 = 400;
/// The largest width or height at 1×: big enough for any wall, small enough that a 2× image
/// (three bytes a pixel while drawing) stays under 500 MB.
pub const MAX_SIZE: u32 = 4096;
/// 2× is for high-density screens and slides; more would only cost memory.
pub const MAX_SCALE: u32 = 2;

/// The chart as an SVG document of `width` × `height` (each within
/// [`MIN_WIDTH`]/[`MIN_HEIGHT`]..=[`MAX_SIZE`]). Its text is text, in the subsets of DejaVu
/// Sans it embeds ([`super::embed`]).
pub fn svg(data: &ChartData, width: u32, height: u32) -> String {
    let size = clamped(width, height);
    let mut out = String::new();
    let written = Rc::default();
    {
        let backend =
            Typeset::measuring(SVGBackend::with_string(&mut out, size), Rc::clone(&written));
        let root = backend.into_drawing_area();
        finish(draw(&root, data, Scale(1.0)).and_then(|()| root.present()));
    }
    embed::fonts(&mut out, &written.borrow());
    out
}

/// The chart as a PNG of `width` × `height` (brought into range as for [`svg`]) times
/// `scale` (1 or 2, the same layout with `scale` times the pixels each way).
pub fn png(data: &ChartData, width: u32, height: u32, scale: u32) -> Vec<u8> {
    let scale = scale.clamp(1, MAX_SCALE);
    let (w, h) = clamped(width, height);
    let (w, h) = (w * scale, h * scale);
    let mut rgb = vec![0; w as usize * h as usize * 3];
    {
        let backend = Typeset::drawing(BitMapBackend::with_buffer(&mut rgb, (w, h)));
        let root = backend.into_drawing_area();
        finish(draw(&root, data, Scale(scale as f64)).and_then(|()| root.present()));
    }
    encode(&rgb, (w, h), scale)
}

fn clamped(width: u32, height: u32) -> (u32, u32) {
    (
        width.clamp(MIN_WIDTH, MAX_SIZE),
        height.clamp(MIN_HEIGHT, MAX_SIZE),
    )
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
    s: Scale,
) -> Drawn<DB> {
    root.fill(&BACKGROUND)?;
    header(root, data, s)?;
    let area = root.margin(
        s.int(TITLE_STRIP + SUBTITLE_ROW + LEGEND_ROW),
        s.int(PAD / 2.0),
        s.int(PAD / 2.0),
        0,
    );
    plot(root, &area, data, s)
}

/// Drawing into memory with the embedded font has no way to fail that we know of; should it,
/// the failure is logged and the image returned as far as it got.
fn finish<E: std::fmt::Debug>(result: Result<(), E>) {
    if let Err(e) = result {
        tracing::error!(error = ?e, "drawing a chart failed");
    }
}

/// 96 pixels an inch at 1× (CSS's pixel), 192 at 2×: viewers that read it show both at the same
/// size.
fn encode(rgb: &[u8], (w, h): (u32, u32), scale: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // One row filter instead of the default adaptive choice, which tries all five on every
    // row and was 85% of the time of a PNG; on flat-coloured charts `Sub` compresses about as
    // well (within 10%). Deflate at level 1 instead of the default 6: compressing was still
    // 70% of a PNG's time (a 2x PNG took 33-39 ms, 38-61 under load, against a target of 50),
    // and level 1 takes less than half as long for files about 1.6 times the size (170-260 KB
    // at 2x). Level 2 saved only a quarter of the time; `Compression::Fast` (fdeflate) was no
    // faster than level 1 here and made files three times the size.
    encoder.set_deflate_compression(png::DeflateCompression::Level(1));
    encoder.set_filter(png::Filter::Sub);
    let per_metre = (96.0_f64 / 0.0254).round() as u32 * scale;
    encoder.set_pixel_dims(Some(png::PixelDimensions {
        xppu: per_metre,
        yppu: per_metre,
        unit: png::Unit::Meter,
    }));
    let written = encoder
        .write_header()
        .and_then(|mut writer| writer.write_image_data(rgb).and_then(|()| writer.finish()));
    finish(written);
    out
}

#[cfg(test)]
mod tests;
