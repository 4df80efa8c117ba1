//! Syncing and rolling back in the real window, against the local control plane: an
//! application synced from empty ends Healthy with a record in the history; a release whose
//! image is broken fails as Degraded; "Roll back" shows the dry run of what it will change and
//! puts the last good deployment back in one confirmation. The timeline then shows the three,
//! what the failed one changed, and rolls back from there.

use anyhow::Result;
use shipdeck_e2e::{App, Home, Options};
use shipdeck_testkit::{contexts, kubectl, kubectl_ok};

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

/// A ConfigMap and a Deployment of `image` whose rollout gives up after 10 s.
fn manifests(image: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  greeting: hello\n---\n\
         apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  \
         progressDeadlineSeconds: 10\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    \
         metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n        - name: api\n          \
         image: {image}\n"
    )
}

/// The application's namespace and the records namespace on cluster A, deleted when dropped.
struct Namespaces(Vec<String>);

impl Drop for Namespaces {
    fn drop(&mut self) {
        for ns in &self.0 {
            let _ = kubectl(contexts::A, &["delete", "namespace", ns, "--wait=false"]);
        }
    }
}

fn image(ns: &str) -> String {
    kubectl_ok(
        contexts::A,
        &[
            "get",
            "deployment",
            "web",
            "-n",
            ns,
            "-o",
            "jsonpath={.spec.template.spec.containers[0].image}",
        ],
    )
}

