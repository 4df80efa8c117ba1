//! Clone, fetch, resolve and poll against real servers on loopback: `git daemon`, `git
//! http-backend` behind lighttpd with basic auth, `sshd` with keys, and a local path.

mod support;

use shipdeck_engine::Secret;
use shipdeck_engine::git::{
    Auth, CancelToken, ErrorKind, HostVerification, Mirror, PollConfig, PollEvent, Poller,
    Progress, RemoteState, Revision, Source,
};
use shipdeck_testkit::git_http::HttpGit;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::daemon::GitDaemon;
use support::fixture::{Origin, REPO};
use support::ssh::{ClientKey, KeyType, SshServer, keygen};
use support::stub::HttpStub;
use tempfile::TempDir;
use tokio::sync::mpsc;

const USER: &str = "alice";
const PASSWORD: &str = "correct-horse-battery";
const TOKEN: &str = "tok_3xampl3";

fn source(url: &str, revision: Revision, path: &str, auth: Auth) -> Source {
    Source::parse(url, revision, path, auth).expect("valid source")
}

fn clone(dir: &Path, source: &Source) -> Result<Mirror, shipdeck_engine::git::Error> {
    Mirror::clone(dir, source, &CancelToken::new(), &mut |_| {})
}

fn ssh_auth(key: &ClientKey) -> Auth {
    Auth::SshKey {
        private_key: key.private.clone(),
        passphrase: key.passphrase.as_deref().map(Secret::new),
    }
}

/// Clones the branch, the annotated tag and the first commit's SHA with `auth`, and checks the
/// resolved commit, its metadata and the files under `apps/web`.
fn assert_resolves_all_revisions(
    origin: &Origin,
    url: &str,
    auth: Auth,
    verification: HostVerification,
) {
    let cache = TempDir::new().unwrap();
    let cases = [
        (Revision::branch("main").unwrap(), &origin.second),
        (Revision::tag("v1").unwrap(), &origin.first),
        (Revision::commit(&origin.first).unwrap(), &origin.first),
        (
            Revision::commit(&origin.first[..10]).unwrap(),
            &origin.first,
        ),
    ];
    for (i, (revision, expected)) in cases.into_iter().enumerate() {
        let src =
            source(url, revision.clone(), "apps/web", auth.clone()).host_verification(verification);
        let dir = cache.path().join(format!("r{i}"));
        let mirror =
            clone(&dir, &src).unwrap_or_else(|e| panic!("cloning {revision} from {url}: {e}"));
        let snapshot = mirror.resolve(&src).unwrap();
        assert_eq!(&snapshot.commit.sha, expected, "{revision}");
        assert_eq!(snapshot.commit.author, "Ada Lovelace");
        assert_eq!(snapshot.commit.author_email, "ada@example.com");
        assert!(snapshot.commit.commit_time > 0);
        let files: Vec<String> = mirror
            .list_files(&snapshot)
            .unwrap()
            .into_iter()
            .map(|f| f.path)
            .collect();
        if *expected == origin.first {
            assert_eq!(snapshot.commit.summary, "add web deployment");
            assert!(snapshot.commit.parents.is_empty());
            assert_eq!(files, ["deployment.yaml"]);
        } else {
            assert_eq!(snapshot.commit.summary, "add web service");
            assert_eq!(snapshot.commit.parents, [origin.first.as_str()]);
            assert_eq!(files, ["deployment.yaml", "hooks/run.sh", "service.yaml"]);
        }
        assert_eq!(
            mirror.read_file(&snapshot, "deployment.yaml").unwrap(),
            b"kind: Deployment\n"
        );
    }
}

// ---- transports --------------------------------------------------------------------------

#[test]
fn git_daemon_clone_resolves_branch_tag_and_commit() {
    let origin = Origin::new();
    let daemon = GitDaemon::start(&origin.repos());
    assert_resolves_all_revisions(
        &origin,
        &daemon.url(REPO),
        Auth::None,
        HostVerification::Verify,
    );
}

#[test]
fn http_basic_auth_clone_with_password_and_token() {
    let origin = Origin::new();
    let http = HttpGit::start(
        &origin.repos(),
        &[
            (USER, PASSWORD),
            (shipdeck_engine::git::DEFAULT_TOKEN_USERNAME, TOKEN),
        ],
    );
    let url = http.url(REPO);
    let password = Auth::UserPassword {
        username: USER.into(),
        password: Secret::new(PASSWORD),
    };
    assert_resolves_all_revisions(&origin, &url, password, HostVerification::Verify);
    assert_resolves_all_revisions(
        &origin,
        &url,
        Auth::token(Secret::new(TOKEN)),
        HostVerification::Verify,
    );
}

