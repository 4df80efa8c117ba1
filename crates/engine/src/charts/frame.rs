//! Around the plot: the title (alone in its strip at the top, so the PNG tests can find it),
//! the subtitle, and the legend with the band caption.

use super::font::text;
use super::marks::{marker, stroke};
use super::style::*;
use super::{ChartData, Mark};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub type Drawn<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

pub fn header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
    s: Scale,
) -> Drawn<DB> {
    let left = s.int(PAD);
    let centered = Pos::new(HPos::Left, VPos::Center);
    root.draw(&Text::new(
        data.title.clone(),
        (left, s.int(TITLE_STRIP / 2.0)),
        text(s.px(TITLE_PX), true, INK).pos(centered),
    ))?;
    root.draw(&Text::new(
        data.subtitle.clone(),
        (left, s.int(TITLE_STRIP + SUBTITLE_ROW / 2.0)),
        text(s.px(SUBTITLE_PX), false, SECONDARY).pos(centered),
    ))?;
    legend(root, data, s)
}

fn legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
    s: Scale,
) -> Drawn<DB> {
    let y = s.int(TITLE_STRIP + SUBTITLE_ROW + LEGEND_ROW / 2.0);
    let style = text(s.px(LEGEND_PX), false, INK).pos(Pos::new(HPos::Left, VPos::Center));
    let mut x = s.int(PAD);
    for (i, series) in data.series.iter().enumerate() {
        swatch(root, series.mark, i, (x, y), s)?;
        x += s.int(52.0);
        root.draw(&Text::new(series.name.clone(), (x, y), style.clone()))?;
        x += root.estimate_text_size(&series.name, &style)?.0 as i32 + s.int(36.0);
    }
    // No caption where the plot has no shading (rework rate, or nothing to rate).
    let Some(bands) = data.bands.as_ref().filter(|_| data.note.is_none()) else {
        return Ok(());
    };
    // Right-aligned; shortened rather than drawn over the legend on a narrow chart.
    let right = root.dim_in_pixel().0 as i32 - s.int(PAD);
    let style = style.pos(Pos::new(HPos::Right, VPos::Center));
    let long = format!("Shaded: {}", bands.label());
    let caption = if right - (root.estimate_text_size(&long, &style)?.0 as i32) > x {
        long
    } else {
        bands.label()
    };
    root.draw(&Text::new(caption, (right, y), style))
}

/// A sample of how series `i` is drawn, 40 px wide, centred on `y`.
fn swatch<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    mark: Mark,
    i: usize,
    (x, y): (i32, i32),
    s: Scale,
) -> Drawn<DB> {
    let color = SERIES[i % SERIES.len()];
    let middle = (x + s.int(20.0), y);
    match mark {
        Mark::Bars => root.draw(&Rectangle::new(
            [
                (x + s.int(8.0), y - s.int(11.0)),
                (x + s.int(32.0), y + s.int(11.0)),
            ],
            color.filled(),
        )),
        Mark::Dots => root.draw(&Circle::new(middle, s.int(DOT_RADIUS), color.filled())),
        Mark::Line => {
            stroke(root, vec![(x, y), (x + s.int(40.0), y)], i, s)?;
            marker(root, middle, i, s)
        }
    }
}
