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
