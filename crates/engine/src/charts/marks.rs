//! The data marks, drawn in pixels (the plot maps values to pixels first): bars, lines broken
//! at gaps, and dots.

use super::frame::Drawn;
use super::style::*;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

type Area<DB> = DrawingArea<DB, Shift>;

/// Series 0 has round markers, series 1 square ones: told apart without colour.
pub fn marker<DB: DrawingBackend>(
    root: &Area<DB>,
    (x, y): (i32, i32),
    i: usize,
    s: Scale,
) -> Drawn<DB> {
    let color = SERIES[i % SERIES.len()];
    let r = s.int(MARKER_RADIUS);
    if i.is_multiple_of(2) {
        root.draw(&Circle::new((x, y), r, color.filled()))
    } else {
        root.draw(&Rectangle::new(
            [(x - r, y - r), (x + r, y + r)],
            color.filled(),
        ))
    }
}

/// A bar from `base` (the zero line) up to `top`, between `left` and `right`.
pub fn bar<DB: DrawingBackend>(
    root: &Area<DB>,
    (left, right): (i32, i32),
    (base, top): (i32, i32),
    i: usize,
) -> Drawn<DB> {
    let color = SERIES[i % SERIES.len()];
    // A bar of one pixel or less would vanish; a zero bar stays invisible on purpose.
    let right = right.max(left + 1);
    root.draw(&Rectangle::new(
        [(left, top), (right, base)],
        color.filled(),
    ))
}

/// A line through `points`, `None` breaking it; a point alone between gaps still shows as
/// its marker.
pub fn line<DB: DrawingBackend>(
    root: &Area<DB>,
    points: &[Option<(i32, i32)>],
    i: usize,
    s: Scale,
) -> Drawn<DB> {
    for run in points.split(Option::is_none) {
        let run: Vec<(i32, i32)> = run.iter().flatten().copied().collect();
        if run.len() >= 2 {
            stroke(root, run, i, s)?;
        }
    }
    for p in points.iter().flatten() {
        marker(root, *p, i, s)?;
    }
    Ok(())
}

/// The stroke of series `i` through `run`: series 1 is dashed, told apart without colour.
pub fn stroke<DB: DrawingBackend>(
    root: &Area<DB>,
    run: Vec<(i32, i32)>,
    i: usize,
    s: Scale,
) -> Drawn<DB> {
    let style = SERIES[i % SERIES.len()].stroke_width(s.uint(LINE_WIDTH));
    if i.is_multiple_of(2) {
        root.draw(&PathElement::new(run, style))
    } else {
        root.draw(&DashedPathElement::new(run, s.int(16.0), s.int(9.0), style))
    }
}

/// A dot, ringed in white so that dots close together stay countable.
pub fn dot<DB: DrawingBackend>(root: &Area<DB>, at: (i32, i32), i: usize, s: Scale) -> Drawn<DB> {
    let color = SERIES[i % SERIES.len()];
    root.draw(&Circle::new(
        at,
        s.int(DOT_RADIUS + 2.0),
        BACKGROUND.filled(),
    ))?;
    root.draw(&Circle::new(at, s.int(DOT_RADIUS), color.filled()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_value_breaks_the_line_and_a_lone_value_still_shows() {
        let (w, h) = (300, 100);
        let mut rgb = vec![255; (w * h * 3) as usize];
        let points = [
            Some((20, 50)),
            Some((80, 50)),
            None,
            Some((140, 50)),
            Some((200, 50)),
            None,
            Some((260, 50)),
        ];
        {
            let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
            line(&root, &points, 0, Scale(1.0)).unwrap();
            root.present().unwrap();
        }
        let blue = |x: u32| {
            let i = ((50 * w + x) * 3) as usize;
            rgb[i..i + 3] == [SERIES[0].0, SERIES[0].1, SERIES[0].2]
        };
        assert!(blue(50) && blue(170), "the runs are drawn");
        assert!(!blue(110) && !blue(230), "no line across a gap");
        assert!(blue(260), "a value between gaps is its marker");
    }
}
