//! The timeline's window of time and its axis: zoom levels from hours to a year, panning, where
//! an instant falls across the strip, and tick marks aligned to UTC hours, days or months.
//! Pure, so it is tested natively.

/// The spans the timeline zooms through, narrowest first, in seconds.
pub const ZOOMS: [(i64, &str); 7] = [
    (3_600 * 6, "6 hours"),
    (86_400, "1 day"),
    (86_400 * 7, "7 days"),
    (86_400 * 30, "30 days"),
    (86_400 * 90, "90 days"),
    (86_400 * 180, "6 months"),
    (86_400 * 365, "1 year"),
];

/// The zoom the timeline opens at.
pub const DEFAULT_ZOOM: usize = 2;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A window of time: `ZOOMS[zoom]` long, ending at `until` (seconds since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub zoom: usize,
    pub until: i64,
}

impl Window {
    pub fn new(zoom: usize, until: i64) -> Self {
        Window {
            zoom: zoom.min(ZOOMS.len() - 1),
            until,
        }
    }

    pub fn span(&self) -> i64 {
        ZOOMS[self.zoom].0
    }

    pub fn since(&self) -> i64 {
        self.until - self.span()
    }

    /// Half a window back.
    pub fn earlier(self) -> Self {
        Window::new(self.zoom, self.until - self.span() / 2)
    }

    /// Half a window on, never past `now`.
    pub fn later(self, now: i64) -> Self {
        Window::new(self.zoom, (self.until + self.span() / 2).min(now))
    }

    /// A narrower (`in`) or wider zoom around the same middle, never ending past `now`.
    pub fn zoomed(self, zoom_in: bool, now: i64) -> Self {
        let zoom = if zoom_in {
            self.zoom.saturating_sub(1)
        } else {
            (self.zoom + 1).min(ZOOMS.len() - 1)
        };
        Window::around(self.middle(), zoom, now)
    }

    /// `ZOOMS[zoom]` long and centred on `at`, never ending past `now`.
    pub fn around(at: i64, zoom: usize, now: i64) -> Self {
        let w = Window::new(zoom, 0);
        Window::new(zoom, (at + w.span() / 2).min(now))
    }

    /// The middle of the window.
    pub fn middle(&self) -> i64 {
        self.until - self.span() / 2
    }

    /// Where `at` falls across a strip `width` wide (0 at `since`).
    pub fn x(&self, at: i64, width: f64) -> f64 {
        (at - self.since()) as f64 / self.span() as f64 * width
    }

    /// Tick marks inside the window: instants aligned to whole UTC hours, days, weeks or
    /// months, at most about eight, each with its label.
    pub fn ticks(&self) -> Vec<(i64, String)> {
        const HOUR: i64 = 3_600;
        const DAY: i64 = 86_400;
        let span = self.span();
        if span > DAY * 60 {
            return self.month_ticks(if span > DAY * 200 { 2 } else { 1 });
        }
        let step = [
            HOUR,
            3 * HOUR,
            6 * HOUR,
            12 * HOUR,
            DAY,
            2 * DAY,
            7 * DAY,
            14 * DAY,
        ]
        .into_iter()
        .find(|s| span / s <= 8)
        .unwrap_or(14 * DAY);
        let mut out = Vec::new();
        // Weeks start on Mondays (the epoch was a Thursday).
        let offset = if step % (7 * DAY) == 0 { 4 * DAY } else { 0 };
        let mut at = (self.since() - offset).div_euclid(step) * step + offset;
        if at < self.since() {
            at += step;
        }
        while at < self.until {
            out.push((at, label(at, step < DAY)));
            at += step;
        }
        out
    }

    fn month_ticks(&self, every: u32) -> Vec<(i64, String)> {
        let (mut year, mut month, _) = civil(self.since());
        let mut out = Vec::new();
        loop {
            month += 1;
            if month > 12 {
                month = 1;
                year += 1;
            }
            let at = days_from_civil(year, month, 1) * 86_400;
            if at >= self.until {
                return out;
            }
            if (month - 1) % every == 0 {
                let name = MONTHS[(month - 1) as usize];
                out.push((
                    at,
                    if month == 1 {
                        format!("{name} {year}")
                    } else {
                        name.to_string()
                    },
                ));
            }
        }
    }
}

