//! Time buckets: as fine as a period allows while a chart keeps a readable number of marks
//! (at most 31 days, about 52 weeks, then months).

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Span, Timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    Daily,
    Weekly,
    Monthly,
}

/// The longest period shown by day, and by week (a leap year still reads by week).
const DAILY_UP_TO_DAYS: i64 = 31;
const WEEKLY_UP_TO_DAYS: i64 = 366;

impl Granularity {
    pub fn for_period(since: Timestamp, until: Timestamp) -> Self {
        let seconds = until.duration_since(since).as_secs();
        if seconds <= DAILY_UP_TO_DAYS * 86_400 {
            Self::Daily
        } else if seconds <= WEEKLY_UP_TO_DAYS * 86_400 {
            Self::Weekly
        } else {
            Self::Monthly
        }
    }

    /// "day", "week", "month".
    pub fn noun(self) -> &'static str {
        match self {
            Self::Daily => "day",
            Self::Weekly => "week",
            Self::Monthly => "month",
        }
    }

    /// A bucket's length in days, a month counted as Four Keys' 30 (for scaling rates).
    pub fn nominal_days(self) -> f64 {
        match self {
            Self::Daily => 1.0,
            Self::Weekly => 7.0,
            Self::Monthly => crate::dora::MONTH_DAYS as f64,
        }
    }

    /// The buckets of `since..until`, each `(start, end)` with `end` excluded. They start at
    /// `since`, not on calendar boundaries, so the first bucket is whole and a 7-day period is
    /// exactly seven days; the last one is cut short at `until`.
    pub fn buckets(self, since: Timestamp, until: Timestamp) -> Vec<(Timestamp, Timestamp)> {
        let mut out = Vec::new();
        for i in 0.. {
            let Some(start) = self.nth(since, i) else {
                break;
            };
            if start >= until {
                break;
            }
            let end = self.nth(since, i + 1).map_or(until, |e| e.min(until));
            out.push((start, end));
        }
        out
    }

    /// The start of bucket `i`. Months are added to `since` afresh each time (not to the
    /// previous start), so a period starting on the 31st keeps landing on month ends.
    fn nth(self, since: Timestamp, i: i64) -> Option<Timestamp> {
        match self {
            Self::Daily => since.checked_add(SignedDuration::from_hours(24 * i)).ok(),
            Self::Weekly => since
                .checked_add(SignedDuration::from_hours(24 * 7 * i))
                .ok(),
            // `try_months`: a span of months past jiff's range is an error, not a panic.
            Self::Monthly => since
                .to_zoned(TimeZone::UTC)
                .checked_add(Span::new().try_months(i).ok()?)
                .ok()
                .map(|z| z.timestamp()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn the_bucket_follows_the_period_length() {
        let since = at("2026-01-01T00:00:00Z");
        let days = |n: i64| since + SignedDuration::from_hours(24 * n);
        assert_eq!(Granularity::for_period(since, days(7)), Granularity::Daily);
        assert_eq!(Granularity::for_period(since, days(31)), Granularity::Daily);
        assert_eq!(
            Granularity::for_period(since, days(32)),
            Granularity::Weekly
        );
        assert_eq!(
            Granularity::for_period(since, days(90)),
            Granularity::Weekly
        );
        assert_eq!(
            Granularity::for_period(since, days(366)),
            Granularity::Weekly
        );
        assert_eq!(
            Granularity::for_period(since, days(730)),
            Granularity::Monthly
        );

        let seven = Granularity::Daily.buckets(since, days(7));
        assert_eq!(seven.len(), 7);
        assert_eq!(seven[0], (since, days(1)));
        assert_eq!(seven[6], (days(6), days(7)));

        // 90 days: twelve whole weeks from the start, then six days.
        let ninety = Granularity::Weekly.buckets(since, days(90));
        assert_eq!(ninety.len(), 13);
        assert_eq!(ninety[1], (days(7), days(14)));
        assert_eq!(ninety[12], (days(84), days(90)));

        // Two years from mid-month: 24 calendar months, each starting on the 15th.
        let from = at("2025-01-15T06:00:00Z");
        let two_years = Granularity::Monthly.buckets(from, at("2027-01-15T06:00:00Z"));
        assert_eq!(two_years.len(), 24);
        assert_eq!(two_years[1].0, at("2025-02-15T06:00:00Z"));
        assert_eq!(two_years[23].1, at("2027-01-15T06:00:00Z"));
    }

    #[test]
    fn months_from_a_month_end_stay_on_month_ends_and_an_empty_period_has_no_bucket() {
        let from = at("2026-01-31T00:00:00Z");
        let b = Granularity::Monthly.buckets(from, at("2026-04-30T00:00:00Z"));
        let starts: Vec<Timestamp> = b.iter().map(|(s, _)| *s).collect();
        assert_eq!(
            starts,
            [
                at("2026-01-31T00:00:00Z"),
                at("2026-02-28T00:00:00Z"),
                at("2026-03-31T00:00:00Z")
            ]
        );
        assert!(Granularity::Daily.buckets(from, from).is_empty());
        assert!(
            Granularity::Daily
                .buckets(from, at("2026-01-01T00:00:00Z"))
                .is_empty()
        );
    }
}