#[tokio::test]
#[ignore = "drives the real window: run with `cargo xtask test`"]
async fn a_sync_fails_on_a_broken_release_and_one_click_rolls_it_back() -> Result<()> {
    let ns = format!("t-e2e-deploy-{}", std::process::id());
    let records = format!("t-e2e-records-{}", std::process::id());
    let _cleanup = Namespaces(vec![ns.clone(), records.clone()]);
    kubectl_ok(contexts::A, &["create", "namespace", &ns]);
    let work = tempfile::tempdir()?;
    let repo = work.path().join("repo");
    std::fs::create_dir_all(repo.join("apps/web"))?;
    std::fs::write(
        repo.join("apps/web/all.yaml"),
        manifests("registry.example/web:1.4"),
    )?;
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "web 1.4"]);

    let home = Home::new()?;
    let settings = home.settings_file();
    std::fs::create_dir_all(settings.parent().unwrap())?;
    std::fs::write(
        &settings,
        format!(
            "format = 2\n\n[deployments]\nnamespace = {records:?}\n\n[[clusters]]\nid = \"shipdeck-a\"\n\
             context = \"shipdeck-a\"\n\n[[repositories]]\nid = \"deploy\"\nurl = {:?}\n\
             poll_interval_secs = 5\n\n[[applications]]\nid = \"web\"\nrepository = \"deploy\"\n\
             path = \"apps/web\"\ncluster = \"shipdeck-a\"\nnamespace = {ns:?}\n\n\
             [applications.revision]\nkind = \"branch\"\nname = \"main\"\n",
            repo.display().to_string()
        ),
    )?;
    let app = App::start(home, Options::demo()?).await?;
    let card = "#application-cards [data-app='web']";
    app.wait_for_text(
        &format!("{card} .sync-line[data-sync='OutOfSync']"),
        "2 of 2",
    )
    .await?;
    app.click(&format!("{card} h3 a")).await?;

    // Sync from empty: the confirmation says what it applies, progress streams, it ends
    // Succeeded with both objects created and Healthy, and the history shows the record.
    assert_eq!(app.count("#sync-confirm").await?, 0);
    app.click("#sync-app").await?;
    app.wait_for("#sync-confirm[data-scope='whole']").await?;
    app.click("#sync-start").await?;
    app.wait_for("#sync-result[data-result='succeeded']")
        .await?;
    assert_eq!(app.count("li.sync-row[data-action='created']").await?, 2);
    let deployment_row = format!("li.sync-row[data-resource='Deployment/{ns}/web']");
    app.wait_for(&format!("{deployment_row}[data-health='Healthy']"))
        .await?;
    app.screenshot("sync-succeeded").await?;
    app.click("#sync-done").await?;
    assert_eq!(app.count("#sync-result").await?, 0, "the result was closed");
    app.wait_for("#deployments li.deployment-row[data-kind='sync'][data-result='succeeded']")
        .await?;
    assert_eq!(image(&ns), "registry.example/web:1.4");

    // A broken release: the sync fails when the rollout turns Degraded, and says why.
    std::fs::write(
        repo.join("apps/web/all.yaml"),
        manifests("registry.example/web:broken"),
    )?;
    git(&repo, &["commit", "-q", "-am", "web broken"]);
    app.wait_for_text(
        "#application-list [data-app='web'] .sync-line[data-sync='OutOfSync']",
        "1 of 2",
    )
    .await?;
    app.click("#sync-app").await?;
    app.click("#sync-start").await?;
    app.wait_for("#sync-result[data-result='failed']").await?;
    app.wait_for_text("#sync-result", "exceeded its progress deadline")
        .await?;
    app.wait_for(&format!("{deployment_row}[data-health='Degraded']"))
        .await?;
    app.screenshot("sync-failed").await?;
    app.click("#sync-done").await?;
    app.wait_for("#deployments li.deployment-row[data-kind='sync'][data-result='failed']")
        .await?;

    // One click: the dry run of what the rollback changes, then one confirmation.
    app.click("#rollback-last").await?;
    app.wait_for("#rollback-confirm").await?;
    app.wait_for_text("#rollback-confirm", "registry.example/web:1.4")
        .await?;
    app.screenshot("rollback-preview").await?;
    app.click("#rollback-start").await?;
    app.wait_for("#sync-result[data-result='succeeded']")
        .await?;
    app.wait_for("#deployments li.deployment-row[data-kind='rollback'][data-result='succeeded']")
        .await?;
    assert_eq!(image(&ns), "registry.example/web:1.4");
    app.screenshot("rolled-back").await?;

    // A sync switch turns exactly that switch in the stored settings.
    app.click("#prune-default").await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let stored = std::fs::read_to_string(app.home().settings_file())?;
        if stored.contains("prune = true") {
            assert!(!stored.contains("auto_sync"), "{stored}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never stored: {stored}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    // The timeline: the three deployments, the recovery the rollback made; the failed one
    // opens to what it changed against the one before it, from the records' manifests.
    app.click("#nav-timeline").await?;
    app.wait_for("#timeline-list li[data-id='web.3']").await?;
    assert_eq!(app.count("#timeline-strip .tl-deployment").await?, 3);
    assert_eq!(app.count("#timeline-list li.tl-recovery").await?, 1);
    assert_eq!(app.count("#deployment-diff").await?, 0);
    app.click("#timeline-list li[data-id='web.2'] .timeline-open")
        .await?;
    app.wait_for("#deployment-diff[data-against='web.1'][data-changed='1']")
        .await?;
    app.wait_for_text(
        "#deployment-diff .diff-fields",
        "registry.example/web:1.4 → registry.example/web:broken",
    )
    .await?;
    app.screenshot("timeline-diff").await?;
    // Against any other deployment: the rollback's.
    app.click("#deployment-against option[value='web.3']")
        .await?;
    app.wait_for("#deployment-diff[data-against='web.3']")
        .await?;
    // Marked as having caused an incident, in its record and on the timeline.
    app.click("#deployment-incident[data-incident='false']")
        .await?;
    app.wait_for("#deployment-incident[data-incident='true']")
        .await?;
    app.wait_for_text("#timeline-list li[data-id='web.2']", "caused an incident")
        .await?;
    // Rolled back to from there: the application's rollback confirmation, to that one.
    app.click("#timeline-list li[data-id='web.1'] .timeline-open")
        .await?;
    app.click("#deployment-detail[data-id='web.1'] #deployment-rollback")
        .await?;
    app.wait_for("#rollback-confirm[data-target='web.1']")
        .await?;
    app.screenshot("timeline-rollback").await?;
    app.close().await
}
