//! The engine's live state, published to any number of subscribers.
//!
//! One writer (the monitor's fold task) publishes a new [`LiveState`] after each change, in
//! order, each with a higher sequence number (`overview.seq`). Subscribers hold a
//! `tokio::sync::watch::Receiver`: they always see the newest state and never an older one
//! after a newer one. The window is one subscriber; a command line, a history recorder and the
//! tests are others.

use crate::manifests::RenderedObject;
use crate::settings::Settings;
use shipdeck_ipc::connections::ConnectionsOverview;
use shipdeck_ipc::drift::DriftReport;
use shipdeck_ipc::workspace::CommitSummary;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Everything the engine knows live, at one moment.
#[derive(Debug, Clone, Default)]
pub struct LiveState {
    /// What the UI shows; `overview.seq` orders states.
    pub overview: ConnectionsOverview,
    /// The settings this state follows.
    pub settings: Arc<Settings>,
    /// The objects each application's manifests rendered to, by application id: what the
    /// cluster is compared with. Only the summary crosses to the UI.
    pub rendered: BTreeMap<String, Arc<RenderedApp>>,
    /// How each application's cluster compares with its rendered objects, by application id.
    pub drift: BTreeMap<String, Arc<DriftReport>>,
}

impl LiveState {
    pub fn seq(&self) -> u64 {
        self.overview.seq
    }
}

/// One application's manifests rendered at one commit.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedApp {
    /// The commit the manifests were rendered from.
    pub commit: CommitSummary,
    pub objects: Vec<RenderedObject>,
    /// Files that could not be read or parsed; a render with errors is incomplete.
    pub errors: Vec<String>,
}

pub type Subscription = tokio::sync::watch::Receiver<Arc<LiveState>>;
