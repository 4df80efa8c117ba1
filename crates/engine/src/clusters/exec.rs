//! Exec credential plugins (`users[].user.exec`), run by Shipdeck rather than by kube-rs.
//!
//! kube-rs runs the plugin synchronously inside its auth layer, so a plugin that hangs blocks a
//! runtime worker for good. Here it runs through `tokio::process` in its own process group,
//! with a deadline after which the whole group is killed, and its credential is put into the
//! kubeconfig in memory in place of `exec`. The plugin's arguments, environment and output are
//! secrets as far as Shipdeck knows: they never reach an error, the UI or a log. Only the
//! command's file name and a classified outcome do.

use super::{Error, Result};
use base64::Engine as _;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::config::{AuthInfo, ExecAuthCluster, ExecConfig, ExecInteractiveMode};
use serde::{Deserialize, Serialize};
use shipdeck_ipc::clusters::ConnectionFailure;
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, SystemTime};
use tokio::io::{AsyncRead, ReadBuf};

/// How long a plugin may take, unless the caller says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);
/// More than any credential needs; a plugin printing more is not printing a credential.
const MAX_OUTPUT: usize = 1 << 20;
/// After the plugin exits, how long a child it left behind may keep its output open.
const DRAIN_GRACE: Duration = Duration::from_millis(500);

/// What a plugin gave: a bearer token or a client certificate, and until when.
pub(super) struct ExecCredentials {
    kind: Granted,
    pub expires: Option<SystemTime>,
}

/// No `Debug`: it holds the credential.
enum Granted {
    Token(String),
    Certificate { cert_pem: String, key_pem: String },
}

/// Whether kube-rs would consult `exec` for this user: a token, token file, basic auth or auth
/// provider takes precedence over it.
pub(super) fn needed(auth: &AuthInfo) -> bool {
    auth.exec.is_some()
        && auth.token.is_none()
        && auth.token_file.is_none()
        && auth.auth_provider.is_none()
        && !(auth.username.is_some() && auth.password.is_some())
}

/// Runs the plugin of `auth.exec` (with `cluster` as its cluster information, if it asks for
/// that) and returns what it granted.
pub(super) async fn run(
    exec: &ExecConfig,
    cluster: Option<ExecAuthCluster>,
    context: &str,
    timeout: Duration,
) -> Result<ExecCredentials> {
    let Some(command) = exec.command.as_deref().filter(|c| !c.trim().is_empty()) else {
        return Err(Error::Connect {
            failure: ConnectionFailure::InvalidKubeconfig,
            message: format!(
                "cluster '{context}': the kubeconfig's exec credential plugin has no command; \
                 fix the kubeconfig"
            ),
        });
    };
    let fail = Failure {
        context,
        name: plugin_name(command),
        install_hint: exec.install_hint.as_deref(),
    };
    if exec.interactive_mode == Some(ExecInteractiveMode::Always) {
        return Err(fail.needs_terminal());
    }

    let mut cmd = tokio::process::Command::new(command);
    cmd.args(exec.args.iter().flatten())
        .envs(
            exec.env
                .iter()
                .flatten()
                .filter_map(|pair| Some((pair.get("name")?.as_str(), pair.get("value")?.as_str()))),
        )
        .env("KUBERNETES_EXEC_INFO", exec_info(exec, cluster))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        // Never read: whatever a plugin says there may be a secret.
        .stderr(Stdio::null())
        .kill_on_drop(true);
    for name in exec.drop_env.iter().flatten() {
        cmd.env_remove(name);
    }
    #[cfg(unix)]
    cmd.process_group(0);

    let child = cmd.spawn().map_err(|e| fail.spawn(&e))?;
    let (status, stdout) = wait(child, timeout)
        .await
        .map_err(|outcome| match outcome {
            Abort::TimedOut => fail.timed_out(timeout),
            Abort::TooMuchOutput => fail.no_credential(),
        })?;
    if !status.success() {
        return Err(fail.exited(status));
    }
    parse(&stdout).ok_or_else(|| fail.no_credential())
}

impl ExecCredentials {
    /// Puts the credential into `auth` in place of `exec`, so kube-rs never runs the plugin.
    pub(super) fn apply(self, auth: &mut AuthInfo) {
        auth.exec = None;
        match self.kind {
            Granted::Token(token) => auth.token = Some(token.into()),
            Granted::Certificate { cert_pem, key_pem } => {
                let b64 = base64::engine::general_purpose::STANDARD;
                auth.client_certificate_data = Some(b64.encode(cert_pem));
                auth.client_certificate = None;
                auth.client_key_data = Some(b64.encode(key_pem).into());
                auth.client_key = None;
            }
        }
    }
}

