//! Drift in the real window: an application applied to the local cluster is Synced; a scale
//! made with kubectl turns it OutOfSync on the Overview, and the drift review shows the field,
//! both values and who changed it.

use anyhow::Result;
use shipdeck_e2e::{App, Home, Options};
use shipdeck_testkit::{contexts, kubectl_ok};

fn git(dir: &std::path::Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=t@example.com"])
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

/// A namespace on cluster A, deleted when dropped.
struct Namespace(String);

impl Drop for Namespace {
    fn drop(&mut self) {
        let _ = shipdeck_testkit::kubectl(
            contexts::A,
            &["delete", "namespace", &self.0, "--wait=false"],
        );
    }
}

/// An application `app` at `apps/<app>` of a fresh repository, already applied to a namespace
/// of cluster A as Shipdeck applies (field manager `shipdeck`, `applied` carrying the tracking
/// annotations), and a home whose settings name it.
struct Deployed {
    ns: Namespace,
    repo: std::path::PathBuf,
    _work: tempfile::TempDir,
}

impl Deployed {
    fn new(label: &str, app: &str, in_git: &str, applied: &dyn Fn(&str) -> String) -> Result<Self> {
        let ns = Namespace(format!("t-e2e-{label}-{}", std::process::id()));
        kubectl_ok(contexts::A, &["create", "namespace", &ns.0]);
        kubectl_ok(
            contexts::A,
            &["label", "namespace", &ns.0, "shipdeck.dev/test=e2e-drift"],
        );
        let work = tempfile::tempdir()?;
        let repo = work.path().join("repo");
        std::fs::create_dir_all(repo.join("apps").join(app))?;
        std::fs::write(repo.join("apps").join(app).join("manifests.yaml"), in_git)?;
        git(&repo, &["init", "-q", "-b", "main"]);
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", app]);
        let file = work.path().join("applied.yaml");
        std::fs::write(&file, applied(&ns.0))?;
        let file = file.display().to_string();
        kubectl_ok(
            contexts::A,
            &[
                "apply",
                "-n",
                &ns.0,
                "--server-side",
                "--field-manager=shipdeck",
                "-f",
                &file,
            ],
        );
        Ok(Self {
            ns,
            repo,
            _work: work,
        })
    }

    /// A home whose settings have cluster A, the repository and application `app`.
    fn home(&self, app: &str) -> Result<Home> {
        let home = Home::new()?;
        let settings = home.settings_file();
        std::fs::create_dir_all(settings.parent().unwrap())?;
        std::fs::write(
            &settings,
            format!(
                "format = 2\n\n[[clusters]]\nid = \"shipdeck-a\"\ncontext = \"shipdeck-a\"\n\n\
                 [[repositories]]\nid = \"deploy\"\nurl = {:?}\npoll_interval_secs = 5\n\n\
                 [[applications]]\nid = {app:?}\nrepository = \"deploy\"\npath = \"apps/{app}\"\n\
                 cluster = \"shipdeck-a\"\nnamespace = {:?}\n\n[applications.revision]\nkind = \"branch\"\nname = \"main\"\n",
                self.repo.display().to_string(),
                self.ns.0
            ),
        )?;
        Ok(home)
    }
}

#[tokio::test]
#[ignore = "drives the real window: run with `cargo xtask test`"]
async fn a_scale_made_with_kubectl_shows_on_the_overview_and_in_the_drift_review() -> Result<()> {
    // Git declares the Deployment; Shipdeck applied it (field manager and tracking annotation).
    let deployed = Deployed::new(
        "drift",
        "web",
        &shipdeck_testkit::manifests::web_deployment(None),
        &|ns| {
            let tracking = format!("web:apps/Deployment:{ns}/web");
            shipdeck_testkit::manifests::web_deployment(Some(&tracking))
        },
    )?;
    let ns = &deployed.ns;
    let home = deployed.home("web")?;
    let app = App::start(home, Options::demo()?).await?;
    let card = "#application-cards [data-app='web']";
    app.wait_for_text(
        &format!("{card} .sync-line[data-sync='Synced']"),
        "all 1 resources match Git",
    )
    .await?;

    kubectl_ok(
        contexts::A,
        &["-n", &ns.0, "scale", "deployment/web", "--replicas=4"],
    );
    app.wait_for_text(
        &format!("{card} .sync-line[data-sync='OutOfSync']"),
        "1 of 1 resources out of sync",
    )
    .await?;
    // Counted on the card, recorded among the recent drift, and raised as a notification.
    app.wait_for_text(&format!("{card} .app-drifted[data-drifted='1']"), "1")
        .await?;
    app.wait_for_text(
        "#drift-events li.drift-event[data-drift-app='web'] .drift-event-headline",
        "by kubectl",
    )
    .await?;
    // Raised just after the window is told: wait for it rather than read once.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let notifications = app.home().notifications()?;
        if notifications.contains("web is OutOfSync") && notifications.contains("(by kubectl)") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no drift notification on the session bus: {notifications}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    app.screenshot("overview-drift").await?;

    app.click("#nav-applications").await?;
    let resource = format!(
        "#application-list [data-app='web'] .drift-resource[data-status='OutOfSync'][data-resource='apps/Deployment/{}/web']",
        ns.0
    );
    app.click(&format!("{resource} .drift-resource-head"))
        .await?;
    let row = format!("{resource} .drift-change[data-path='/spec/replicas']");
    app.wait_for_text(&row, "kubectl").await?;
    // Field, live, after sync, changed by: in that order.
    let mut cells = Vec::new();
    for column in 1..=4 {
        cells.push(app.text(&format!("{row} td:nth-child({column})")).await?);
    }
    assert_eq!(cells, ["/spec/replicas", "4", "2", "kubectl"]);
    app.wait_for(&format!("{resource} .diff-removed")).await?;
    // The same diff side by side, with the changed word highlighted.
    app.click(&format!("{resource} .diff-mode button[data-mode='split']"))
        .await?;
    app.wait_for_text(
        &format!("{resource} .diff[data-layout='split'] .diff-added mark.diff-word"),
        "2",
    )
    .await?;
    app.screenshot("drift-review").await?;

    // Ignored from the diff view: the application is Synced again and the rule is listed.
    app.click(&format!("{row} .ignore-field")).await?;
    app.wait_for_text(
        "#application-list [data-app='web'] .sync-line[data-sync='Synced']",
        "all 1 resources match Git",
    )
    .await?;
    app.wait_for_text(
        "#application-list [data-app='web'] .ignore-rules li",
        "/spec/replicas",
    )
    .await?;
    let stored = std::fs::read_to_string(app.home().settings_file())?;
    assert!(stored.contains("pointer = \"/spec/replicas\""), "{stored}");
    app.screenshot("drift-ignored").await?;
    app.close().await
}

/// An application of a thousand resources: the list holds them all (its total says so), the
/// page builds only the rows near the window, and scrolling to the end shows the last ones.
#[tokio::test]
#[ignore = "drives the real window: run with `cargo xtask test`"]
async fn a_thousand_resources_are_listed_without_building_a_thousand_rows() -> Result<()> {
    const COUNT: usize = 1000;
    let configmaps = |ns: Option<&str>| -> String {
        (0..COUNT)
            .map(|i| {
                let tracking = ns
                    .map(|ns| {
                        format!(
                            "  annotations:\n    shipdeck.dev/tracking-id: many:/ConfigMap:{ns}/settings-{i:04}\n"
                        )
                    })
                    .unwrap_or_default();
                format!(
                    "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-{i:04}\n{tracking}data:\n  index: \"{i}\"\n"
                )
            })
            .collect()
    };
    // Git declares them without the annotation; the cluster has them as Shipdeck applied them.
    let deployed = Deployed::new("many", "many", &configmaps(None), &|ns| {
        configmaps(Some(ns))
    })?;
    let ns = &deployed.ns;
    let home = deployed.home("many")?;
    let app = App::start(home, Options::demo()?).await?;
    app.wait_for_text(
        "#application-cards [data-app='many'] .sync-line[data-sync='Synced']",
        &format!("all {COUNT} resources match Git"),
    )
    .await?;
    app.click("#nav-applications").await?;
    let list = "#application-list [data-app='many'] ul.drift-resources";
    app.wait_for(&format!("{list}[data-total='{COUNT}']"))
        .await?;
    app.wait_for(&format!(
        "{list} .drift-resource[data-resource='ConfigMap/{}/settings-0000']",
        ns.0
    ))
    .await?;
    let built = app.count(&format!("{list} .drift-resource")).await?;
    assert!(
        (1..200).contains(&built),
        "{built} rows built for {COUNT} resources: the list is not windowed"
    );
    app.scroll_to(1.0).await?;
    app.wait_for(&format!(
        "{list} .drift-resource[data-resource='ConfigMap/{}/settings-{:04}']",
        ns.0,
        COUNT - 1
    ))
    .await?;
    let built = app.count(&format!("{list} .drift-resource")).await?;
    assert!(built < 200, "{built} rows built after scrolling to the end");
    app.screenshot("many-resources-end").await?;
    app.close().await
}