#[test]
fn ssh_clone_with_keys_with_and_without_passphrase() {
    let origin = Origin::new();
    let keys_dir = TempDir::new().unwrap();
    let keys = [
        keygen(keys_dir.path(), "rsa_pem", KeyType::RsaPem, None),
        keygen(
            keys_dir.path(),
            "rsa_pem_pass",
            KeyType::RsaPem,
            Some("open sesame"),
        ),
        keygen(
            keys_dir.path(),
            "ed25519_pass",
            KeyType::Ed25519,
            Some("open sesame"),
        ),
        keygen(keys_dir.path(), "ecdsa", KeyType::Ecdsa, None),
    ];
    let sshd = SshServer::start(&keys.iter().collect::<Vec<_>>());
    let url = sshd.url(&origin.bare());
    for key in &keys {
        assert_resolves_all_revisions(
            &origin,
            &url,
            ssh_auth(key),
            HostVerification::InsecureAcceptAny,
        );
    }
}

#[test]
fn local_path_clone_resolves_branch_tag_and_commit() {
    let origin = Origin::new();
    let url = origin.bare().display().to_string();
    assert_resolves_all_revisions(&origin, &url, Auth::None, HostVerification::Verify);
    let file_url = format!("file://{url}");
    assert_resolves_all_revisions(&origin, &file_url, Auth::None, HostVerification::Verify);
}

#[test]
fn clone_reports_progress() {
    let origin = Origin::new();
    origin.push_bulk(50, 4096);
    let daemon = GitDaemon::start(&origin.repos());
    let cache = TempDir::new().unwrap();
    let src = source(
        &daemon.url(REPO),
        Revision::branch("main").unwrap(),
        "",
        Auth::None,
    );
    let mut seen: Vec<Progress> = Vec::new();
    Mirror::clone(
        &cache.path().join("m"),
        &src,
        &CancelToken::new(),
        &mut |p| seen.push(*p),
    )
    .unwrap();
    let last = seen.last().expect("progress was reported");
    assert!(last.total_objects > 50, "{last:?}");
    assert_eq!(last.received_objects, last.total_objects);
    assert_eq!(last.indexed_objects, last.total_objects);
    assert!(last.received_bytes > 50 * 4096, "{last:?}");
    assert!(
        seen.windows(2)
            .all(|w| w[0].received_objects <= w[1].received_objects)
    );
}

// ---- failures ------------------------------------------------------------------------------

#[test]
fn wrong_http_credentials_are_auth_failed_and_never_shown() {
    let origin = Origin::new();
    let http = HttpGit::start(&origin.repos(), &[(USER, PASSWORD)]);
    let cache = TempDir::new().unwrap();
    let wrong = Auth::UserPassword {
        username: USER.into(),
        password: Secret::new("wrong-password-123"),
    };
    let cases = [
        ("wrong password", wrong),
        ("wrong token", Auth::token(Secret::new("wrong-token-456"))),
        ("no credentials", Auth::None),
    ];
    for (i, (case, auth)) in cases.into_iter().enumerate() {
        let src = source(&http.url(REPO), Revision::branch("main").unwrap(), "", auth);
        let dir = cache.path().join(format!("c{i}"));
        let err = clone(&dir, &src)
            .err()
            .unwrap_or_else(|| panic!("{case}: clone succeeded"));
        assert_eq!(err.kind(), ErrorKind::AuthFailed, "{case}: {err}");
        eprintln!("{case}: {err}");
        let shown = format!("{err} {err:?}");
        assert!(
            !shown.contains("wrong-password-123") && !shown.contains("wrong-token-456"),
            "{shown}"
        );
        assert!(
            !dir.exists(),
            "{case}: a failed clone left {}",
            dir.display()
        );
        // The remote check fails the same way, after one attempt rather than looping.
        let mirror_dir = cache.path().join(format!("ok{i}"));
        let good = source(
            &http.url(REPO),
            Revision::branch("main").unwrap(),
            "",
            Auth::UserPassword {
                username: USER.into(),
                password: Secret::new(PASSWORD),
            },
        );
        let mirror = clone(&mirror_dir, &good).unwrap();
        let err = mirror.check_remote(&src, &CancelToken::new()).unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::AuthFailed,
            "{case} (ls-remote): {err}"
        );
    }
    // One refused request per attempt in the server log: libgit2 did not retry in a loop.
    let refused = http.error_log().matches("password doesn't match").count();
    assert!(
        refused <= 4,
        "credentials were retried {refused} times:\n{}",
        http.error_log()
    );
}