/// The `ExecCredential` handed to the plugin in `KUBERNETES_EXEC_INFO`. Shipdeck never gives
/// a plugin a terminal.
fn exec_info(exec: &ExecConfig, cluster: Option<ExecAuthCluster>) -> String {
    #[derive(Serialize)]
    struct Info {
        #[serde(rename = "apiVersion")]
        api_version: String,
        kind: &'static str,
        spec: Spec,
    }
    #[derive(Serialize)]
    struct Spec {
        interactive: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        cluster: Option<ExecAuthCluster>,
    }
    let info = Info {
        api_version: exec
            .api_version
            .clone()
            .unwrap_or_else(|| "client.authentication.k8s.io/v1".into()),
        kind: "ExecCredential",
        spec: Spec {
            interactive: false,
            cluster: if exec.provide_cluster_info {
                cluster
            } else {
                None
            },
        },
    };
    serde_json::to_string(&info).unwrap_or_default()
}

enum Abort {
    TimedOut,
    TooMuchOutput,
}

/// Waits for the plugin and reads its output, both within `timeout`. On the deadline the
/// plugin's whole process group is killed: a shell script's `sleep` would outlive the script.
async fn wait(
    mut child: tokio::process::Child,
    timeout: Duration,
) -> Result<(ExitStatus, Vec<u8>), Abort> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut stdout = child.stdout.take();
    let mut output = Vec::new();
    let mut chunk = vec![0u8; 16 * 1024];
    let status = loop {
        tokio::select! {
            status = child.wait() => match status {
                Ok(status) => break status,
                Err(_) => {
                    kill(&mut child).await;
                    return Err(Abort::TimedOut);
                }
            },
            read = read_some(&mut stdout, &mut chunk) => {
                if !keep(&mut output, &chunk, read) {
                    kill(&mut child).await;
                    return Err(Abort::TooMuchOutput);
                }
            },
            () = tokio::time::sleep_until(deadline) => {
                kill(&mut child).await;
                return Err(Abort::TimedOut);
            }
        }
    };
    // The plugin is done; what it printed is in the pipe. A child it left running may hold the
    // pipe open, so read what is there without waiting for that child to finish.
    let drain = async {
        while stdout.is_some() {
            let read = read_some(&mut stdout, &mut chunk).await;
            if !keep(&mut output, &chunk, read) {
                return Err(Abort::TooMuchOutput);
            }
        }
        Ok(())
    };
    match tokio::time::timeout(DRAIN_GRACE.min(timeout), drain).await {
        Ok(Err(abort)) => Err(abort),
        Ok(Ok(())) | Err(_) => Ok((status, output)),
    }
}

/// Reads into `chunk`; a closed or failed pipe becomes `None` so the caller stops reading.
async fn read_some(
    stdout: &mut Option<tokio::process::ChildStdout>,
    chunk: &mut [u8],
) -> Option<usize> {
    let Some(pipe) = stdout.as_mut() else {
        return std::future::pending().await;
    };
    // `AsyncReadExt::read` without tokio's `io-util` feature.
    let mut buf = ReadBuf::new(chunk);
    let read = std::future::poll_fn(|cx| std::pin::Pin::new(&mut *pipe).poll_read(cx, &mut buf))
        .await
        .map(|()| buf.filled().len());
    match read {
        Ok(0) | Err(_) => {
            *stdout = None;
            None
        }
        Ok(n) => Some(n),
    }
}

/// Appends what was read; `false` once the output passes the cap.
fn keep(output: &mut Vec<u8>, chunk: &[u8], read: Option<usize>) -> bool {
    if let Some(n) = read {
        output.extend_from_slice(&chunk[..n]);
    }
    output.len() <= MAX_OUTPUT
}

async fn kill(child: &mut tokio::process::Child) {
    #[cfg(unix)]
    if let Some(pid) = child
        .id()
        .and_then(|id| i32::try_from(id).ok())
        .and_then(rustix::process::Pid::from_raw)
    {
        // The child leads its own group (`process_group(0)`), so its pid names the group.
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
    let _ = child.kill().await;
}

/// The plugin's answer. Anything that is not a usable credential is `None`; the reason is not
/// kept, since a parser's message can quote the input.
fn parse(stdout: &[u8]) -> Option<ExecCredentials> {
    #[derive(Deserialize)]
    struct Credential {
        status: Option<Status>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Status {
        token: Option<String>,
        client_certificate_data: Option<String>,
        client_key_data: Option<String>,
        expiration_timestamp: Option<Time>,
    }
    let status = serde_json::from_slice::<Credential>(stdout).ok()?.status?;
    let kind = match (
        status.client_certificate_data,
        status.client_key_data,
        status.token,
    ) {
        (Some(cert_pem), Some(key_pem), _) if !cert_pem.is_empty() && !key_pem.is_empty() => {
            Granted::Certificate { cert_pem, key_pem }
        }
        (_, _, Some(token)) if !token.trim().is_empty() => Granted::Token(token.trim().into()),
        _ => return None,
    };
    Some(ExecCredentials {
        kind,
        expires: status.expiration_timestamp.map(|t| SystemTime::from(t.0)),
    })
}

/// `/usr/local/bin/aws` → `aws`: the one thing about a plugin a message may show.
fn plugin_name(command: &str) -> String {
    std::path::Path::new(command)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "?".into())
}

/// Builds the classified errors; each names the context and the plugin's file name only.
struct Failure<'a> {
    context: &'a str,
    name: String,
    /// The kubeconfig's own advice for a missing plugin, written for users to read.
    install_hint: Option<&'a str>,
}

