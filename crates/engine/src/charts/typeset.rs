//! Text for the charts, from the embedded font. A backend wrapper measures every text with the
//! font's real metrics (plotters lays labels out by these measures) and, for bitmaps, draws
//! it: plotters' own `ab_glyph` drawing places each glyph without its side bearing, which
//! spaces letters unevenly ("Deploymen t"), and anchors text by a rough box. Anchors here
//! follow plotters' SVG (`0.76em`, `0.5ex`, `-0.5ex` below the anchor for top, centre and
//! bottom) so a PNG and an SVG of a chart have the same layout.

use super::embed::Written;
use super::font::Faces;
use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont, point};
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use std::cell::RefCell;
use std::rc::Rc;

/// `inner` with text measured (and, for a bitmap, drawn) from the embedded font.
pub struct Typeset<B> {
    inner: B,
    faces: &'static Faces,
    /// For a backend that draws text itself (an SVG's `<text>`), the characters it wrote, by
    /// face, for the SVG to embed; shared because plotters keeps the backend it is given.
    /// `None` for a bitmap, whose text is drawn here.
    written: Option<Rc<RefCell<Written>>>,
}

impl<B> Typeset<B> {
    /// For a backend that draws text itself (SVG writes `<text>`): measured here, and its
    /// characters recorded in `written`.
    pub fn measuring(inner: B, written: Rc<RefCell<Written>>) -> Self {
        Self {
            inner,
            faces: Faces::get(),
            written: Some(written),
        }
    }

    /// For a bitmap: measured and drawn here.
    pub fn drawing(inner: B) -> Self {
        Self {
            inner,
            faces: Faces::get(),
            written: None,
        }
    }
}

/// One line of text set in one face at one size.
struct Line<'a> {
    font: ab_glyph::PxScaleFont<&'a FontRef<'static>>,
    em: f32,
    glyphs: Vec<(GlyphId, f32)>,
    width: f32,
}

impl<'a> Line<'a> {
    fn set<S: BackendTextStyle>(faces: &'a Faces, text: &str, style: &S) -> Self {
        let face = match style.style() {
            FontStyle::Bold => &faces.bold,
            _ => &faces.regular,
        };
        // Plotters' text size is 1.24 times the em (its SVG writes `size / 1.24`).
        let em = (style.size() / 1.24) as f32;
        let height = face.height_unscaled() / face.units_per_em().unwrap_or(2048.0);
        let font = face.as_scaled(PxScale::from(em * height));
        let mut glyphs = Vec::with_capacity(text.len());
        let mut pen = 0.0;
        let mut previous = None;
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = previous {
                pen += font.kern(p, id);
            }
            glyphs.push((id, pen));
            pen += font.h_advance(id);
            previous = Some(id);
        }
        Self {
            font,
            em,
            glyphs,
            width: pen,
        }
    }

    /// How far below the anchor the baseline is, as the SVG places it.
    fn baseline(&self, v: VPos) -> f32 {
        let ex = self.x_height();
        match v {
            VPos::Top => 0.76 * self.em,
            VPos::Center => 0.5 * ex,
            VPos::Bottom => -0.5 * ex,
        }
    }

    fn x_height(&self) -> f32 {
        let x = self.font.scaled_glyph('x');
        self.font
            .outline_glyph(x)
            .map_or(0.5 * self.em, |g| -g.px_bounds().min.y)
    }
}

