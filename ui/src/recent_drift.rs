//! The latest drift events, newest first: listed by the backend once, then each one it emits
//! put on top.

use shipdeck_ipc::IpcError;
use shipdeck_ipc::drift::DriftEvent;

/// Events kept; older ones are in the backend's record.
pub const LIMIT: usize = 100;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecentDrift {
    pub events: Vec<DriftEvent>,
    /// Whether the backend's list arrived (or failed).
    pub loaded: bool,
    pub error: Option<IpcError>,
}

impl RecentDrift {
    /// An event just emitted goes on top.
    pub fn receive(&mut self, event: DriftEvent) {
        self.events.insert(0, event);
        self.events.truncate(LIMIT);
    }

    /// The backend's list, newest first. The UI subscribes before asking for it, so an event
    /// received in between may or may not be in it: those not in it stay on top.
    pub fn load(&mut self, listed: Result<Vec<DriftEvent>, IpcError>) {
        self.loaded = true;
        match listed {
            Ok(listed) => {
                let mut events: Vec<DriftEvent> = std::mem::take(&mut self.events)
                    .into_iter()
                    .filter(|e| !listed.contains(e))
                    .collect();
                events.extend(listed);
                events.truncate(LIMIT);
                self.events = events;
                self.error = None;
            }
            Err(error) => self.error = Some(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(app: &str, at: &str) -> DriftEvent {
        DriftEvent {
            app: app.into(),
            cluster: "prod".into(),
            at: at.into(),
            commit: "abc".into(),
            resources: vec![],
        }
    }

    fn apps(recent: &RecentDrift) -> Vec<&str> {
        recent.events.iter().map(|e| e.app.as_str()).collect()
    }

    #[test]
    fn events_received_while_the_list_loads_are_kept_once_on_top() {
        let mut recent = RecentDrift::default();
        recent.receive(event("c", "3"));
        recent.receive(event("d", "4"));
        recent.load(Ok(vec![event("c", "3"), event("b", "2"), event("a", "1")]));
        assert_eq!(apps(&recent), ["d", "c", "b", "a"]);
        assert!(recent.loaded && recent.error.is_none());
        recent.receive(event("e", "5"));
        assert_eq!(apps(&recent)[0], "e");
    }

    #[test]
    fn at_most_the_limit_is_kept() {
        let mut recent = RecentDrift::default();
        recent.load(Ok((0..LIMIT)
            .map(|i| event("old", &i.to_string()))
            .collect()));
        recent.receive(event("new", "x"));
        assert_eq!(recent.events.len(), LIMIT);
        assert_eq!(recent.events[0].app, "new");
        assert_eq!(recent.events[LIMIT - 1].at, (LIMIT - 2).to_string());
    }

    #[test]
    fn a_failed_list_keeps_live_events_and_says_why() {
        let mut recent = RecentDrift::default();
        recent.receive(event("a", "1"));
        let error = IpcError::new(shipdeck_ipc::ErrorCode::Io, "history unreadable");
        recent.load(Err(error.clone()));
        assert_eq!(apps(&recent), ["a"]);
        assert_eq!(recent.error, Some(error));
    }
}
