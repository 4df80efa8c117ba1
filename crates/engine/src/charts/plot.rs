//! The plot: time along, values up, band regions behind, marks on top, and the note in place
//! of marks when there is nothing to show.

use super::axis::Axis;
use super::font::text;
use super::frame::Drawn;
use super::style::*;
use super::{ChartData, Mark, Unit, marks, ticks};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use shipdeck_ipc::dora::Band;

/// Draws the plot into `area` (the root minus the header and margins); text outside the
/// plotting area (band names, the note) goes on `root` in pixels.
pub fn plot<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
    s: Scale,
) -> Drawn<DB> {
    let (width, height) = area.dim_in_pixel();
    let tick_style = text(s.px(TICK_PX), false, INK);
    // About one value label per 70 px of height and one date per 130 px of width.
    let (top, mut y_ticks) = ticks::values(data, (height as f64 / s.px(70.0)) as usize);
    // Values on an axis with nothing on it would read as measurements.
    if data.note.is_some() {
        y_ticks.clear();
    }
    let x_ticks = ticks::times(data, (width as f64 / s.px(130.0)) as usize);
    let x_end = ticks::days(data, data.until).max(1e-6);
    let mut y_label_width = 0;
    for t in &y_ticks {
        let label = ticks::value_label(data.unit, *t);
        y_label_width = y_label_width.max(area.estimate_text_size(&label, &tick_style)?.0);
    }

    let x_label_area = s.int(TICK_PX + AXIS_PX + 34.0);
    let margin_top = s.int(8.0);
    // The axis name runs up the plot's height; on a short chart only the unit fits.
    let axis_style = text(s.px(AXIS_PX), false, SECONDARY);
    let plot_height = height as i32 - x_label_area - margin_top;
    let y_name = if area.estimate_text_size(&data.y_label, &axis_style)?.0 as i32 <= plot_height {
        data.y_label.as_str()
    } else {
        unit_name(data.unit)
    };

    let mut chart = ChartBuilder::on(area)
        .margin_top(margin_top)
        .margin_right(band_column(area, s)?)
        .x_label_area_size(x_label_area)
        .y_label_area_size(y_label_width as i32 + s.int(AXIS_PX + 34.0))
        .build_cartesian_2d(Axis::new(0.0..x_end, x_ticks), Axis::new(0.0..top, y_ticks))?;

    // Bands behind an empty chart would rate a period that had nothing to rate.
    let shading = data.bands.as_ref().filter(|_| data.note.is_none());
    if let Some(bands) = shading {
        chart.draw_series(bands.regions.iter().filter(|r| r.from < top).map(|r| {
            Rectangle::new(
                [(0.0, r.from), (x_end, r.to.min(top))],
                band_fill(r.band).filled(),
            )
        }))?;
    }

    let x_format = |d: &f64| ticks::time_label(data, *d);
    let y_format = |v: &f64| ticks::value_label(data.unit, *v);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID.stroke_width(s.uint(1.0)))
        .axis_style(INK.stroke_width(s.uint(AXIS_WIDTH)))
        .set_all_tick_mark_size(s.int(6.0))
        .x_label_style(tick_style.clone())
        .y_label_style(tick_style)
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .x_desc(data.x_label.as_str())
        .y_desc(y_name)
        .axis_desc_style(axis_style)
        .draw()?;

    let to_px = |x: f64, y: f64| chart.backend_coord(&(x, y));
    if let Some(bands) = shading {
        let style = |band| {
            text(s.px(BAND_PX), true, band_ink(band)).pos(Pos::new(HPos::Left, VPos::Center))
        };
        for r in bands.regions.iter().filter(|r| r.from < top) {
            let (x, low) = to_px(x_end, r.from);
            let (_, high) = to_px(x_end, r.to.min(top));
            // A name only where its region is tall enough to hold it.
            if (low - high) as f64 >= s.px(BAND_PX * 1.3) {
                let at = (x + s.int(BAND_GAP), (low + high) / 2);
                root.draw(&Text::new(band_name(r.band), at, style(r.band)))?;
            }
        }
    }

    if let Some(note) = &data.note {
        let (xs, ys) = chart.plotting_area().get_pixel_range();
        let centre = ((xs.start + xs.end) / 2, (ys.start + ys.end) / 2);
        let style = text(s.px(NOTE_PX), true, INK).pos(Pos::new(HPos::Center, VPos::Center));
        return root.draw(&Text::new(note.clone(), centre, style));
    }

    for (i, series) in data.series.iter().enumerate() {
        let value = |r: &super::Row| r.values.get(i).copied().flatten().filter(|v| v.is_finite());
        match series.mark {
            Mark::Bars => {
                for r in &data.rows {
                    let Some(v) = value(r) else { continue };
                    let (a, b) = (ticks::days(data, r.start), ticks::days(data, r.end));
                    // A gap between neighbours so that each bucket reads as one bar.
                    let gap = (b - a) * 0.12;
                    let (left, base) = to_px(a + gap, 0.0);
                    let (right, tip) = to_px(b - gap, v);
                    marks::bar(root, (left, right), (base, tip), i)?;
                }
            }
            Mark::Line => {
                let points: Vec<Option<(i32, i32)>> = data
                    .rows
                    .iter()
                    .map(|r| {
                        let middle = (ticks::days(data, r.start) + ticks::days(data, r.end)) / 2.0;
                        value(r).map(|v| to_px(middle, v))
                    })
                    .collect();
                marks::line(root, &points, i, s)?;
            }
            Mark::Dots => {
                for r in &data.rows {
                    if let Some(v) = value(r) {
                        marks::dot(root, to_px(ticks::days(data, r.start), v), i, s)?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// The room right of the plot for the band names: the gap, the widest name as the embedded
/// font sets it, and the page's padding, so that every name ends where the legend's caption
/// does instead of running off the image (a fixed 84 px cut "Medium" short). Every band is
/// measured, not only the chart's own, so that stacked charts' plots end at the same x.
fn band_column<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: Scale,
) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    let style = text(s.px(BAND_PX), true, INK);
    let mut widest = 0;
    for band in [Band::Elite, Band::High, Band::Medium, Band::Low] {
        widest = widest.max(area.estimate_text_size(band_name(band), &style)?.0);
    }
    Ok(s.int(BAND_GAP) + widest as i32 + s.int(PAD))
}

fn unit_name(unit: Unit) -> &'static str {
    match unit {
        Unit::Deployments => "Deployments",
        Unit::Hours => "Hours",
        Unit::Percent => "%",
    }
}
