//! `shipdeck plan` against the local control plane, through the built binary: no drift right
//! after a sync (exit 0), exactly the change made by hand after one (exit 1, in every output),
//! and exit 2 with one line on stderr when there is nothing it can compare.

mod support;

use serde_json::Value;
use shipdeck_ipc::drift::DriftReason;
use shipdeck_testkit::{contexts, kubeconfig, kubectl_ok, with_namespace};
use std::path::Path;
use support::{Home, SilentServer, changes, find, fixture_repo, sync, unreachable_kubeconfig};

/// The default name: the last component of `--path`.
const APP: &str = "web";

fn plan_args<'a>(repo: &'a str, kubeconfig: &'a str, ns: &'a str, output: &'a str) -> Vec<&'a str> {
    vec![
        "plan",
        "--repo",
        repo,
        "--path",
        "apps/web",
        "--context",
        contexts::A,
        "--kubeconfig",
        kubeconfig,
        "--namespace",
        ns,
        "--output",
        output,
    ]
}

#[tokio::test]
async fn plan_is_synced_after_a_sync_and_shows_a_scale_by_hand_as_exactly_that_change() {
    with_namespace(contexts::A, "cli-plan", |client, ns| async move {
        let repo = fixture_repo();
        sync(&client, &repo, "apps/web", &ns, APP).await;
        let (repo, kubeconfig) = (
            repo.display().to_string(),
            kubeconfig().display().to_string(),
        );
        let home = Home::new();
        let plan = |output: &str| home.run(&plan_args(&repo, &kubeconfig, &ns, output));

        // Right after the sync: nothing differs, and every output says so.
        let run = plan("json").expect(0);
        let report = run.report();
        assert!(
            run.drifted().is_empty(),
            "false drift: {:#?}",
            run.drifted()
        );
        let kinds: Vec<&str> = report.resources.iter().map(|r| r.kind.as_str()).collect();
        assert_eq!(kinds, ["ConfigMap", "Secret", "Service", "Deployment"]);
        assert_eq!(report.summary.synced, 4);
        assert!(report.resources.iter().all(|r| r.changes.is_empty()));
        let text = plan("text").expect(0);
        assert!(text.stdout.contains("No drift"), "{text:#?}");
        assert!(text.stderr.is_empty(), "{text:#?}");

        // A scale by hand: exit 1 and exactly that field, owned by kubectl.
        kubectl_ok(
            contexts::A,
            &["-n", &ns, "scale", "deployment/web", "--replicas=5"],
        );
        let run = plan("json").expect(1);
        let report = run.report();
        let web = format!("apps/Deployment/{ns}/web");
        assert_eq!(run.drifted().len(), 1, "{:#?}", run.drifted());
        let found = changes(&report, &web);
        assert_eq!(
            found.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(),
            ["/spec/replicas"]
        );
        let manager = found[0].1.as_deref().unwrap_or("(none)");
        // kubectl v1.34 records `kubectl scale` as manager `kubectl` (subresource `scale`).
        assert_eq!(manager, "kubectl");
        let deployment = find(&report, &web);
        assert_eq!(deployment.reason, Some(DriftReason::Modified));
        assert_eq!(deployment.changes[0].live, Some(Value::from(5)));
        assert_eq!(deployment.changes[0].desired, Some(Value::from(3)));

        // The JSON keeps its documented shape.
        let json: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(json["summary"]["out_of_sync"], 1);
        assert_eq!(json["summary"]["synced"], 3);
        assert_eq!(json["summary"]["unknown"], 0);
        assert_eq!(json["summary"].as_object().map(|s| s.len()), Some(3));
        let r = json["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["kind"] == "Deployment")
            .unwrap();
        for (field, value) in [
            ("group", "apps"),
            ("version", "v1"),
            ("namespace", ns.as_str()),
            ("name", "web"),
            ("status", "OutOfSync"),
            ("reason", "modified"),
        ] {
            assert_eq!(r[field], value, "{field}: {r:#}");
        }
        assert_eq!(r["changes"][0]["path"], "/spec/replicas");
        assert_eq!(r["message"], Value::Null);

        let text = plan("text").expect(1);
        assert!(
            text.stdout.contains(&format!(
                "~ {web} OutOfSync: modified\n    /spec/replicas: 5 → 3 (kubectl)\n"
            )),
            "{text:#?}"
        );
        assert!(
            text.stdout.contains("--- live\n    +++ desired\n"),
            "{text:#?}"
        );

        let markdown = plan("markdown").expect(1);
        for part in [
            "| Synced | OutOfSync | Unknown |",
            "| 3 | 1 | 0 |",
            "| Resource | Status | Changes |",
            "<details>",
            "```diff\n",
            "/spec/replicas: 5 → 3",
        ] {
            assert!(
                markdown.stdout.contains(part),
                "{part}: {}",
                markdown.stdout
            );
        }
        assert_eq!(markdown.stdout.matches("<details>").count(), 1);

        // Secret values never leave, in any output.
        for run in [&run, &text, &markdown] {
            for value in ["cli-fixture-password-1", "Y2xpLWZpeHR1cmUtcGFzc3dvcmQtMQ"] {
                assert!(!run.stdout.contains(value), "a Secret value leaked");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn a_token_from_the_environment_replaces_the_contexts_own() {
    with_namespace(contexts::A, "cli-token", |client, ns| async move {
        let repo = fixture_repo();
        sync(&client, &repo, "apps/web", &ns, APP).await;
        let admin_token = kubectl_ok(
            contexts::A,
            &[
                "config",
                "view",
                "--raw",
                "-o",
                "jsonpath={.users[?(@.name==\"shipdeck-admin\")].user.token}",
            ],
        );
        assert!(!admin_token.trim().is_empty(), "the admin user's token");
        let (repo, kubeconfig) = (
            repo.display().to_string(),
            kubeconfig().display().to_string(),
        );
        let mut args = plan_args(&repo, &kubeconfig, &ns, "json");
        args[6] = contexts::A_NOBODY;

        // The context's own user may read nothing: every resource is Unknown.
        let run = Home::new().run(&args).expect(2);
        let report = run.report();
        assert_eq!(report.summary.unknown, 4, "{report:#?}");
        assert!(run.stderr.contains("could not be compared"), "{run:#?}");
        // Nor could it look for extra objects: each kind and namespace left out is said.
        assert!(!report.incomplete.is_empty(), "{report:#?}");
        for left_out in &report.incomplete {
            assert!(
                run.stderr
                    .contains(&format!("shipdeck: incomplete: {left_out}\n")),
                "{left_out}: {run:#?}"
            );
        }

        let run = Home::new()
            .with("SHIPDECK_TOKEN", admin_token.trim())
            .run(&args)
            .expect(0);
        assert!(run.drifted().is_empty(), "{:#?}", run.drifted());
    })
    .await;
}

#[test]
fn an_unknown_context_exits_2_and_names_the_available_ones() {
    let kubeconfig = kubeconfig().display().to_string();
    let repo = fixture_repo().display().to_string();
    let mut args = plan_args(&repo, &kubeconfig, "default", "json");
    args[6] = "no-such-context";
    let run = Home::new().run(&args).expect(2);
    assert!(run.stdout.is_empty(), "{run:#?}");
    assert!(
        run.stderr.contains("no context named 'no-such-context'")
            && run.stderr.contains("shipdeck-a"),
        "{run:#?}"
    );
}

#[test]
fn an_unreachable_cluster_exits_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = unreachable_kubeconfig(dir.path()).display().to_string();
    let repo = fixture_repo().display().to_string();
    let mut args = plan_args(&repo, &file, "default", "text");
    args[6] = "gone";
    let run = Home::new().run(&args).expect(2);
    assert!(
        run.stderr.contains("nothing answers at the server address"),
        "{run:#?}"
    );
    assert!(!run.stderr.contains("not-a-real-token"), "{run:#?}");
}

#[tokio::test]
async fn files_that_did_not_render_exit_2_after_the_report() {
    with_namespace(contexts::A, "cli-problems", |_client, ns| async move {
        let repo = tempfile::tempdir().unwrap();
        let dir = repo.path().join("apps/half");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("good.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\ndata:\n  a: \"1\"\n",
        )
        .unwrap();
        std::fs::write(dir.join("broken.yaml"), "kind: [ConfigMap\n").unwrap();
        let (repo, kubeconfig) = (
            repo.path().display().to_string(),
            kubeconfig().display().to_string(),
        );
        let mut args = plan_args(&repo, &kubeconfig, &ns, "json");
        args[4] = "apps/half";
        // The ConfigMap alone would be missing from the cluster (exit 1); the file that did
        // not render makes the comparison incomplete.
        let run = Home::new().run(&args).expect(2);
        let report = run.report();
        assert_eq!(report.summary.out_of_sync, 1, "{report:#?}");
        let missing = find(&report, &format!("ConfigMap/{ns}/good"));
        assert_eq!(missing.reason, Some(DriftReason::Missing));
        // What was left out is in the report, and on stderr.
        assert_eq!(report.incomplete.len(), 1, "{report:#?}");
        assert!(report.incomplete[0].contains("broken.yaml"), "{report:#?}");
        assert_eq!(run.stderr.lines().count(), 1, "{run:#?}");
        assert!(
            run.stderr.starts_with("shipdeck: incomplete: ") && run.stderr.contains("broken.yaml"),
            "{run:#?}"
        );
        args[12] = "text";
        let text = Home::new().run(&args).expect(2);
        assert!(
            text.stdout
                .contains("Incomplete: not everything was compared\n    did not render"),
            "{text:#?}"
        );
    })
    .await;
}

#[test]
fn a_token_in_the_repository_url_is_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = unreachable_kubeconfig(dir.path()).display().to_string();
    for repo in [
        "https://user:s3cret-token@127.0.0.1:1/x.git",
        "https://s3cret-token@127.0.0.1:1/x.git",
        "user:s3cret-token@127.0.0.1:x.git",
    ] {
        for revision in [None, Some("main")] {
            let mut args = plan_args(repo, &kubeconfig, "default", "text");
            args[6] = "gone";
            if let Some(revision) = revision {
                args.extend(["--revision", revision]);
            }
            let run = Home::new().run(&args);
            assert!(run.code >= 2, "{run:#?}");
            assert!(
                run.stderr.contains("--repo "),
                "the URL was refused: {run:#?}"
            );
            assert!(
                !run.stdout.contains("s3cret-token") && !run.stderr.contains("s3cret-token"),
                "the token was printed: {run:#?}"
            );
        }
    }
}

#[test]
fn a_git_server_that_never_answers_fails_at_the_git_timeout() {
    let server = SilentServer::start();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = unreachable_kubeconfig(dir.path()).display().to_string();
    let url = format!("https://127.0.0.1:{}/org/shop.git", server.port);
    let mut args = plan_args(&url, &kubeconfig, "default", "text");
    args[6] = "gone";
    args.extend(["--git-timeout", "1s"]);
    let run = Home::new().run(&args).expect(2);
    assert!(
        run.stderr.contains(&format!(
            "cloning or fetching {url} did not finish within 1s (--git-timeout)"
        )),
        "{run:#?}"
    );
    assert!(run.stdout.is_empty(), "{run:#?}");
}

#[test]
fn a_path_without_manifests_exits_2_before_the_cluster() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(repo.path().join("apps/empty")).unwrap();
    std::fs::write(repo.path().join("apps/empty/README.md"), "# Nothing yet\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = unreachable_kubeconfig(dir.path()).display().to_string();
    let repo = repo.path().display().to_string();
    let mut args = plan_args(&repo, &kubeconfig, "default", "json");
    args[4] = "apps/empty";
    args[6] = "gone";
    let run = Home::new().run(&args).expect(2);
    assert!(
        run.stderr
            .contains("--path apps/empty rendered no objects: nothing was compared"),
        "{run:#?}"
    );
    assert!(run.stdout.is_empty(), "no report: {run:#?}");
}

#[test]
fn a_missing_path_exits_2() {
    let kubeconfig = kubeconfig().display().to_string();
    let repo = fixture_repo().display().to_string();
    let mut args = plan_args(&repo, &kubeconfig, "default", "json");
    args[4] = "apps/no-such-app";
    let run = Home::new().run(&args).expect(2);
    assert!(run.stderr.contains("--path apps/no-such-app"), "{run:#?}");

    // Without --path at all: a usage error, also 2.
    let run = Home::new().run(&["plan", "--repo", &repo, "--context", contexts::A]);
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(run.stderr.contains("--path"), "{run:#?}");
}

#[test]
fn every_command_has_help() {
    for command in [
        vec!["--help"],
        vec!["plan", "--help"],
        vec!["diff", "--help"],
        vec!["apps", "--help"],
    ] {
        let run = Home::new().run(&command).expect(0);
        assert!(run.stdout.contains("Usage: shipdeck"), "{run:#?}");
        assert!(run.stdout.contains("Exit codes"), "{run:#?}");
    }
}

#[test]
fn the_app_id_is_the_windows_identifier() {
    let conf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tauri.conf.json");
    let conf: Value = serde_json::from_str(&std::fs::read_to_string(conf).unwrap()).unwrap();
    assert_eq!(conf["identifier"], shipdeck_engine::engine::APP_ID);
    assert_eq!(conf["mainBinaryName"], "shipdeck-desktop");
}
