//! What a desktop notification says about drift, and how often: at most one per application
//! per [`QUIET`], the events that come in between summed up in the next one. A field two
//! writers fight over, or a cluster full of drift at start, never floods the desktop; the
//! record ([`crate::drift_log`]) still has every event.

use shipdeck_ipc::drift::DriftEvent;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The least time between two notifications about one application.
pub const QUIET: Duration = Duration::from_secs(60);

/// A notification to raise: plain text, safe for servers that render markup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

#[derive(Default)]
pub struct Throttle {
    last: HashMap<String, Instant>,
    /// Events held back, by application, oldest first.
    held: HashMap<String, Vec<DriftEvent>>,
}

impl Throttle {
    /// A notice for `event` now, or none if one about its application went out less than
    /// [`QUIET`] ago (the event is then held for [`Throttle::due`]).
    pub fn offer(&mut self, event: DriftEvent, now: Instant) -> Option<Notice> {
        let app = event.app.clone();
        let quiet = self
            .last
            .get(&app)
            .is_some_and(|at| now.duration_since(*at) < QUIET);
        let mut events = self.held.remove(&app).unwrap_or_default();
        events.push(event);
        if quiet {
            self.held.insert(app, events);
            return None;
        }
        // Anything held back goes out with it, never after it.
        self.last.insert(app, now);
        Some(notice(&events))
    }

    /// Notices for the events held back whose application has been quiet long enough.
    pub fn due(&mut self, now: Instant) -> Vec<Notice> {
        let ready: Vec<String> = self
            .held
            .keys()
            .filter(|app| {
                self.last
                    .get(*app)
                    .is_none_or(|at| now.duration_since(*at) >= QUIET)
            })
            .cloned()
            .collect();
        let mut out = Vec::new();
        for app in ready {
            if let Some(events) = self.held.remove(&app) {
                self.last.insert(app, now);
                out.push(notice(&events));
            }
        }
        out
    }
}

fn notice(events: &[DriftEvent]) -> Notice {
    let newest = events.last().expect("at least one event");
    let body = match events.len() {
        1 => newest.headline(),
        2 => format!("{} (and 1 more change before it)", newest.headline()),
        n => format!(
            "{} (and {} more changes before it)",
            newest.headline(),
            n - 1
        ),
    };
    Notice {
        title: format!("{} is OutOfSync", newest.app),
        body: plain(&body),
    }
}

/// Field manager names are whatever a client sent: shown as text, never as markup.
fn plain(text: &str) -> String {
    text.chars()
        // Control characters, and the bidirectional controls that make text read otherwise.
        .filter(|c| !c.is_control() && !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        .collect::<String>()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_ipc::drift::{DriftedResource, FieldChange};

    fn event(app: &str, manager: &str) -> DriftEvent {
        DriftEvent {
            app: app.into(),
            cluster: "prod".into(),
            at: "2026-11-29T10:00:00Z".into(),
            commit: "c1".into(),
            resources: vec![DriftedResource {
                id: "apps/Deployment/shop/web".into(),
                reason: None,
                changes: vec![FieldChange {
                    path: "/spec/replicas".into(),
                    live: Some(6.into()),
                    desired: Some(3.into()),
                    manager: Some(manager.into()),
                }],
            }],
        }
    }

    #[test]
    fn one_notice_per_application_per_quiet_period_with_the_rest_summed_up() {
        let mut throttle = Throttle::default();
        let t0 = Instant::now();
        let first = throttle.offer(event("web", "kubectl"), t0).unwrap();
        assert_eq!(first.title, "web is OutOfSync");
        assert!(first.body.ends_with("(by kubectl)"), "{}", first.body);
        assert_eq!(
            throttle.offer(event("web", "k9s"), t0 + Duration::from_secs(5)),
            None
        );
        assert_eq!(
            throttle.offer(event("web", "Lens"), t0 + Duration::from_secs(9)),
            None
        );
        assert!(
            throttle.offer(event("api", "kubectl"), t0).is_some(),
            "another app"
        );
        assert!(throttle.due(t0 + Duration::from_secs(30)).is_empty());
        let later = throttle.due(t0 + QUIET);
        assert_eq!(later.len(), 1);
        assert!(
            later[0]
                .body
                .contains("(by Lens) (and 1 more change before it)"),
            "{}",
            later[0].body
        );
        assert!(throttle.due(t0 + QUIET * 3).is_empty(), "nothing held");

        // A new event after the quiet period but before the next look at what is held: one
        // notice with both, never the held one after the new one.
        let t1 = t0 + QUIET * 4;
        assert!(throttle.offer(event("db", "kubectl"), t1).is_some());
        assert_eq!(
            throttle.offer(event("db", "k9s"), t1 + Duration::from_secs(1)),
            None
        );
        let both = throttle
            .offer(event("db", "Lens"), t1 + QUIET + Duration::from_secs(1))
            .unwrap();
        assert!(
            both.body
                .contains("(by Lens) (and 1 more change before it)"),
            "{}",
            both.body
        );
        assert!(
            throttle.due(t1 + QUIET * 3).is_empty(),
            "sent with the new one"
        );
    }

    #[test]
    fn markup_in_a_manager_name_is_text() {
        let mut throttle = Throttle::default();
        let notice = throttle
            .offer(
                event("web", "<a href='x'>evil</a>\u{7}\u{202e}"),
                Instant::now(),
            )
            .unwrap();
        assert!(
            notice.body.contains("&lt;a href='x'&gt;evil&lt;/a&gt;)"),
            "{}",
            notice.body
        );
        assert!(!notice.body.contains('\u{7}') && !notice.body.contains('\u{202e}'));
    }
}