#[test]
fn wrong_ssh_key_or_passphrase_is_auth_failed() {
    let origin = Origin::new();
    let keys_dir = TempDir::new().unwrap();
    let authorized = keygen(
        keys_dir.path(),
        "authorized",
        KeyType::RsaPem,
        Some("right phrase"),
    );
    let stranger = keygen(keys_dir.path(), "stranger", KeyType::RsaPem, None);
    let sshd = SshServer::start(&[&authorized]);
    let cache = TempDir::new().unwrap();
    let wrong_phrase = Auth::SshKey {
        private_key: authorized.private.clone(),
        passphrase: Some(Secret::new("wrong phrase 789")),
    };
    let missing_key = Auth::SshKey {
        private_key: keys_dir.path().join("does-not-exist"),
        passphrase: None,
    };
    let cases = [
        ("key not authorized", ssh_auth(&stranger)),
        ("wrong passphrase", wrong_phrase),
        ("key file missing", missing_key),
        ("no credentials", Auth::None),
    ];
    for (i, (case, auth)) in cases.into_iter().enumerate() {
        let src = source(
            &sshd.url(&origin.bare()),
            Revision::branch("main").unwrap(),
            "",
            auth,
        )
        .host_verification(HostVerification::InsecureAcceptAny);
        let dir = cache.path().join(format!("c{i}"));
        let err = clone(&dir, &src)
            .err()
            .unwrap_or_else(|| panic!("{case}: clone succeeded"));
        assert_eq!(
            err.kind(),
            ErrorKind::AuthFailed,
            "{case}: {err}\n{}",
            sshd.log()
        );
        eprintln!("{case}: {err}");
        assert!(!format!("{err} {err:?}").contains("wrong phrase 789"));
        assert!(!dir.exists());
    }
}

#[test]
fn unknown_ssh_host_key_is_refused_by_default() {
    let origin = Origin::new();
    let keys_dir = TempDir::new().unwrap();
    let key = keygen(keys_dir.path(), "k", KeyType::RsaPem, None);
    let sshd = SshServer::start(&[&key]);
    let cache = TempDir::new().unwrap();
    // The host key was generated for this test, so no known_hosts file can list it.
    let src = source(
        &sshd.url(&origin.bare()),
        Revision::branch("main").unwrap(),
        "",
        ssh_auth(&key),
    );
    let err = clone(&cache.path().join("m"), &src).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Untrusted, "{err}");
    eprintln!("{err}");
    assert!(err.to_string().contains("known_hosts"), "{err}");
}

#[test]
fn missing_path_is_path_missing() {
    let origin = Origin::new();
    let daemon = GitDaemon::start(&origin.repos());
    let cache = TempDir::new().unwrap();
    let src = source(
        &daemon.url(REPO),
        Revision::tag("v1").unwrap(),
        "apps/web/hooks",
        Auth::None,
    );
    let mirror = clone(&cache.path().join("m"), &src).unwrap();
    let err = mirror.resolve(&src).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PathMissing, "{err}");
    eprintln!("{err}");
    assert!(err.to_string().contains("apps/web/hooks"), "{err}");
    assert!(err.to_string().contains(&origin.first[..7]), "{err}");
    // The same path exists on the branch.
    let on_branch = source(
        &daemon.url(REPO),
        Revision::branch("main").unwrap(),
        "apps/web/hooks",
        Auth::None,
    );
    let mirror = clone(&cache.path().join("b"), &on_branch).unwrap();
    assert!(mirror.resolve(&on_branch).is_ok());
}