impl Failure<'_> {
    fn error(&self, failure: ConnectionFailure, what: String) -> Error {
        Error::Connect {
            failure,
            message: format!(
                "cluster '{}': the exec plugin `{}` {what}",
                self.context, self.name
            ),
        }
    }

    fn spawn(&self, err: &std::io::Error) -> Error {
        match err.kind() {
            std::io::ErrorKind::NotFound => self.error(
                ConnectionFailure::ExecPluginMissing,
                match self.install_hint.map(str::trim).filter(|h| !h.is_empty()) {
                    Some(hint) => format!(
                        "is not installed or not on PATH; install it ({})",
                        hint.chars().take(300).collect::<String>()
                    ),
                    None => "is not installed or not on PATH; install it, or fix the command \
                             in the kubeconfig"
                        .into(),
                },
            ),
            std::io::ErrorKind::PermissionDenied => self.error(
                ConnectionFailure::ExecPluginMissing,
                "cannot be run (permission denied); make it executable".into(),
            ),
            _ => self.error(
                ConnectionFailure::Other,
                "could not be started; check that it runs in a terminal".into(),
            ),
        }
    }

    fn timed_out(&self, timeout: Duration) -> Error {
        self.error(
            ConnectionFailure::Other,
            format!(
                "timed out after {} s and was stopped; check that it runs in a terminal \
                 without asking for input (log in there first if it needs a login)",
                timeout.as_secs()
            ),
        )
    }

    fn exited(&self, status: ExitStatus) -> Error {
        let how = match status.code() {
            Some(code) => format!("exited with status {code}"),
            None => "was stopped by a signal".into(),
        };
        self.error(
            ConnectionFailure::Other,
            format!("{how}; run it in a terminal to see why (often an expired login)"),
        )
    }

    fn no_credential(&self) -> Error {
        self.error(
            ConnectionFailure::Other,
            "printed no valid credential (an ExecCredential with a token, or a client \
             certificate and key); check the plugin and its version"
                .into(),
        )
    }

    fn needs_terminal(&self) -> Error {
        self.error(
            ConnectionFailure::Other,
            "needs a terminal (interactiveMode: Always), which Shipdeck cannot give it; log in \
             with it in a terminal first, or set interactiveMode to IfAvailable"
                .into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_or_a_certificate_is_a_credential() {
        let token = parse(
            br#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
                "status":{"token":"abc","expirationTimestamp":"2030-01-02T03:04:05Z"}}"#,
        )
        .unwrap();
        assert!(matches!(&token.kind, Granted::Token(t) if t == "abc"));
        let expected = SystemTime::UNIX_EPOCH + Duration::from_secs(1_893_553_445);
        assert_eq!(token.expires, Some(expected));

        let cert = parse(
            br#"{"status":{"clientCertificateData":"-----BEGIN CERTIFICATE-----",
                "clientKeyData":"-----BEGIN PRIVATE KEY-----"}}"#,
        )
        .unwrap();
        assert!(matches!(cert.kind, Granted::Certificate { .. }));
        assert_eq!(cert.expires, None);
    }

    #[test]
    fn anything_else_is_no_credential() {
        for out in [
            &b""[..],
            b"not json",
            br#"{"status":{}}"#,
            br#"{"status":{"token":"  "}}"#,
            br#"{"status":{"clientCertificateData":"x"}}"#,
            br#"{"status":{"token":"a","expirationTimestamp":"tomorrow"}}"#,
            br#"{"kind":"ExecCredential"}"#,
        ] {
            assert!(parse(out).is_none(), "{}", String::from_utf8_lossy(out));
        }
    }

    #[test]
    fn only_the_file_name_of_the_command_is_shown() {
        assert_eq!(plugin_name("/opt/secret-dir/bin/aws"), "aws");
        assert_eq!(
            plugin_name("gke-gcloud-auth-plugin"),
            "gke-gcloud-auth-plugin"
        );
    }

    #[test]
    fn exec_runs_only_where_kube_would_use_it() {
        let exec = ExecConfig {
            command: Some("plugin".into()),
            ..ExecConfig::default()
        };
        let mut auth = AuthInfo {
            exec: Some(exec),
            ..AuthInfo::default()
        };
        assert!(needed(&auth));
        auth.token = Some("t".to_string().into());
        assert!(!needed(&auth), "a token takes precedence over exec");
    }
}
