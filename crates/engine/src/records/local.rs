//! Records kept on this desk only, when the cluster refuses them (the user may not write
//! Secrets in the records namespace). Secret values are masked before they are written: this
//! directory is not guarded by the cluster's RBAC, so a local record cannot restore a Secret.

use super::codec;
use super::{Error, Manifest, Record, Result};
use serde::{Deserialize, Serialize};
use shipdeck_ipc::deploy::{Deployment, RecordPlace};
use std::path::{Path, PathBuf};

#[derive(Serialize, Deserialize)]
struct Stored {
    deployment: Deployment,
    manifests: Option<Vec<Manifest>>,
}

/// The records of one cluster kept under `root`.
pub struct LocalRecords {
    root: PathBuf,
}

impl LocalRecords {
    /// `root` is the desk's deployments directory; records of `cluster` go below it.
    pub fn new(root: &Path, cluster: &str) -> Self {
        Self {
            root: root.join(cluster),
        }
    }

    fn dir(&self, app: &str) -> PathBuf {
        self.root.join(app)
    }

    /// Every local record of `app`, newest first, without manifests.
    pub fn list(&self, app: &str) -> Vec<Deployment> {
        let Ok(entries) = std::fs::read_dir(self.dir(app)) else {
            return Vec::new();
        };
        let mut out: Vec<Deployment> = entries
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".json.gz"))
            .filter_map(|e| match read(&e.path()) {
                Ok(stored) => Some(stored.deployment),
                Err(err) => {
                    tracing::warn!(path = %e.path().display(), "skipping a local record: {err}");
                    None
                }
            })
            .filter(|d| d.app == app)
            .collect();
        out.sort_by_key(|d| std::cmp::Reverse(d.seq));
        out
    }

    /// Writes a new record numbered after `after` (the newest number the cluster showed) and
    /// every local one; Secret values masked.
    pub fn create(&self, record: &Record, after: u64) -> Result<Deployment> {
        let app = &record.deployment.app;
        let mut seq = self
            .list(app)
            .first()
            .map_or(after, |d| d.seq.max(after))
            .saturating_add(1);
        let mut deployment = record.deployment.clone();
        deployment.seq = seq;
        // Numbers here and in the cluster are given out apart: the id says which it is, so a
        // colleague's cluster record with the same number is never taken for this one.
        deployment.id = format!("{}-local", super::id(app, seq));
        deployment.place = RecordPlace::Local;
        let manifests = record.manifests.as_ref().map(|m| masked(m));
        deployment.has_manifests = manifests.is_some();
        let mut stored = Stored {
            deployment,
            manifests,
        };
        for _ in 0..8 {
            if self.write_new(&stored)? {
                return Ok(stored.deployment);
            }
            seq = seq.saturating_add(1);
            stored.deployment.seq = seq;
            stored.deployment.id = format!("{}-local", super::id(app, seq));
        }
        Err(Error::Local(format!(
            "no free number for a local record of {app}: another process keeps taking them"
        )))
    }

    pub fn update(&self, deployment: &Deployment) -> Result<()> {
        let path = self.path(&deployment.app, deployment.seq);
        let mut stored = read(&path)?;
        stored.deployment = deployment.clone();
        stored.deployment.place = RecordPlace::Local;
        self.write(&stored)
    }

    pub fn manifests(&self, app: &str, seq: u64) -> Result<Option<Vec<Manifest>>> {
        Ok(read(&self.path(app, seq))?.manifests)
    }

    fn path(&self, app: &str, seq: u64) -> PathBuf {
        self.dir(app).join(format!("{seq}.json.gz"))
    }

    /// Written whole to a temporary file and renamed, so a kill leaves the old record or the
    /// new one, never half of one.
    fn write(&self, stored: &Stored) -> Result<()> {
        let dir = self.dir(&stored.deployment.app);
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error::Local(format!("{}: {e}", dir.display())))?;
        let bytes = codec::compress(stored);
        let mut file = tempfile::NamedTempFile::new_in(&dir)
            .map_err(|e| Error::Local(format!("{}: {e}", dir.display())))?;
        std::io::Write::write_all(&mut file, &bytes)
            .and_then(|()| file.as_file().sync_all())
            .map_err(|e| Error::Local(e.to_string()))?;
        let path = self.path(&stored.deployment.app, stored.deployment.seq);
        file.persist(&path)
            .map_err(|e| Error::Local(format!("{}: {e}", path.display())))?;
        Ok(())
    }

    /// Like [`Self::write`] for a new record: never over another process's record of the same
    /// number (the window and the command line on one desk).
    fn write_new(&self, stored: &Stored) -> Result<bool> {
        let dir = self.dir(&stored.deployment.app);
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error::Local(format!("{}: {e}", dir.display())))?;
        let mut file = tempfile::NamedTempFile::new_in(&dir)
            .map_err(|e| Error::Local(format!("{}: {e}", dir.display())))?;
        std::io::Write::write_all(&mut file, &codec::compress(stored))
            .and_then(|()| file.as_file().sync_all())
            .map_err(|e| Error::Local(e.to_string()))?;
        let path = self.path(&stored.deployment.app, stored.deployment.seq);
        match file.persist_noclobber(&path) {
            Ok(_) => Ok(true),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(Error::Local(format!("{}: {}", path.display(), e.error))),
        }
    }
}