#[test]
fn missing_repository_branch_or_commit_is_not_found() {
    let origin = Origin::new();
    let daemon = GitDaemon::start(&origin.repos());
    let http = HttpGit::start(&origin.repos(), &[(USER, PASSWORD)]);
    let http_auth = Auth::UserPassword {
        username: USER.into(),
        password: Secret::new(PASSWORD),
    };
    let local_missing = origin.repos().join("nope.git").display().to_string();
    let main = || Revision::branch("main").unwrap();
    let cases = [
        (
            "daemon: no repo",
            source(&daemon.url("nope.git"), main(), "", Auth::None),
        ),
        (
            "http: no repo",
            source(&http.url("nope.git"), main(), "", http_auth.clone()),
        ),
        (
            "local: no repo",
            source(&local_missing, main(), "", Auth::None),
        ),
        (
            "daemon: no branch",
            source(
                &daemon.url(REPO),
                Revision::branch("nope").unwrap(),
                "",
                Auth::None,
            ),
        ),
        (
            "http: no tag",
            source(
                &http.url(REPO),
                Revision::tag("v9").unwrap(),
                "",
                http_auth.clone(),
            ),
        ),
        (
            "daemon: no commit",
            source(
                &daemon.url(REPO),
                Revision::commit("deadbeefdeadbeef").unwrap(),
                "",
                Auth::None,
            ),
        ),
    ];
    let cache = TempDir::new().unwrap();
    for (i, (case, src)) in cases.into_iter().enumerate() {
        let dir = cache.path().join(format!("c{i}"));
        let result = clone(&dir, &src).and_then(|m| m.resolve(&src));
        let err = result.err().unwrap_or_else(|| panic!("{case}: succeeded"));
        assert_eq!(err.kind(), ErrorKind::NotFound, "{case}: {err}");
        eprintln!("{case}: {err}");
    }
}

#[test]
fn closed_port_is_unreachable() {
    let port = shipdeck_testkit::free_port();
    let cache = TempDir::new().unwrap();
    let urls = [
        format!("git://127.0.0.1:{port}/{REPO}"),
        format!("http://127.0.0.1:{port}/git/{REPO}"),
        format!("ssh://root@127.0.0.1:{port}/srv/{REPO}"),
    ];
    for (i, url) in urls.iter().enumerate() {
        let src = source(url, Revision::branch("main").unwrap(), "", Auth::None);
        let dir = cache.path().join(format!("c{i}"));
        let err = clone(&dir, &src).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unreachable, "{url}: {err}");
        eprintln!("{err}");
        assert!(err.is_transient());
        assert!(!dir.exists());
    }
}

#[test]
fn cancelled_clone_leaves_no_directory() {
    let origin = Origin::new();
    origin.push_bulk(200, 16 * 1024);
    let daemon = GitDaemon::start(&origin.repos());
    let cache = TempDir::new().unwrap();
    let dir = cache.path().join("m");
    let src = source(
        &daemon.url(REPO),
        Revision::branch("main").unwrap(),
        "",
        Auth::None,
    );
    let cancel = CancelToken::new();
    let mut cancelled_at = None;
    let err = Mirror::clone(&dir, &src, &cancel, &mut |p| {
        // Cancel from the progress callback mid-transfer: deterministic, no timing involved.
        if p.received_objects > 0 && p.received_objects < p.total_objects && cancelled_at.is_none()
        {
            cancelled_at = Some(*p);
            cancel.cancel();
        }
    })
    .expect_err("the clone was cancelled");
    let at = cancelled_at.expect("the transfer reported progress before completing");
    assert_eq!(
        err.kind(),
        ErrorKind::Cancelled,
        "{err} (cancelled at {at:?})"
    );
    let left: Vec<PathBuf> = std::fs::read_dir(cache.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(left.is_empty(), "a cancelled clone left {left:?}");

    // Cancelled before starting: nothing happens at all.
    let err = Mirror::clone(&dir, &src, &cancel, &mut |_| {}).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled);
    assert!(!dir.exists());
}

// ---- change detection ----------------------------------------------------------------------

#[test]
fn ls_remote_skips_the_fetch_when_nothing_moved() {
    let origin = Origin::new();
    let daemon = GitDaemon::start(&origin.repos());
    let cache = TempDir::new().unwrap();
    let src = source(
        &daemon.url(REPO),
        Revision::branch("main").unwrap(),
        "apps/web",
        Auth::None,
    );
    let mirror = clone(&cache.path().join("m"), &src).unwrap();
    let cancel = CancelToken::new();

    assert_eq!(
        mirror.check_remote(&src, &cancel).unwrap(),
        RemoteState::Unchanged {
            sha: origin.second.clone()
        }
    );
    let mut transferred = 0;
    let update = mirror
        .update(&src, &cancel, &mut |_| transferred += 1)
        .unwrap();
    assert!(!update.fetched);
    assert_eq!(
        transferred, 0,
        "nothing may be downloaded when nothing moved"
    );
    assert_eq!(update.snapshot.commit.sha, origin.second);

    let third = origin.push_change("apps/web/configmap.yaml", "kind: ConfigMap\n", "add config");
    assert_eq!(
        mirror.check_remote(&src, &cancel).unwrap(),
        RemoteState::Moved {
            cached: Some(origin.second.clone()),
            remote: third.clone()
        }
    );
    let update = mirror.update(&src, &cancel, &mut |_| {}).unwrap();
    assert!(update.fetched);
    assert_eq!(update.snapshot.commit.sha, third);
    assert_eq!(update.snapshot.commit.parents, [origin.second.as_str()]);

    // A pinned commit never asks the remote.
    let pinned = source(
        &daemon.url(REPO),
        Revision::commit(&origin.first).unwrap(),
        "",
        Auth::None,
    );
    assert_eq!(
        mirror.check_remote(&pinned, &cancel).unwrap(),
        RemoteState::Pinned
    );
}

