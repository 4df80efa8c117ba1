use super::*;
use crate::charts::fixture::{DAY, at, week};
use crate::charts::{ChartKind, chart, charts};
use shipdeck_ipc::dora::Band;
use std::ops::Range;

struct Image {
    width: u32,
    height: u32,
    /// Pixels a metre, as the PNG declares it.
    density: Option<u32>,
    rgb: Vec<u8>,
}

fn decode(bytes: &[u8]) -> Image {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let mut rgb = vec![0; reader.output_buffer_size().unwrap()];
    let density = reader.info().pixel_dims.map(|d| d.xppu);
    let info = reader.next_frame(&mut rgb).unwrap();
    assert_eq!(
        (info.color_type, info.bit_depth),
        (png::ColorType::Rgb, png::BitDepth::Eight)
    );
    rgb.truncate(info.buffer_size());
    Image {
        width: info.width,
        height: info.height,
        density,
        rgb,
    }
}

impl Image {
    /// Pixels in `rows` dark in every channel: ink (text, axes), never a tint, a grid line or
    /// a series colour.
    fn dark(&self, rows: Range<u32>) -> usize {
        rows.flat_map(|y| (0..self.width).map(move |x| (x, y)))
            .filter(|(x, y)| {
                let i = ((y * self.width + x) * 3) as usize;
                self.rgb[i..i + 3].iter().all(|c| *c < 90)
            })
            .count()
    }
}