/// "14:00" for an hour tick (with the day at midnight), "Nov 3" for a day tick.
fn label(at: i64, hours: bool) -> String {
    let (_, month, day) = civil(at);
    let of_day = at.rem_euclid(86_400);
    let date = format!("{} {day}", MONTHS[(month - 1) as usize]);
    if hours && of_day != 0 {
        format!("{:02}:{:02}", of_day / 3_600, of_day % 3_600 / 60)
    } else {
        date
    }
}

/// (year, month, day) of an instant, UTC.
fn civil(secs: i64) -> (i64, u32, u32) {
    let (year, month, day) = crate::format::civil_from_days(secs.div_euclid(86_400));
    (year, month as u32, day as u32)
}

fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    crate::format::days_from_civil(year, i64::from(month), i64::from(day))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-29T12:00:00Z, a Sunday.
    const NOON: i64 = 1_795_953_600;

    #[test]
    fn civil_dates_round_trip() {
        assert_eq!(civil(NOON), (2026, 11, 29));
        assert_eq!(days_from_civil(2026, 11, 29) * 86_400 + 43_200, NOON);
        assert_eq!(civil(days_from_civil(2024, 2, 29) * 86_400), (2024, 2, 29));
    }

    #[test]
    fn panning_moves_half_a_window_and_never_past_now() {
        let w = Window::new(1, NOON);
        assert_eq!(w.earlier().until, NOON - 43_200);
        assert_eq!(w.earlier().later(NOON).until, NOON);
        assert_eq!(w.later(NOON).until, NOON);
    }

    #[test]
    fn zooming_keeps_the_middle() {
        let w = Window::new(2, NOON - 86_400 * 10);
        let middle = w.until - w.span() / 2;
        let narrower = w.zoomed(true, NOON);
        assert_eq!(narrower.zoom, 1);
        assert_eq!(narrower.until - narrower.span() / 2, middle);
        assert_eq!(w.zoomed(false, NOON).zoom, 3);
        assert_eq!(Window::new(0, NOON).zoomed(true, NOON).zoom, 0);
        // Wider than what lies before now: it ends now.
        assert_eq!(Window::new(5, NOON).zoomed(false, NOON).until, NOON);
    }

    #[test]
    fn around_centres_a_zoom_on_an_instant_but_not_past_now() {
        let w = Window::around(NOON - 86_400 * 10, 1, NOON);
        assert_eq!((w.zoom, w.middle()), (1, NOON - 86_400 * 10));
        assert_eq!(Window::around(NOON - 60, 1, NOON).until, NOON);
    }

    #[test]
    fn x_spans_the_strip() {
        let w = Window::new(1, NOON);
        assert_eq!(w.x(w.since(), 1000.0), 0.0);
        assert_eq!(w.x(NOON - 43_200, 1000.0), 500.0);
        assert_eq!(w.x(NOON, 1000.0), 1000.0);
    }

    #[test]
    fn ticks_fall_on_whole_hours_days_weeks_and_months() {
        let hours = Window::new(0, NOON).ticks();
        assert_eq!(
            hours.iter().map(|t| t.1.as_str()).collect::<Vec<_>>(),
            ["06:00", "07:00", "08:00", "09:00", "10:00", "11:00"]
        );
        let day = Window::new(1, NOON).ticks();
        assert_eq!(
            day.iter().map(|t| t.1.as_str()).collect::<Vec<_>>(),
            [
                "12:00", "15:00", "18:00", "21:00", "Nov 29", "03:00", "06:00", "09:00"
            ]
        );
        let month = Window::new(3, NOON).ticks();
        assert!(
            month
                .iter()
                .all(|(at, _)| civil(*at).1 >= 10 && at % 86_400 == 0)
        );
        assert!(
            month.iter().all(|(at, _)| (at / 86_400 + 3) % 7 == 0),
            "Mondays: {month:?}"
        );
        let year = Window::new(6, NOON).ticks();
        assert_eq!(year.first().map(|t| t.1.as_str()), Some("Jan 2026"));
        assert!(year.len() <= 8, "{year:?}");
        for zoom in 0..ZOOMS.len() {
            let w = Window::new(zoom, NOON);
            for (at, _) in w.ticks() {
                assert!(at >= w.since() && at < w.until, "zoom {zoom}: {at}");
            }
        }
    }
}
