//! Formatting for display. Pure functions, tested natively.

/// Seconds since the epoch, from the browser clock.
pub fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// A coarse relative age: "just now", "5 min ago", "3 h ago", "12 d ago", "4 mo ago", "2 y ago".
pub fn age(now: i64, then: i64) -> String {
    let secs = now - then;
    if secs < 0 {
        return "in the future".into();
    }
    const MIN: i64 = 60;
    const HOUR: i64 = 60 * MIN;
    const DAY: i64 = 24 * HOUR;
    match secs {
        s if s < MIN => "just now".into(),
        s if s < HOUR => format!("{} min ago", s / MIN),
        s if s < DAY => format!("{} h ago", s / HOUR),
        s if s < 60 * DAY => format!("{} d ago", s / DAY),
        s if s < 365 * DAY => format!("{} mo ago", s / (30 * DAY)),
        s => format!("{} y ago", s / (365 * DAY)),
    }
}

/// A field's value as a change shows it: a string as it is, anything else as JSON, and
/// `(none)` for a side without the field.
pub fn field_value(value: Option<&serde_json::Value>) -> String {
    match value {
        None => "(none)".to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::age;

    #[test]
    fn ages_read_naturally() {
        let now = 1_000_000_000;
        assert_eq!(age(now, now - 5), "just now");
        assert_eq!(age(now, now - 125), "2 min ago");
        assert_eq!(age(now, now - 3 * 3600), "3 h ago");
        assert_eq!(age(now, now - 12 * 86_400), "12 d ago");
        assert_eq!(age(now, now - 95 * 86_400), "3 mo ago");
        assert_eq!(age(now, now - 800 * 86_400), "2 y ago");
        assert_eq!(age(now, now + 10), "in the future");
    }
}

/// A Git transfer in progress: "Cloning: 120 / 400 objects, 1.5 MiB".
pub fn transfer(p: &shipdeck_ipc::connections::GitProgress) -> String {
    format!(
        "Cloning: {} / {} objects, {:.1} MiB",
        p.received_objects,
        p.total_objects,
        p.received_bytes as f64 / 1_048_576.0
    )
}

/// What an application tracks: "branch main", "tag v1.2", "commit 3f2a9c1".
pub fn revision(r: &shipdeck_ipc::config::Revision) -> String {
    use shipdeck_ipc::config::Revision;
    match r {
        Revision::Branch(b) => format!("branch {b}"),
        Revision::Tag(t) => format!("tag {t}"),
        Revision::Commit(c) => format!("commit {}", c.chars().take(7).collect::<String>()),
    }
}

/// A name usable as an id: lower-case letters, digits and '-' (`Prod EU` → `prod-eu`).
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(63).collect()
}

#[cfg(test)]
mod slug_tests {
    #[test]
    fn slugs_are_valid_names() {
        assert_eq!(super::slug("Prod EU"), "prod-eu");
        assert_eq!(super::slug("kind-shipdeck_a"), "kind-shipdeck-a");
        assert_eq!(super::slug("--x--"), "x");
    }
}