fn histories() -> [(&'static str, Vec<crate::dora::Fact>); 2] {
    [
        ("a week of deployments", week()),
        ("no deployments", vec![]),
    ]
}

#[test]
fn every_chart_renders_to_png_at_its_size_and_2x_is_exactly_double() {
    for (name, facts) in histories() {
        for data in charts(&facts, at(0), at(7 * DAY)) {
            let one = decode(&png(&data, 800, 450, 1));
            assert_eq!(
                (one.width, one.height),
                (800, 450),
                "{name} {:?}",
                data.kind
            );
            let two = decode(&png(&data, 800, 450, 2));
            assert_eq!(
                (two.width, two.height),
                (1600, 900),
                "{name} {:?}",
                data.kind
            );
            // Declared at twice the density, so it shows at the same size where that is read.
            assert_eq!((one.density, two.density), (Some(3780), Some(2 * 3780)));
            // Drawn, not blank: text and axes everywhere below the title too.
            assert!(one.dark(0..450) > 2000, "{name} {:?}", data.kind);
            // The same layout: about four times the ink at twice the size each way.
            let ratio = two.dark(0..900) as f64 / one.dark(0..450) as f64;
            assert!(
                (2.5..6.0).contains(&ratio),
                "{name} {:?}: {ratio}",
                data.kind
            );
        }
    }
}

#[test]
fn the_title_strip_holds_dark_glyphs_only_when_there_is_a_title() {
    let strip = TITLE_STRIP as u32;
    for kind in ChartKind::ALL {
        let mut data = chart(kind, &week(), at(0), at(7 * DAY));
        let titled = decode(&png(&data, 800, 450, 1)).dark(0..strip);
        let titled_2x = decode(&png(&data, 800, 450, 2)).dark(0..2 * strip);
        data.title.clear();
        let untitled = decode(&png(&data, 800, 450, 1)).dark(0..strip);
        // A 28 px title of a dozen letters or more covers well over 500 pixels.
        assert!(titled > 500, "{kind:?}: {titled}");
        assert!(titled_2x > 3 * titled, "{kind:?}: {titled_2x} vs {titled}");
        assert_eq!(untitled, 0, "{kind:?}");
    }
}

#[test]
fn band_names_end_inside_the_image() {
    // Over 90 days (weekly buckets) the frequency chart's medium region is tall enough to be
    // named, and "Medium" is the widest name.
    let charts = charts(&week(), at(0), at(90 * DAY));
    let (w, h) = shipdeck_ipc::dora::CHART_SIZE;
    for data in &charts {
        for scale in [1, 2] {
            let image = decode(&png(data, w, h, scale));
            // Nothing (text included) reaches into the page's right padding, as the legend's
            // right-aligned caption does not either; a clipped name would.
            let margin = (PAD - 2.0) as u32 * scale;
            let touched = (0..image.height)
                .flat_map(|y| (image.width - margin..image.width).map(move |x| (x, y)))
                .find(|(x, y)| {
                    let i = ((y * image.width + x) * 3) as usize;
                    image.rgb[i..i + 3] != [BACKGROUND.0, BACKGROUND.1, BACKGROUND.2]
                });
            assert_eq!(touched, None, "{:?} at {scale}x", data.kind);
        }
    }
    // Not vacuous: "Medium" is drawn (its solid strokes in its own ink) on the frequency chart.
    let frequency = decode(&png(&charts[0], w, h, 1));
    let ink = band_ink(Band::Medium);
    assert!(
        frequency.rgb.chunks(3).any(|p| p == [ink.0, ink.1, ink.2]),
        "no Medium on {:?}",
        charts[0].kind
    );
}

#[test]
fn an_empty_period_says_so_in_the_plot() {
    let empty = chart(ChartKind::Frequency, &[], at(0), at(7 * DAY));
    let mut blank = empty.clone();
    blank.note = None;
    let image = decode(&png(&empty, 800, 450, 1));
    let without = decode(&png(&blank, 800, 450, 1));
    // The note is bold 26 px text across the middle of the plot.
    let middle = 200..330;
    assert!(
        image.dark(middle.clone()) > without.dark(middle.clone()) + 1000,
        "{} vs {}",
        image.dark(middle.clone()),
        without.dark(middle)
    );
    let text = svg(&empty, 800, 450);
    assert!(text.contains("No deployments in this period"));
}

#[test]
fn the_svg_is_a_document_with_its_text_as_text() {
    for (name, facts) in histories() {
        for data in charts(&facts, at(0), at(7 * DAY)) {
            let text = svg(&data, 800, 450);
            assert!(text.starts_with("<svg"), "{name} {:?}", data.kind);
            assert!(
                text.trim_end().ends_with("</svg>"),
                "{name} {:?}",
                data.kind
            );
            assert!(text.contains(r#"width="800" height="450""#));
            assert!(
                text.contains(&format!(">\n{}\n</text>", data.title)),
                "{name}"
            );
            // Shaded, and so captioned, where there is something to rate.
            assert_eq!(
                text.contains("DORA 2024 bands"),
                data.kind != ChartKind::ReworkRate && data.note.is_none(),
                "{name} {:?}",
                data.kind
            );
        }
    }
}

/// The `(bold, text)` of each `<text>` element of `svg`, as plotters writes them, unescaped;
/// each must name `family`.
fn texts(svg: &str, family: &str) -> Vec<(bool, String)> {
    svg.split("<text ")
        .skip(1)
        .map(|element| {
            let (attributes, rest) = element.split_once(">\n").unwrap();
            let named = format!(r#"font-family="{family}""#);
            assert!(attributes.contains(&named), "{attributes}");
            let text = rest.split_once("\n</text>").unwrap().0;
            let text = [
                ("&lt;", "<"),
                ("&gt;", ">"),
                ("&quot;", "\""),
                ("&apos;", "'"),
            ]
            .iter()
            .fold(text.to_owned(), |t, (from, to)| t.replace(from, to))
            .replace("&amp;", "&");
            (attributes.contains(r#"font-weight="bold""#), text)
        })
        .collect()
}

/// The fonts of `svg`'s `@font-face` rules, `(family, bold, sfnt)`, as a browser would unpack
/// them.
fn embedded_fonts(svg: &str) -> Vec<(String, bool, Vec<u8>)> {
    use base64::Engine;
    svg.split("@font-face{")
        .skip(1)
        .map(|rule| {
            let rule = rule.split_once('}').unwrap().0;
            let family = rule.split_once("font-family:\"").unwrap().1;
            let family = family.split_once('"').unwrap().0.to_owned();
            assert!(family.starts_with("Shipdeck Chart Sans "), "{rule}");
            let data = rule.split_once("url(data:font/woff;base64,").unwrap().1;
            let data = data.split_once(')').unwrap().0;
            let woff = base64::engine::general_purpose::STANDARD
                .decode(data)
                .unwrap();
            let sfnt = crate::charts::sfnt::write(&crate::charts::woff::tables(&woff));
            (family, rule.contains("font-weight:bold"), sfnt)
        })
        .collect()
}

#[test]
fn the_svg_embeds_the_glyphs_of_its_text_and_names_no_installed_font() {
    use crate::charts::font::{BOLD, REGULAR};
    use ab_glyph::{Font, FontRef};
    let mut data = charts(&week(), at(0), at(7 * DAY));
    data.extend(charts(&week(), at(0), at(90 * DAY)));
    data.push(chart(ChartKind::Frequency, &[], at(0), at(7 * DAY)));
    for data in &data {
        let text = svg(data, 1200, 675);
        let fonts = embedded_fonts(&text);
        // A regular and a bold face (the title) of one family, each a subset, not the 740 KB
        // font, and every text names that family.
        assert_eq!(fonts.iter().map(|f| f.1).collect::<Vec<_>>(), [false, true]);
        let face = &fonts[0].0;
        assert_eq!(&fonts[1].0, face);
        let texts = texts(&text, &format!("{face}, sans-serif"));
        for (_, bold, font) in &fonts {
            let (full, name) = if *bold {
                (BOLD, "bold")
            } else {
                (REGULAR, "regular")
            };
            let full = FontRef::try_from_slice(full).unwrap();
            let small = FontRef::try_from_slice(font).unwrap();
            let written: String = texts
                .iter()
                .filter(|t| t.0 == *bold)
                .map(|t| t.1.as_str())
                .collect();
            assert!(written.len() > 5, "{:?} {name}: {written}", data.kind);
            for c in written.chars() {
                let id = small.glyph_id(c);
                assert_ne!(id.0, 0, "{:?} {name}: no {c:?}", data.kind);
                // The same glyph as the full font's, not merely a glyph.
                let advance = full.h_advance_unscaled(full.glyph_id(c));
                assert_eq!(small.h_advance_unscaled(id), advance, "{c:?}");
            }
            assert!(small.glyph_count() < 120, "{:?} {name}", data.kind);
        }
        assert!(text.len() < 60_000, "{:?}: {} bytes", data.kind, text.len());
        // No family but the embedded one (and the generic fallback) is named anywhere.
        assert!(!text.contains("DejaVu"), "{:?}", data.kind);
    }
}

#[test]
fn svgs_inlined_in_one_page_each_name_their_own_faces() {
    // The window puts the five SVGs in one page, where every `@font-face` applies to all: a
    // chart naming another's subset would miss glyphs.
    let faces: Vec<String> = charts(&week(), at(0), at(7 * DAY))
        .iter()
        .map(|data| embedded_fonts(&svg(data, 1200, 675))[0].0.clone())
        .collect();
    let distinct: std::collections::BTreeSet<_> = faces.iter().collect();
    assert_eq!(distinct.len(), faces.len(), "{faces:?}");
    // The same text, the same subsets and so the same name, in every run.
    let frequency = chart(ChartKind::Frequency, &week(), at(0), at(7 * DAY));
    assert_eq!(embedded_fonts(&svg(&frequency, 1200, 675))[0].0, faces[0]);
}

#[test]
fn missing_and_impossible_values_are_gaps_and_odd_sizes_are_brought_into_range() {
    let mut data = chart(ChartKind::LeadTime, &week(), at(0), at(7 * DAY));
    data.rows[4].values = vec![Some(f64::NAN), Some(f64::INFINITY)];
    let image = decode(&png(&data, 10, 10_000, 7));
    assert_eq!((image.width, image.height), (2 * MIN_WIDTH, 2 * MAX_SIZE));
    assert!(svg(&data, 0, 0).contains(r#"width="640" height="400""#));
}