#[test]
fn export_writes_the_subtree_atomically() {
    let origin = Origin::new();
    let src = source(
        &origin.bare().display().to_string(),
        Revision::branch("main").unwrap(),
        "apps/web",
        Auth::None,
    );
    let cache = TempDir::new().unwrap();
    let mirror = clone(&cache.path().join("m"), &src).unwrap();
    let snapshot = mirror.resolve(&src).unwrap();
    let out = cache.path().join("out").join("web");
    mirror.export(&snapshot, &out).unwrap();
    assert_eq!(
        std::fs::read_to_string(out.join("service.yaml")).unwrap(),
        "kind: Service\n"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(out.join("hooks/run.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o111, 0o111, "the executable bit is kept");
    }
    assert!(!out.join("../../README.md").exists());
    let siblings: Vec<_> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(siblings, ["web"]);
    assert_eq!(
        mirror.export(&snapshot, &out).unwrap_err().kind(),
        ErrorKind::Write
    );

    // A single tracked file.
    let file_src = source(
        &origin.bare().display().to_string(),
        Revision::branch("main").unwrap(),
        "apps/web/service.yaml",
        Auth::None,
    );
    let file = mirror.resolve(&file_src).unwrap();
    assert!(!file.is_dir());
    assert_eq!(
        mirror.read_file(&file, "service.yaml").unwrap(),
        b"kind: Service\n"
    );
    assert_eq!(
        mirror
            .read_file(&snapshot, "../../README.md")
            .unwrap_err()
            .kind(),
        ErrorKind::PathMissing
    );
}

#[test]
fn path_commit_is_the_last_commit_that_touched_the_path() {
    let origin = Origin::new();
    let docs = origin.push_change("README.md", "# app v2\n", "docs");
    let url = origin.bare().display().to_string();
    let main = || Revision::branch("main").unwrap();
    let cache = TempDir::new().unwrap();
    let web = source(&url, main(), "apps/web", Auth::None);
    let mirror = clone(&cache.path().join("m"), &web).unwrap();

    let snapshot = mirror.resolve(&web).unwrap();
    assert_eq!(
        snapshot.commit.sha, docs,
        "the branch points at the docs commit"
    );
    assert_eq!(snapshot.path_commit.sha, origin.second);
    assert_eq!(snapshot.path_commit.summary, "add web service");
    let path_commit = |path: &str, revision: Revision| {
        let src = source(&url, revision, path, Auth::None);
        mirror.resolve(&src).unwrap().path_commit.sha
    };
    // A file added by the root commit and never changed since.
    assert_eq!(
        path_commit("apps/web/deployment.yaml", main()),
        origin.first
    );
    assert_eq!(path_commit("README.md", main()), docs);
    assert_eq!(
        path_commit("", main()),
        docs,
        "the root changes with every commit"
    );
    let tag = source(&url, Revision::tag("v1").unwrap(), "apps/web", Auth::None);
    let tagged = clone(&cache.path().join("tag"), &tag).unwrap();
    assert_eq!(tagged.resolve(&tag).unwrap().path_commit.sha, origin.first);

    // Later rounds walk from the last answer: a push to the path moves it, one elsewhere not.
    let config = origin.push_change("apps/web/configmap.yaml", "kind: ConfigMap\n", "config");
    let more_docs = origin.push_change("README.md", "# app v3\n", "more docs");
    let update = mirror
        .update(&web, &CancelToken::new(), &mut |_| {})
        .unwrap();
    assert_eq!(update.snapshot.commit.sha, more_docs);
    assert_eq!(update.snapshot.path_commit.sha, config);
    // The same answer from a fresh cache, which walks the whole way.
    let fresh = clone(&cache.path().join("fresh"), &web).unwrap();
    assert_eq!(fresh.resolve(&web).unwrap().path_commit.sha, config);
}

// ---- credentials stay with their server ----------------------------------------------------

fn token_auth() -> Auth {
    Auth::token(Secret::new(TOKEN))
}

fn password_auth() -> Auth {
    Auth::UserPassword {
        username: USER.into(),
        password: Secret::new(PASSWORD),
    }
}

#[test]
fn a_redirect_to_another_host_gets_no_credentials() {
    // 127.0.0.2 is another host as far as HTTP goes, and still this machine.
    let elsewhere = HttpStub::start(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)), |_| {
        "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"git\"".into()
    });
    let location = format!(
        "HTTP/1.1 302 Found\r\nLocation: {}",
        elsewhere.url("/stolen.git/info/refs?service=git-upload-pack")
    );
    let redirecting = HttpStub::start(IpAddr::V4(Ipv4Addr::LOCALHOST), {
        let location = location.clone();
        move |_| location.clone()
    });
    // Asks for credentials first and redirects once it has them.
    let redirecting_after_auth = HttpStub::start(IpAddr::V4(Ipv4Addr::LOCALHOST), move |r| {
        if r.header("authorization").is_some() {
            location.clone()
        } else {
            "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"git\"".into()
        }
    });
    let origin = Origin::new();
    let cache = TempDir::new().unwrap();
    let good = source(
        &origin.bare().display().to_string(),
        Revision::branch("main").unwrap(),
        "",
        Auth::None,
    );
    let servers = [
        ("redirect", &redirecting),
        ("redirect after auth", &redirecting_after_auth),
    ];
    for (i, (case, server)) in servers.into_iter().enumerate() {
        for (j, auth) in [token_auth(), password_auth()].into_iter().enumerate() {
            let src = source(
                &server.url("/r.git"),
                Revision::branch("main").unwrap(),
                "",
                auth,
            );
            let err = clone(&cache.path().join(format!("c{i}{j}")), &src).unwrap_err();
            eprintln!("{case}: {err}");
            let leaked = elsewhere
                .requests()
                .into_iter()
                .any(|r| r.header("authorization").is_some());
            assert!(!leaked, "{case}: credentials reached the other host");
            assert_eq!(err.kind(), ErrorKind::Redirected, "{case}: {err}");
            let shown = err.to_string();
            assert!(shown.contains("127.0.0.2"), "{shown}");
            assert!(shown.contains("does not send credentials"), "{shown}");
            assert!(
                !shown.contains(TOKEN) && !shown.contains(PASSWORD),
                "{shown}"
            );

            // The remote check of an existing cache refuses the same way.
            let dir = cache.path().join(format!("m{i}{j}"));
            clone(&dir, &good).unwrap();
            let mirror = Mirror::open(&dir, &src).unwrap();
            let err = mirror.check_remote(&src, &CancelToken::new()).unwrap_err();
            assert_eq!(
                err.kind(),
                ErrorKind::Redirected,
                "{case} (ls-remote): {err}"
            );
        }
    }
    let leaked: Vec<_> = elsewhere
        .requests()
        .into_iter()
        .filter(|r| r.header("authorization").is_some())
        .collect();
    assert!(
        leaked.is_empty(),
        "credentials reached the other host: {leaked:#?}"
    );
    assert!(
        redirecting_after_auth
            .requests()
            .iter()
            .any(|r| r.header("authorization").is_some()),
        "the configured server was asked with credentials (the test exercises the replay)"
    );

    // Without credentials the redirect is followed, as git does; when the other host then
    // asks for credentials, the callback sees its URL and refuses.
    let public = source(
        &redirecting.url("/r.git"),
        Revision::branch("main").unwrap(),
        "",
        Auth::None,
    );
    let before = elsewhere.requests().len();
    let err = clone(&cache.path().join("public"), &public).unwrap_err();
    assert!(
        elsewhere.requests().len() > before,
        "the redirect was not followed"
    );
    assert_eq!(err.kind(), ErrorKind::Redirected, "{err}");
    assert!(err.to_string().contains("127.0.0.2"), "{err}");
}