impl<B: DrawingBackend> DrawingBackend for Typeset<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<B::ErrorType>> {
        let line = Line::set(self.faces, text, style);
        let height = line.font.ascent() - line.font.descent();
        Ok((line.width.ceil() as u32, height.ceil() as u32))
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        if let Some(written) = &self.written {
            let bold = matches!(style.style(), FontStyle::Bold);
            written.borrow_mut().add(text, bold);
            return self.inner.draw_text(text, style, pos);
        }
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let line = Line::set(self.faces, text, style);
        let anchor = style.anchor();
        let left = match anchor.h_pos {
            HPos::Left => 0.0,
            HPos::Center => -line.width / 2.0,
            HPos::Right => -line.width,
        };
        let baseline = line.baseline(anchor.v_pos);
        let transform = style.transform();
        let (width, height) = self.inner.get_size();
        let mut pixels = Vec::new();
        for (id, x) in &line.glyphs {
            let glyph = id.with_scale_and_position(line.font.scale, point(left + x, baseline));
            let Some(outline) = line.font.outline_glyph(glyph) else {
                continue; // a space
            };
            let min = outline.px_bounds().min;
            outline.draw(|gx, gy, coverage| {
                let (dx, dy) =
                    transform.transform(min.x as i32 + gx as i32, min.y as i32 + gy as i32);
                pixels.push(((pos.0 + dx, pos.1 + dy), coverage.min(1.0)));
            });
        }
        for ((x, y), coverage) in pixels {
            if x >= 0 && y >= 0 && (x as u32) < width && (y as u32) < height && coverage > 0.0 {
                let ink = BackendColor {
                    alpha: color.alpha * coverage as f64,
                    rgb: color.rgb,
                };
                self.inner.draw_pixel((x, y), ink)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::fixture::{DAY, at, week};
    use crate::charts::font::text;
    use crate::charts::style::{INK, band_name};
    use crate::charts::{ChartKind, chart};
    use plotters::prelude::*;
    use plotters::style::text_anchor::Pos;
    use shipdeck_ipc::dora::Band;
    use std::ops::RangeInclusive;

    /// The columns and rows that hold ink once `s` is drawn at `at`, anchored by `pos`.
    fn ink(s: &str, at: (i32, i32), pos: Pos) -> (RangeInclusive<u32>, RangeInclusive<u32>) {
        let (w, h) = (400, 120);
        let mut rgb = vec![255; (w * h * 3) as usize];
        {
            let backend = Typeset::drawing(BitMapBackend::with_buffer(&mut rgb, (w, h)));
            let root = backend.into_drawing_area();
            root.draw(&Text::new(s, at, text(20.0, false, INK).pos(pos)))
                .unwrap();
            root.present().unwrap();
        }
        let dark: Vec<(u32, u32)> = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .filter(|(x, y)| rgb[((y * w + x) * 3) as usize] < 128)
            .collect();
        let xs = dark.iter().map(|p| p.0);
        let ys = dark.iter().map(|p| p.1);
        (
            xs.clone().min().unwrap()..=xs.max().unwrap(),
            ys.clone().min().unwrap()..=ys.max().unwrap(),
        )
    }

    #[test]
    fn text_sits_on_its_anchor_as_the_svg_places_it() {
        let centre = VPos::Center;
        // Left and right anchors: the ink starts or ends within a side bearing of the anchor.
        let (cols, _) = ink("High", (100, 60), Pos::new(HPos::Left, centre));
        assert!((100..=103).contains(cols.start()), "{cols:?}");
        let (cols, _) = ink("Elite", (300, 60), Pos::new(HPos::Right, centre));
        assert!((296..=300).contains(cols.end()), "{cols:?}");
        let (cols, _) = ink("Medium", (200, 60), Pos::new(HPos::Center, centre));
        let middle = (cols.start() + cols.end()) / 2;
        assert!((198..=202).contains(&middle), "{cols:?}");
        // Centred: letters of x-height straddle the anchor's row (the SVG's `dy="0.5ex"`).
        let (_, rows) = ink("xxxx", (100, 60), Pos::new(HPos::Left, centre));
        let middle = (rows.start() + rows.end()) / 2;
        assert!((59..=61).contains(&middle), "{rows:?}");
        // Top: the baseline 0.76 em (15 px at 20 px) below the anchor (`dy="0.76em"`).
        let (_, rows) = ink("xxxx", (100, 30), Pos::new(HPos::Left, VPos::Top));
        assert!((44..=46).contains(rows.end()), "{rows:?}");
    }

    #[test]
    fn every_character_the_charts_write_has_a_glyph_in_the_embedded_font() {
        let faces = Faces::get();
        let mut written = String::from("0123456789.% Shaded: DORA 2024 bands");
        for period in [7, 90, 700] {
            for kind in ChartKind::ALL {
                for facts in [week(), vec![]] {
                    let d = chart(kind, &facts, at(0), at(period * DAY));
                    written += &[d.title, d.subtitle, d.x_label, d.y_label].join(" ");
                    written += d.note.as_deref().unwrap_or_default();
                    d.series.iter().for_each(|s| written += &s.name);
                    for m in 0..12 {
                        let t = at(m * 31 * DAY);
                        written += &t.strftime("%-d %b %Y").to_string();
                    }
                }
            }
        }
        for band in [Band::Elite, Band::High, Band::Medium, Band::Low] {
            written += band_name(band);
        }
        for c in written.chars().filter(|c| !c.is_whitespace()) {
            assert_ne!(faces.regular.glyph_id(c).0, 0, "{c:?}");
            assert_ne!(faces.bold.glyph_id(c).0, 0, "{c:?}");
        }
    }
}