/// Seconds since the epoch of an RFC 3339 timestamp (`2024-05-01T12:34:56.5+02:00`), as the
/// backend sends them; `None` for anything else. Fractions of a second are dropped.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let number = |from: usize, to: usize| -> Option<i64> {
        let digits = text.get(from..to)?;
        digits
            .bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| digits.parse().ok())?
    };
    let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if b.len() < 20
        || separators.iter().any(|&(at, c)| b[at] != c)
        || !matches!(b[10], b'T' | b't' | b' ')
    {
        return None;
    }
    let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
    let (hour, minute, second) = (number(11, 13)?, number(14, 16)?, number(17, 19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    let mut rest = text.get(19..)?;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &fraction[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.as_bytes()[3] != b':' {
                return None;
            }
            let (hours, minutes) = (
                rest[1..3].parse::<i64>().ok()?,
                rest[4..6].parse::<i64>().ok()?,
            );
            sign * (hours * 3600 + minutes * 60)
        }
    };
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`]: (year, month, day).
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// An exact time in UTC, for a tooltip: "2024-05-01 12:34:56 UTC". UTC rather than local
/// time because the same instant is read by people in different places (and in logs).
pub fn utc(secs: i64) -> String {
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    let of_day = secs.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

/// An instant as RFC 3339 in UTC, for the backend: "2024-05-01T12:34:56Z".
pub fn rfc3339(secs: i64) -> String {
    utc(secs).replacen(' ', "T", 1).replace(" UTC", "Z")
}

/// A backend timestamp as shown: relative ("4 min ago") and exact (for a `title`).
#[derive(Debug, PartialEq, Eq)]
pub struct Moment {
    pub relative: String,
    pub exact: String,
}

/// `None` when `rfc3339` is not a timestamp, so the caller can show it as it is.
pub fn moment(now: i64, rfc3339: &str) -> Option<Moment> {
    let then = parse_rfc3339(rfc3339)?;
    Some(Moment {
        // Stamped by Shipdeck itself, so never ahead of this machine: a time past `now` is
        // the screen's clock, which ticks coarsely, lagging behind.
        relative: age(now.max(then), then),
        exact: utc(then),
    })
}

/// An ignore rule in words: "/spec/replicas in Deployment", "fields owned by vpa-recommender".
pub fn ignore_rule(rule: &shipdeck_ipc::config::IgnoreRule) -> String {
    use shipdeck_ipc::config::IgnoreRule;
    match rule {
        IgnoreRule::Pointer {
            pointer,
            kind: Some(kind),
        } => format!("{pointer} in {kind}"),
        IgnoreRule::Pointer {
            pointer,
            kind: None,
        } => format!("{pointer} in every kind"),
        IgnoreRule::Manager { manager } => format!("fields owned by {manager}"),
    }
}

#[cfg(test)]
mod time_tests {
    use super::*;

    #[test]
    fn rfc3339_timestamps_parse_to_epoch_seconds() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2024-05-01T12:34:56Z"), Some(1_714_566_896));
        assert_eq!(
            parse_rfc3339("2024-05-01T12:34:56.123456789Z"),
            Some(1_714_566_896)
        );
        assert_eq!(
            parse_rfc3339("2024-05-01T14:34:56+02:00"),
            Some(1_714_566_896)
        );
        assert_eq!(
            parse_rfc3339("2024-05-01T07:04:56-05:30"),
            Some(1_714_566_896)
        );
        assert_eq!(parse_rfc3339("2000-02-29t23:59:59z"), Some(951_868_799));
    }

    #[test]
    fn anything_else_is_not_a_timestamp() {
        for bad in [
            "",
            "yesterday",
            "2024-05-01",
            "2024-05-01T12:34:56",
            "2024-13-01T12:34:56Z",
            "2024-05-01T12:34:56.Z",
            "2024-05-01T12:34:56+0200",
            "2024-05-01T12:34:56Zjunk",
            "2024-05-01T12:3é:56Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn exact_times_are_utc() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_714_566_896), "2024-05-01 12:34:56 UTC");
        assert_eq!(utc(951_868_799), "2000-02-29 23:59:59 UTC");
        assert_eq!(utc(-1), "1969-12-31 23:59:59 UTC");
    }

    #[test]
    fn a_moment_is_relative_with_the_exact_time_beside_it() {
        let now = 1_714_566_896 + 4 * 60 + 10;
        assert_eq!(
            moment(now, "2024-05-01T12:34:56Z"),
            Some(Moment {
                relative: "4 min ago".into(),
                exact: "2024-05-01 12:34:56 UTC".into(),
            })
        );
        assert_eq!(moment(now, "soon"), None);
        // Stamped after the screen's clock last ticked.
        let ahead = moment(1_714_566_896 - 3, "2024-05-01T12:34:56.123456789Z").unwrap();
        assert_eq!(ahead.relative, "just now");
    }

    #[test]
    fn ignore_rules_read_as_words() {
        use shipdeck_ipc::config::IgnoreRule;
        let pointer = |kind: Option<&str>| IgnoreRule::Pointer {
            pointer: "/spec/replicas".into(),
            kind: kind.map(Into::into),
        };
        assert_eq!(
            ignore_rule(&pointer(Some("Deployment"))),
            "/spec/replicas in Deployment"
        );
        assert_eq!(ignore_rule(&pointer(None)), "/spec/replicas in every kind");
        let manager = IgnoreRule::Manager {
            manager: "vpa-recommender".into(),
        };
        assert_eq!(ignore_rule(&manager), "fields owned by vpa-recommender");
    }
}
