//! Records kept in the cluster as Secrets of type `shipdeck.dev/deployment.v1` in one
//! namespace, labelled with the application and sequence number; Secrets because the stored
//! manifests hold Secret values, and the cluster's RBAC on Secrets already guards those.
//!
//! The main Secret `shipdeck.APP.vSEQ` holds the deployment's metadata (`meta`) and the first
//! chunk of its manifests (`manifests`); further chunks are `shipdeck.APP.vSEQ.N` (see
//! [`super::codec`]). Listing reads the metadata of every record of an application; only a
//! rollback reads manifests.

use super::codec;
use super::{Error, Manifest, Record, Result};
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::{Namespace, Secret};
use kube::api::{Api, DeleteParams, ListParams, ObjectMeta, Patch, PatchParams, PostParams};
use serde_json::json;
use shipdeck_ipc::deploy::Deployment;
use std::collections::BTreeMap;
use std::time::Duration;

pub const SECRET_TYPE: &str = "shipdeck.dev/deployment.v1";
pub const CHUNK_TYPE: &str = "shipdeck.dev/deployment-chunk.v1";
pub const APP_LABEL: &str = "shipdeck.dev/app";
pub const SEQ_LABEL: &str = "shipdeck.dev/seq";
const KIND_LABEL: &str = "shipdeck.dev/kind";
const RESULT_LABEL: &str = "shipdeck.dev/result";
const CHUNK_OF_LABEL: &str = "shipdeck.dev/chunk-of";
const CHUNKS_ANNOTATION: &str = "shipdeck.dev/chunks";
const DIGEST_ANNOTATION: &str = "shipdeck.dev/digest";
const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "shipdeck");

/// The most records of one application read: a history longer than this is cut, newest
/// kept (the API server pages the list; the rest would not fit a review anyway).
pub const MAX_LISTED: u32 = 500;

/// How many times a change read under a resourceVersion is made again after a conflict.
const CONFLICT_RETRIES: usize = 4;

/// How long one call about records may take.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(20);

/// The records of one cluster.
#[derive(Clone)]
pub struct ClusterRecords {
    client: kube::Client,
    namespace: String,
}

pub fn secret_name(app: &str, seq: u64) -> String {
    format!("shipdeck.{app}.v{seq}")
}

impl ClusterRecords {
    pub fn new(client: kube::Client, namespace: &str) -> Self {
        Self {
            client,
            namespace: namespace.to_string(),
        }
    }

    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    fn secrets(&self) -> Api<Secret> {
        Api::namespaced(self.client.clone(), &self.namespace)
    }

