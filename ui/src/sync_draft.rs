//! A sync the user is about to confirm: what it applies (the whole application or the reviewed
//! resources), at which reviewed commit, and what prune would delete. The engine refuses a sync
//! whose commit moved or whose prune list changed; this says so before it is asked, so the
//! confirm button is only offered for a request the user has actually seen.

use shipdeck_ipc::IpcError;
use shipdeck_ipc::deploy::{ResourceRef, SyncRequest};
use shipdeck_ipc::drift::{DriftReason, ResourceDrift, SyncSummary};

/// The identity the engine matches a selection by.
pub fn reference(r: &ResourceDrift) -> ResourceRef {
    ResourceRef {
        group: r.group.clone(),
        kind: r.kind.clone(),
        namespace: r.namespace.clone(),
        name: r.name.clone(),
    }
}

/// The commit the user reviewed: the one the application's last comparison shows. `None` when
/// there is none to show, so nothing was reviewed.
pub fn reviewed_commit(summary: Option<&SyncSummary>) -> Option<String> {
    summary
        .map(|s| s.commit.trim())
        .filter(|c| !c.is_empty())
        .map(str::to_string)
}

pub fn short(sha: &str) -> &str {
    sha.get(..7).unwrap_or(sha)
}

#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    /// Everything the application declares; `objects` is how many it rendered, when known.
    Whole {
        objects: Option<usize>,
        out_of_sync: usize,
    },
    /// The reviewed selection.
    Selected(Vec<Chosen>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chosen {
    pub resource: ResourceRef,
    /// Only in the cluster (Git no longer declares it): only prune can sync it.
    pub extra: bool,
}

impl Chosen {
    pub fn of(r: &ResourceDrift) -> Self {
        Self {
            resource: reference(r),
            extra: r.reason == Some(DriftReason::Extra),
        }
    }
}

/// What prune would delete, as last asked; the ticket matches an answer to its question.
#[derive(Debug, Clone, PartialEq)]
pub enum Candidates {
    NotAsked,
    Loading(u64),
    Loaded(Vec<ResourceRef>),
    Failed(IpcError),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SyncDraft {
    pub scope: Scope,
    pub reviewed_commit: String,
    pub prune: bool,
    pub candidates: Candidates,
    /// Why the engine refused the last attempt, shown until the next one.
    pub error: Option<IpcError>,
}

impl SyncDraft {
    pub fn new(scope: Scope, reviewed_commit: String, prune: bool) -> Self {
        Self {
            scope,
            reviewed_commit,
            prune,
            candidates: Candidates::NotAsked,
            error: None,
        }
    }

    /// Ticks or unticks prune; `true` when the candidates must be asked for under `ticket`.
    /// Ticking always asks afresh: the list shown must be the one the engine will check.
    pub fn set_prune(&mut self, on: bool, ticket: u64) -> bool {
        self.prune = on;
        on && self.ask_again(ticket)
    }

    /// Starts asking for the candidates under `ticket` when prune is ticked and they are not
    /// known or being asked for; `true` when the caller must ask.
    pub fn ask_if_needed(&mut self, ticket: u64) -> bool {
        let needed = self.prune
            && matches!(
                self.candidates,
                Candidates::NotAsked | Candidates::Failed(_)
            );
        if needed {
            self.candidates = Candidates::Loading(ticket);
        }
        needed
    }

    /// Asks again, e.g. after the engine said the list changed.
    pub fn ask_again(&mut self, ticket: u64) -> bool {
        self.candidates = Candidates::NotAsked;
        self.ask_if_needed(ticket)
    }

    /// Takes the answer to the question asked under `ticket`; a stale answer is dropped.
    pub fn candidates_loaded(&mut self, ticket: u64, answer: Result<Vec<ResourceRef>, IpcError>) {
        if self.candidates == Candidates::Loading(ticket) {
            self.candidates = match answer {
                Ok(list) => Candidates::Loaded(list),
                Err(error) => Candidates::Failed(error),
            };
        }
    }

    fn chosen(&self) -> &[Chosen] {
        match &self.scope {
            Scope::Whole { .. } => &[],
            Scope::Selected(chosen) => chosen,
        }
    }

    /// Exactly what this sync deletes, as the engine will check it: the candidates, within
    /// the selection when there is one. `None` while that is not known.
    pub fn pruned(&self) -> Option<Vec<ResourceRef>> {
        if !self.prune {
            return Some(Vec::new());
        }
        let Candidates::Loaded(all) = &self.candidates else {
            return None;
        };
        Some(match &self.scope {
            Scope::Whole { .. } => all.clone(),
            Scope::Selected(chosen) => all
                .iter()
                .filter(|c| chosen.iter().any(|s| &s.resource == *c))
                .cloned()
                .collect(),
        })
    }

    /// Why this cannot be started now, in words; `None` when it can. `current_commit` is the
    /// commit the application's comparison shows now.
    pub fn blocked(&self, current_commit: Option<&str>) -> Option<String> {
        if let Some(now) = current_commit
            && now != self.reviewed_commit
        {
            return Some(format!(
                "The application moved to commit {} since you reviewed {}: close this, review the new drift, then sync.",
                short(now),
                short(&self.reviewed_commit)
            ));
        }
        let extras: Vec<&Chosen> = self.chosen().iter().filter(|c| c.extra).collect();
        if !self.prune && !extras.is_empty() {
            return Some(format!(
                "{} of the chosen resources {} only in the cluster (Git no longer declares {}): only prune syncs {}. Tick Prune, or take {} out of the selection.",
                extras.len(),
                if extras.len() == 1 { "is" } else { "are" },
                if extras.len() == 1 { "it" } else { "them" },
                if extras.len() == 1 { "it" } else { "them" },
                if extras.len() == 1 { "it" } else { "them" },
            ));
        }
        if !self.prune {
            return None;
        }
        match &self.candidates {
            Candidates::NotAsked | Candidates::Loading(_) => {
                return Some("Listing what prune would delete…".into());
            }
            Candidates::Failed(_) => {
                return Some(
                    "What prune would delete could not be listed: untick Prune, or tick it again to retry."
                        .into(),
                );
            }
            Candidates::Loaded(all) => {
                let gone: Vec<String> = extras
                    .iter()
                    .filter(|c| !all.contains(&c.resource))
                    .map(|c| c.resource.display())
                    .collect();
                if !gone.is_empty() {
                    return Some(format!(
                        "No longer to be pruned since you chose {}: {}. Review the drift again.",
                        if gone.len() == 1 { "it" } else { "them" },
                        gone.join(", ")
                    ));
                }
            }
        }
        None
    }

    /// The request to send, if it can be started.
    pub fn request(&self, app: &str, current_commit: Option<&str>) -> Option<SyncRequest> {
        if self.blocked(current_commit).is_some() {
            return None;
        }
        Some(SyncRequest {
            app: app.to_string(),
            resources: self.chosen().iter().map(|c| c.resource.clone()).collect(),
            prune: self.prune,
            prune_confirmed: self.pruned()?,
            force: false,
            reviewed_commit: Some(self.reviewed_commit.clone()),
        })
    }

    /// What will be applied, in one sentence.
    pub fn describe(&self, app: &str) -> String {
        let at = short(&self.reviewed_commit);
        match &self.scope {
            Scope::Whole {
                objects,
                out_of_sync,
            } => {
                let objects = match objects {
                    Some(1) => "1 object".to_string(),
                    Some(n) => format!("{n} objects"),
                    None => "its objects".to_string(),
                };
                let differ = match out_of_sync {
                    0 => "none differs from the cluster".to_string(),
                    1 => "1 resource differs from the cluster".to_string(),
                    n => format!("{n} resources differ from the cluster"),
                };
                format!(
                    "Applies the whole application {app} as commit {at} declares it: {objects}; {differ}."
                )
            }
            Scope::Selected(chosen) => match chosen.len() {
                1 => {
                    format!("Applies the 1 reviewed resource of {app}, as commit {at} declares it.")
                }
                n => format!(
                    "Applies the {n} reviewed resources of {app}, as commit {at} declares them."
                ),
            },
        }
    }

    /// The confirm button's words: what it does, deletions included.
    pub fn start_label(&self, app: &str) -> String {
        let what = match &self.scope {
            Scope::Whole { .. } => format!("Sync {app}"),
            Scope::Selected(chosen) if chosen.len() == 1 => "Sync 1 resource".to_string(),
            Scope::Selected(chosen) => format!("Sync {} resources", chosen.len()),
        };
        match self.pruned().map(|p| p.len()) {
            Some(0) | None => what,
            Some(1) => format!("{what} and delete 1"),
            Some(n) => format!("{what} and delete {n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipdeck_ipc::ErrorCode;

    fn r(name: &str) -> ResourceRef {
        ResourceRef {
            group: "apps".into(),
            kind: "Deployment".into(),
            namespace: Some("shop".into()),
            name: name.into(),
        }
    }

    fn whole() -> SyncDraft {
        let scope = Scope::Whole {
            objects: Some(12),
            out_of_sync: 3,
        };
        SyncDraft::new(scope, "3f2a9c1d0e".into(), false)
    }

    fn selected(chosen: &[(&str, bool)]) -> SyncDraft {
        let chosen = chosen
            .iter()
            .map(|(name, extra)| Chosen {
                resource: r(name),
                extra: *extra,
            })
            .collect();
        SyncDraft::new(Scope::Selected(chosen), "3f2a9c1d0e".into(), false)
    }

    #[test]
    fn a_whole_application_sync_sends_the_reviewed_commit_and_no_selection() {
        let draft = whole();
        assert_eq!(draft.blocked(Some("3f2a9c1d0e")), None);
        let request = draft.request("shop", Some("3f2a9c1d0e")).unwrap();
        assert_eq!(
            request,
            SyncRequest {
                app: "shop".into(),
                resources: vec![],
                prune: false,
                prune_confirmed: vec![],
                force: false,
                reviewed_commit: Some("3f2a9c1d0e".into()),
            }
        );
        assert_eq!(
            draft.describe("shop"),
            "Applies the whole application shop as commit 3f2a9c1 declares it: 12 objects; 3 resources differ from the cluster."
        );
        assert_eq!(draft.start_label("shop"), "Sync shop");
    }

    #[test]
    fn a_commit_that_moved_since_the_review_blocks_the_sync() {
        let draft = whole();
        let why = draft.blocked(Some("9999999aaa")).unwrap();
        assert!(
            why.contains("moved to commit 9999999 since you reviewed 3f2a9c1"),
            "{why}"
        );
        assert_eq!(draft.request("shop", Some("9999999aaa")), None);
    }

    #[test]
    fn prune_waits_for_the_exact_list_and_confirms_it() {
        let mut draft = whole();
        assert!(draft.set_prune(true, 1), "ticking prune asks for the list");
        assert!(!draft.ask_if_needed(2), "already being asked");
        assert!(draft.blocked(None).unwrap().starts_with("Listing"));
        assert_eq!(draft.request("shop", None), None);
        draft.candidates_loaded(0, Ok(vec![r("stale")]));
        assert_eq!(draft.candidates, Candidates::Loading(1), "a stale answer");
        draft.candidates_loaded(1, Ok(vec![r("old"), r("older")]));
        let request = draft.request("shop", None).unwrap();
        assert!(request.prune);
        assert_eq!(request.prune_confirmed, [r("old"), r("older")]);
        assert_eq!(draft.start_label("shop"), "Sync shop and delete 2");
        draft.set_prune(false, 3);
        let request = draft.request("shop", None).unwrap();
        assert!(!request.prune && request.prune_confirmed.is_empty());
        assert!(
            draft.set_prune(true, 4),
            "ticked again, the list is asked afresh"
        );
        assert_eq!(draft.candidates, Candidates::Loading(4));
    }

    #[test]
    fn a_failed_list_blocks_until_asked_again() {
        let mut draft = whole();
        draft.set_prune(true, 1);
        draft.candidates_loaded(1, Err(IpcError::new(ErrorCode::Cluster, "no cluster")));
        assert!(draft.blocked(None).unwrap().contains("could not be listed"));
        assert!(draft.set_prune(true, 2), "ticking again retries");
        assert!(draft.ask_again(3), "asked again after a refusal");
        assert_eq!(draft.candidates, Candidates::Loading(3));
    }

    #[test]
    fn a_selection_prunes_only_its_own_candidates() {
        let mut draft = selected(&[("web", false), ("old", true)]);
        let why = draft.blocked(None).unwrap();
        assert!(
            why.starts_with("1 of the chosen resources is only in the cluster"),
            "{why}"
        );
        draft.set_prune(true, 1);
        draft.candidates_loaded(1, Ok(vec![r("old"), r("other")]));
        let request = draft.request("shop", None).unwrap();
        assert_eq!(request.resources, [r("web"), r("old")]);
        assert_eq!(request.prune_confirmed, [r("old")]);
        assert_eq!(draft.start_label("shop"), "Sync 2 resources and delete 1");
        assert_eq!(
            draft.describe("shop"),
            "Applies the 2 reviewed resources of shop, as commit 3f2a9c1 declares them."
        );
    }

    #[test]
    fn a_chosen_extra_no_longer_a_candidate_blocks() {
        let mut draft = selected(&[("old", true)]);
        draft.set_prune(true, 1);
        draft.candidates_loaded(1, Ok(vec![]));
        let why = draft.blocked(None).unwrap();
        assert!(why.contains("Deployment/shop/old"), "{why}");
    }

    #[test]
    fn nothing_reviewed_means_no_commit() {
        let mut summary = SyncSummary {
            status: shipdeck_ipc::SyncStatus::Unknown,
            resources: 0,
            out_of_sync: 0,
            unknown: 0,
            commit: " ".into(),
            message: None,
            compared: 1,
            changed_at: None,
            health: None,
            health_message: None,
        };
        assert_eq!(reviewed_commit(Some(&summary)), None);
        assert_eq!(reviewed_commit(None), None);
        summary.commit = "abc".into();
        assert_eq!(reviewed_commit(Some(&summary)).as_deref(), Some("abc"));
        assert_eq!(short("3f2a9c1d0e"), "3f2a9c1");
        assert_eq!(short("abc"), "abc");
    }
}