// ---- polling -------------------------------------------------------------------------------

/// Waits for the first event matching `pred`, at most `within`; panics with what came instead.
async fn wait_for(
    rx: &mut mpsc::Receiver<PollEvent>,
    within: Duration,
    what: &str,
    mut pred: impl FnMut(&PollEvent) -> bool,
) -> PollEvent {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(event)) if pred(&event) => return event,
            Ok(Some(event)) => seen.push(event),
            Ok(None) => panic!("the event channel closed while waiting for {what}; saw {seen:#?}"),
            Err(_) => panic!("no {what} within {within:?}; saw {seen:#?}"),
        }
    }
}

/// Slack on top of one interval for a round to run on a loaded two-core CI machine.
const SLACK: Duration = Duration::from_secs(10);

/// An origin served by git daemon and one poller watching its `main` at `path` as "app".
/// Fields are held for their lifetime: dropping them stops the server and the poller.
struct Watching {
    origin: Origin,
    _daemon: GitDaemon,
    _cache: TempDir,
    poller: Poller,
    rx: mpsc::Receiver<PollEvent>,
}

fn watch_main(path: &str, config: PollConfig) -> Watching {
    let origin = Origin::new();
    let daemon = GitDaemon::start(&origin.repos());
    let cache = TempDir::new().unwrap();
    let src = source(
        &daemon.url(REPO),
        Revision::branch("main").unwrap(),
        path,
        Auth::None,
    );
    let (tx, rx) = mpsc::channel(64);
    let mut poller = Poller::new(tx);
    poller.watch("app", src, cache.path().join("app"), config);
    Watching {
        origin,
        _daemon: daemon,
        _cache: cache,
        poller,
        rx,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_clone_reports_progress_before_the_revision() {
    let mut app = watch_main("apps/web", PollConfig::default());

    let mut progress = Vec::new();
    let first = wait_for(&mut app.rx, SLACK * 3, "the first revision", |e| {
        if let PollEvent::Progress { progress: p, .. } = e {
            progress.push(*p);
        }
        matches!(e, PollEvent::RevisionChanged { .. })
    })
    .await;
    assert!(matches!(first, PollEvent::RevisionChanged { .. }));
    let last = progress.last().expect("the clone reported no progress");
    assert!(last.total_objects > 0, "{progress:?}");
    assert!(last.received_objects <= last.total_objects, "{progress:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poller_sees_a_push_within_one_interval() {
    let interval = Duration::from_secs(1);
    let mut app = watch_main("apps/web", PollConfig::default().interval(interval));

    let first = wait_for(&mut app.rx, SLACK * 3, "the first revision", |e| {
        matches!(e, PollEvent::RevisionChanged { .. })
    })
    .await;
    let PollEvent::RevisionChanged {
        old,
        new,
        path_changed,
        ..
    } = first
    else {
        unreachable!()
    };
    assert!(old.is_none());
    assert!(path_changed);
    assert_eq!(new.commit.sha, app.origin.second);

    let pushed_at = Instant::now();
    let third =
        app.origin
            .push_change("apps/web/configmap.yaml", "kind: ConfigMap\n", "add config");
    let moved = wait_for(&mut app.rx, interval + SLACK, "the pushed revision", |e| {
        matches!(e, PollEvent::RevisionChanged { .. })
    })
    .await;
    let PollEvent::RevisionChanged {
        repo,
        old,
        new,
        path_changed,
    } = moved
    else {
        unreachable!()
    };
    assert_eq!(repo, "app");
    assert_eq!(old.unwrap().sha, app.origin.second);
    assert_eq!(new.commit.sha, third);
    assert_eq!(new.commit.summary, "add config");
    assert!(path_changed);
    eprintln!("push seen after {:?}", pushed_at.elapsed());

    // A commit outside the tracked path moves the revision but not the files.
    app.origin.push_change("README.md", "# app v2\n", "docs");
    let moved = wait_for(&mut app.rx, interval + SLACK, "the docs commit", |e| {
        matches!(e, PollEvent::RevisionChanged { .. })
    })
    .await;
    assert!(matches!(
        moved,
        PollEvent::RevisionChanged {
            path_changed: false,
            ..
        }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poller_skips_the_fetch_when_nothing_moved() {
    // A long interval: every round after the first is one this test asked for.
    let mut app = watch_main(
        "",
        PollConfig::default().interval(Duration::from_secs(3600)),
    );

    let first = wait_for(&mut app.rx, SLACK * 3, "the first check", |e| {
        matches!(e, PollEvent::Checked { .. })
    })
    .await;
    assert!(
        matches!(first, PollEvent::Checked { fetched: true, .. }),
        "the first round clones"
    );
    for _ in 0..2 {
        assert!(app.poller.poll_now("app"));
        let check = wait_for(&mut app.rx, SLACK, "a check", |e| {
            matches!(e, PollEvent::Checked { .. })
        })
        .await;
        assert!(
            matches!(check, PollEvent::Checked { fetched: false, .. }),
            "{check:?}"
        );
    }
    let third = app.origin.push_change("x.yaml", "a: 1\n", "x");
    assert!(app.poller.poll_now("app"));
    let check = wait_for(&mut app.rx, SLACK, "a check after the push", |e| {
        matches!(e, PollEvent::Checked { .. })
    })
    .await;
    let PollEvent::Checked { fetched, sha, .. } = check else {
        unreachable!()
    };
    assert!(fetched);
    assert_eq!(sha, third);
    assert!(!app.poller.poll_now("unknown"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_repository_backs_off_and_recovers_without_stopping_others() {
    let healthy = Origin::new();
    let flaky = Origin::new();
    let cache = TempDir::new().unwrap();
    let main = || Revision::branch("main").unwrap();
    let healthy_src = source(
        &healthy.bare().display().to_string(),
        main(),
        "",
        Auth::None,
    );
    let flaky_src = source(&flaky.bare().display().to_string(), main(), "", Auth::None);
    let interval = Duration::from_secs(1);
    let config = PollConfig::default()
        .interval(interval)
        .max_backoff(Duration::from_secs(600));
    let (tx, mut rx) = mpsc::channel(64);
    let mut poller = Poller::new(tx);
    poller.watch(
        "healthy",
        healthy_src,
        cache.path().join("healthy"),
        config.clone(),
    );
    poller.watch(
        "flaky",
        flaky_src,
        cache.path().join("flaky"),
        config.clone(),
    );
    for repo in ["healthy", "flaky"] {
        wait_for(&mut rx, SLACK * 3, "the first checks", |e| {
            matches!(e, PollEvent::Checked { .. }) && e.repo() == repo
        })
        .await;
    }

    // Take the flaky origin away: its rounds fail with growing delays.
    let hidden = flaky.dir.path().join("hidden.git");
    std::fs::rename(flaky.bare(), &hidden).unwrap();
    poller.poll_now("flaky");
    let failed = wait_for(&mut rx, SLACK, "a failure", |e| {
        matches!(e, PollEvent::PollFailed { .. })
    })
    .await;
    let PollEvent::PollFailed {
        repo,
        error,
        attempt,
        retry_in,
    } = failed
    else {
        unreachable!()
    };
    assert_eq!((repo.as_str(), attempt), ("flaky", 1));
    assert_eq!(error.kind(), ErrorKind::NotFound, "{error}");
    // Only the user can bring a missing repository back: the longest wait at once, ±20 %.
    let longest = Duration::from_secs(600);
    let jittered = |d: Duration| d >= longest.mul_f64(0.8) && d <= longest.mul_f64(1.2);
    assert!(jittered(retry_in), "{retry_in:?}");
    poller.poll_now("flaky");
    let failed = wait_for(&mut rx, SLACK, "a second failure", |e| {
        matches!(e, PollEvent::PollFailed { .. })
    })
    .await;
    assert!(
        matches!(failed, PollEvent::PollFailed { attempt: 2, retry_in, .. } if jittered(retry_in)),
        "{failed:?}"
    );
    assert_eq!(
        config.backoff(20),
        Duration::from_secs(600),
        "the backoff is capped"
    );

    // Meanwhile the healthy repository still sees its pushes.
    let sha = healthy.push_change("a.yaml", "a: 1\n", "a");
    let moved = wait_for(&mut rx, interval + SLACK, "the healthy push", |e| {
        matches!(e, PollEvent::RevisionChanged { .. }) && e.repo() == "healthy"
    })
    .await;
    assert!(matches!(moved, PollEvent::RevisionChanged { new, .. } if new.commit.sha == sha));

    // Bring the origin back: the next round recovers.
    std::fs::rename(&hidden, flaky.bare()).unwrap();
    poller.poll_now("flaky");
    let recovered = wait_for(&mut rx, SLACK, "recovery", |e| {
        matches!(e, PollEvent::Recovered { .. }) && e.repo() == "flaky"
    })
    .await;
    assert!(
        matches!(recovered, PollEvent::Recovered { after_failures, .. } if after_failures >= 2)
    );

    // Unwatching stops the task: no more events for it.
    assert!(poller.unwatch("flaky"));
    assert!(!poller.is_watching("flaky"));
}