    /// Every record of `app`, newest first, without manifests; at most [`MAX_LISTED`].
    pub async fn list(&self, app: &str) -> Result<Vec<Deployment>> {
        let params = ListParams::default()
            .labels(&format!("{APP_LABEL}={app}"))
            .limit(MAX_LISTED);
        let listed = match self.bounded(self.secrets().list(&params)).await {
            Ok(listed) => listed,
            // No namespace yet: nothing was ever recorded here.
            Err(Error::NotFound(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut out = Vec::new();
        for secret in listed.items {
            if secret.type_.as_deref() != Some(SECRET_TYPE) {
                continue;
            }
            let name = secret.metadata.name.clone().unwrap_or_default();
            match meta_of(&secret) {
                // A record whose metadata names another application or number than its name
                // and labels is not this one's, whoever wrote it.
                Ok(d)
                    if d.app == app
                        && secret_name(app, d.seq) == name
                        && d.id == super::id(app, d.seq) =>
                {
                    out.push(d)
                }
                Ok(_) => {
                    tracing::warn!(record = %name, "skipping a deployment record that does not match its name")
                }
                Err(e) => tracing::warn!(record = %name, "skipping a deployment record: {e}"),
            }
        }
        out.sort_by_key(|d| std::cmp::Reverse(d.seq));
        Ok(out)
    }

    /// One record's metadata.
    pub async fn get(&self, app: &str, seq: u64) -> Result<Deployment> {
        let name = secret_name(app, seq);
        let secret = self.bounded(self.secrets().get(&name)).await?;
        meta_of(&secret)
    }

    /// Writes `record` as a new deployment of its application: its sequence number is the
    /// next free one, whatever `record.deployment.seq` says. Returns the deployment as stored.
    pub async fn create(&self, record: &Record) -> Result<Deployment> {
        self.ensure_namespace().await?;
        let app = record.deployment.app.clone();
        let (chunks, digest) = match &record.manifests {
            Some(m) => {
                let (chunks, digest) = codec::split(m);
                (chunks, Some(digest))
            }
            None => (Vec::new(), None),
        };
        let newest = self.list(&app).await?.first().map_or(0, |d| d.seq);
        let mut seq = newest.checked_add(1).ok_or_else(|| {
            Error::Cluster(format!(
                "the records of {app} are numbered up to the largest number"
            ))
        })?;
        // Two desks may pick the same number; the API server lets one create it.
        for _ in 0..8 {
            let mut deployment = record.deployment.clone();
            deployment.seq = seq;
            deployment.id = super::id(&app, seq);
            let secret = self.main_secret(&deployment, chunks.first(), chunks.len(), &digest);
            match self
                .bounded(self.secrets().create(&PostParams::default(), &secret))
                .await
            {
                Ok(_) => {
                    let name = secret_name(&app, seq);
                    for (i, chunk) in chunks.iter().enumerate().skip(1) {
                        let part = chunk_secret(&name, i, chunk);
                        if let Err(e) = self
                            .bounded(self.secrets().create(&PostParams::default(), &part))
                            .await
                        {
                            // Nothing was applied yet: a record missing parts must not stay
                            // behind looking like a deployment that ran.
                            for j in 0..i {
                                let part = if j == 0 {
                                    name.clone()
                                } else {
                                    format!("{name}.{j}")
                                };
                                let _ = self
                                    .bounded(self.secrets().delete(&part, &DeleteParams::default()))
                                    .await;
                            }
                            return Err(e);
                        }
                    }
                    return Ok(deployment);
                }
                Err(Error::Cluster(m))
                    if m.contains("AlreadyExists") || m.contains("already exists") =>
                {
                    seq = seq.saturating_add(1);
                }
                Err(e) => return Err(e),
            }
        }
        Err(Error::Cluster(format!(
            "no free sequence number for a record of {app}: another desk keeps taking them"
        )))
    }

    /// Updates a record's metadata (its end), keeping its manifests.
    pub async fn update(&self, deployment: &Deployment) -> Result<()> {
        let name = secret_name(&deployment.app, deployment.seq);
        let patch = json!({
            "metadata": {"labels": {
                KIND_LABEL: deployment.kind.label(),
                RESULT_LABEL: deployment.result.label(),
            }},
            "data": {"meta": ByteString(codec::compress(deployment))},
        });
        self.bounded(
            self.secrets()
                .patch(&name, &PatchParams::default(), &Patch::Merge(&patch)),
        )
        .await?;
        Ok(())
    }

    /// Marks deployment `seq` of `app` as having caused an incident, or clears the mark, and
    /// returns it as stored. Read and written under the Secret's resourceVersion, so a desk
    /// writing the record at the same moment is not overwritten: the change is made again on
    /// what it wrote.
    pub async fn set_incident(&self, app: &str, seq: u64, incident: bool) -> Result<Deployment> {
        let name = secret_name(app, seq);
        for _ in 0..CONFLICT_RETRIES {
            let secret = self.bounded(self.secrets().get(&name)).await?;
            let mut deployment = meta_of(&secret)?;
            if deployment.app != app || deployment.seq != seq {
                return Err(Error::Damaged {
                    name,
                    message: "its metadata names another deployment".into(),
                });
            }
            if deployment.incident == incident {
                return Ok(deployment);
            }
            deployment.incident = incident;
            let patch = json!({
                "metadata": {"resourceVersion": secret.metadata.resource_version},
                "data": {"meta": ByteString(codec::compress(&deployment))},
            });
            match self
                .bounded(self.secrets().patch(
                    &name,
                    &PatchParams::default(),
                    &Patch::Merge(&patch),
                ))
                .await
            {
                Ok(_) => return Ok(deployment),
                Err(Error::Conflict(_)) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(Error::Cluster(format!(
            "the record {name} kept changing while it was being marked; try again"
        )))
    }

    /// The manifests of deployment `seq` of `app`; `None` when dropped for age.
    pub async fn manifests(&self, app: &str, seq: u64) -> Result<Option<Vec<Manifest>>> {
        let name = secret_name(app, seq);
        let main = self.bounded(self.secrets().get(&name)).await?;
        let annotations = main.metadata.annotations.clone().unwrap_or_default();
        let (Some(count), Some(digest)) = (
            annotations.get(CHUNKS_ANNOTATION),
            annotations.get(DIGEST_ANNOTATION),
        ) else {
            return Ok(None);
        };
        let count: usize = count
            .parse()
            .ok()
            .filter(|c| (1..=codec::MAX_CHUNKS).contains(c))
            .ok_or_else(|| Error::Damaged {
                name: name.clone(),
                message: format!(
                    "chunk count '{count}' is not a number from 1 to {}",
                    codec::MAX_CHUNKS
                ),
            })?;
        let first = data(&main, "manifests").ok_or_else(|| Error::Damaged {
            name: name.clone(),
            message: "its manifests are missing".into(),
        })?;
        let mut chunks = vec![first];
        for i in 1..count {
            let part = self
                .bounded(self.secrets().get(&format!("{name}.{i}")))
                .await
                .map_err(|e| match e {
                    Error::NotFound(_) => Error::Damaged {
                        name: name.clone(),
                        message: format!("part {i} of {count} is missing"),
                    },
                    other => other,
                })?;
            chunks.push(data(&part, "chunk").unwrap_or_default());
        }
        codec::join(&name, &chunks, digest).map(Some)
    }

    /// Drops the manifests of all but the newest `keep` records of `app` (their metadata
    /// stays, so they still count in the history). The newest record a rollback would go back
    /// to by default keeps them whatever its age: failed syncs must not cost the last good one.
    pub async fn trim(&self, app: &str, keep: usize) -> Result<()> {
        let all = self.list(app).await?;
        let last_good = all
            .iter()
            .find(|d| d.can_restore() && d.selection.is_empty())
            .map(|d| d.seq);
        for old in all.iter().skip(keep) {
            if !old.has_manifests || Some(old.seq) == last_good {
                continue;
            }
            let name = secret_name(app, old.seq);
            let main = self.bounded(self.secrets().get(&name)).await?;
            let count: usize = main
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(CHUNKS_ANNOTATION))
                .and_then(|c| c.parse().ok())
                .unwrap_or(0)
                .min(codec::MAX_CHUNKS);
            // The metadata as the record holds it now, written back only if nobody wrote it
            // since (an incident mark from another desk must not be undone); a record that
            // changed is trimmed by a later sync.
            let mut meta = meta_of(&main)?;
            meta.has_manifests = false;
            let patch = json!({
                "metadata": {
                    "resourceVersion": main.metadata.resource_version,
                    "annotations": {CHUNKS_ANNOTATION: null, DIGEST_ANNOTATION: null},
                },
                "data": {"manifests": null, "meta": ByteString(codec::compress(&meta))},
            });
            match self
                .bounded(self.secrets().patch(
                    &name,
                    &PatchParams::default(),
                    &Patch::Merge(&patch),
                ))
                .await
            {
                Ok(_) => {}
                Err(Error::Conflict(_)) => continue,
                Err(e) => return Err(e),
            }
            for i in 1..count {
                match self
                    .bounded(
                        self.secrets()
                            .delete(&format!("{name}.{i}"), &DeleteParams::default()),
                    )
                    .await
                {
                    Ok(_) | Err(Error::NotFound(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(())
    }

    pub async fn ensure_namespace(&self) -> Result<()> {
        let namespaces: Api<Namespace> = Api::all(self.client.clone());
        match self.bounded(namespaces.get(&self.namespace)).await {
            Ok(_) => Ok(()),
            Err(Error::NotFound(_)) => {
                let namespace = Namespace {
                    metadata: ObjectMeta {
                        name: Some(self.namespace.clone()),
                        labels: Some([(MANAGED_BY.0.into(), MANAGED_BY.1.into())].into()),
                        ..Default::default()
                    },
                    ..Default::default()
                };
                match self
                    .bounded(namespaces.create(&PostParams::default(), &namespace))
                    .await
                {
                    Ok(_) => Ok(()),
                    Err(Error::Cluster(m))
                        if m.contains("AlreadyExists") || m.contains("already exists") =>
                    {
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            // Reading namespaces may be forbidden where writing Secrets in this one is not.
            Err(Error::Forbidden { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn main_secret(
        &self,
        deployment: &Deployment,
        first: Option<&Vec<u8>>,
        chunks: usize,
        digest: &Option<String>,
    ) -> Secret {
        let mut data =
            BTreeMap::from([("meta".to_string(), ByteString(codec::compress(deployment)))]);
        let mut annotations = BTreeMap::new();
        if let (Some(first), Some(digest)) = (first, digest) {
            data.insert("manifests".into(), ByteString(first.clone()));
            annotations.insert(CHUNKS_ANNOTATION.to_string(), chunks.to_string());
            annotations.insert(DIGEST_ANNOTATION.to_string(), digest.clone());
        }
        Secret {
            metadata: ObjectMeta {
                name: Some(secret_name(&deployment.app, deployment.seq)),
                namespace: Some(self.namespace.clone()),
                labels: Some(BTreeMap::from([
                    (MANAGED_BY.0.to_string(), MANAGED_BY.1.to_string()),
                    (APP_LABEL.to_string(), deployment.app.clone()),
                    (SEQ_LABEL.to_string(), deployment.seq.to_string()),
                    (KIND_LABEL.to_string(), deployment.kind.label().to_string()),
                    (
                        RESULT_LABEL.to_string(),
                        deployment.result.label().to_string(),
                    ),
                ])),
                annotations: Some(annotations),
                ..Default::default()
            },
            type_: Some(SECRET_TYPE.into()),
            data: Some(data),
            ..Default::default()
        }
    }

    /// `call` within [`CALL_TIMEOUT`], its error sorted.
    async fn bounded<T>(
        &self,
        call: impl std::future::Future<Output = kube::Result<T>>,
    ) -> Result<T> {
        match tokio::time::timeout(CALL_TIMEOUT, call).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(self.sorted(e)),
            Err(_) => Err(Error::Cluster(format!(
                "the API server did not answer within {CALL_TIMEOUT:?} about deployment records"
            ))),
        }
    }

    fn sorted(&self, e: kube::Error) -> Error {
        match &e {
            kube::Error::Api(status) if status.code == 403 => Error::Forbidden {
                namespace: self.namespace.clone(),
                message: status.message.clone(),
            },
            kube::Error::Api(status) if status.code == 404 => {
                Error::NotFound(status.message.clone())
            }
            kube::Error::Api(status) if status.code == 409 && status.reason == "Conflict" => {
                Error::Conflict(status.message.clone())
            }
            kube::Error::Api(status) if status.code == 409 => {
                Error::Cluster(format!("AlreadyExists: {}", status.message))
            }
            kube::Error::Api(_) => Error::Cluster(e.to_string()),
            other => Error::Cluster(format!("the cluster could not be asked: {other}")),
        }
    }
}

fn chunk_secret(main: &str, index: usize, chunk: &[u8]) -> Secret {
    Secret {
        metadata: ObjectMeta {
            name: Some(format!("{main}.{index}")),
            labels: Some(BTreeMap::from([
                (MANAGED_BY.0.to_string(), MANAGED_BY.1.to_string()),
                (CHUNK_OF_LABEL.to_string(), main.to_string()),
            ])),
            ..Default::default()
        },
        type_: Some(CHUNK_TYPE.into()),
        data: Some(BTreeMap::from([(
            "chunk".to_string(),
            ByteString(chunk.to_vec()),
        )])),
        ..Default::default()
    }
}

fn data(secret: &Secret, key: &str) -> Option<Vec<u8>> {
    secret.data.as_ref()?.get(key).map(|b| b.0.clone())
}

fn meta_of(secret: &Secret) -> Result<Deployment> {
    let name = secret.metadata.name.clone().unwrap_or_default();
    let bytes = data(secret, "meta").ok_or_else(|| Error::Damaged {
        name: name.clone(),
        message: "it has no metadata".into(),
    })?;
    let mut deployment: Deployment = codec::decompress_meta(&name, &bytes)?;
    let chunks = secret
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key(CHUNKS_ANNOTATION));
    deployment.has_manifests = chunks;
    deployment.place = shipdeck_ipc::deploy::RecordPlace::Cluster;
    Ok(deployment)
}