fn read(path: &Path) -> Result<Stored> {
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::NotFound(path.display().to_string()),
        _ => Error::Local(format!("{}: {e}", path.display())),
    })?;
    codec::decompress(&path.display().to_string(), &bytes)
}

/// The manifests with every Secret value masked.
fn masked(manifests: &[Manifest]) -> Vec<Manifest> {
    manifests
        .iter()
        .map(|m| {
            let mut m = m.clone();
            crate::drift::mask::Masker::default().mask(&mut m.object);
            m
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use shipdeck_ipc::deploy::{DeploymentKind, DeploymentResult, ResourceRef};

    fn deployment(app: &str) -> Deployment {
        Deployment {
            id: String::new(),
            app: app.into(),
            cluster: "dev".into(),
            seq: 0,
            kind: DeploymentKind::Sync,
            result: DeploymentResult::Running,
            interrupted: false,
            revision: "abc".into(),
            commits: vec![],
            selection: vec![],
            started_at: "2026-12-06T10:00:00Z".into(),
            finished_at: None,
            by: "ann".into(),
            identity: None,
            answers: None,
            restores: None,
            health: None,
            message: None,
            resources: vec![],
            has_manifests: true,
            place: RecordPlace::Local,
            incident: false,
        }
    }

    #[test]
    fn local_records_number_after_the_cluster_and_never_hold_secret_values() {
        let dir = tempfile::tempdir().unwrap();
        let records = LocalRecords::new(dir.path(), "dev");
        let secret = Manifest {
            resource: ResourceRef {
                group: String::new(),
                kind: "Secret".into(),
                namespace: Some("shop".into()),
                name: "db".into(),
            },
            version: "v1".into(),
            object: json!({"apiVersion": "v1", "kind": "Secret", "data": {"password": "aHVudGVyMg=="}}),
        };
        let record = Record {
            deployment: deployment("web"),
            manifests: Some(vec![secret]),
        };
        let first = records.create(&record, 7).unwrap();
        assert_eq!((first.seq, first.id.as_str()), (8, "web.8-local"));
        let second = records.create(&record, 3).unwrap();
        assert_eq!(second.seq, 9);
        let stored = records.manifests("web", 8).unwrap().unwrap();
        assert_eq!(stored[0].object["data"]["password"], "<masked value 1>");
        let raw = std::fs::read(records.path("web", 8)).unwrap();
        let text: Stored = codec::decompress("r", &raw).unwrap();
        assert!(
            !serde_json::to_string(&text.manifests)
                .unwrap()
                .contains("aHVudGVyMg")
        );
        let mut done = second.clone();
        done.result = DeploymentResult::Succeeded;
        records.update(&done).unwrap();
        let listed = records.list("web");
        assert_eq!(listed.iter().map(|d| d.seq).collect::<Vec<_>>(), [9, 8]);
        assert_eq!(listed[0].result, DeploymentResult::Succeeded);
    }
}
