//! Issue 4 in the real window: a cluster from the kubeconfig, a repository and an application
//! configured through Settings; the Overview shows the application with its revision; no
//! credential ends up in plain text in Shipdeck's files.

use shipdeck_e2e::App;
use std::path::Path;

fn git(workspace: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(workspace)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?} failed");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The admin token of the local control plane, read from its kubeconfig.
fn admin_token() -> String {
    let kubeconfig = std::env::var("SHIPDECK_KUBECONFIG").expect("run with `cargo xtask test`");
    let text = std::fs::read_to_string(kubeconfig).unwrap();
    text.lines()
        .find_map(|l| l.trim().strip_prefix("token: "))
        .expect("the test kubeconfig has a token user")
        .trim_matches('"')
        .to_string()
}

fn files_containing(root: &Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read(&path)
                .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
            {
                hits.push(path.display().to_string());
            }
        }
    }
    hits
}

#[tokio::test]
#[ignore = "drives the real window: run with `cargo xtask test`"]
async fn a_cluster_and_an_application_added_in_settings_show_on_the_overview() -> anyhow::Result<()>
{
    let workspace = std::path::PathBuf::from(std::env::var("SHIPDECK_DEMO_WORKSPACE")?);
    let head = git(&workspace, &["rev-parse", "--short=7", "HEAD"]);
    let app = App::launch().await?;

    // The Overview starts empty and says where to begin.
    app.wait_for_text("#page-overview", "No clusters or applications yet")
        .await?;

    // A cluster from the kubeconfig: it connects and reports the server version.
    app.click("#nav-settings").await?;
    app.click("li[data-context='shipdeck-a'] button.add-context")
        .await?;
    app.wait_for_text(
        "#configured-clusters li[data-cluster='shipdeck-a']",
        "Connected · v1.34.2",
    )
    .await?;

    // A token typed into Settings goes to the keyring; the connection still works with it.
    let token = admin_token();
    app.fill("li[data-cluster='shipdeck-a'] .credential-input", &token)
        .await?;
    app.click("li[data-cluster='shipdeck-a'] .credential-save")
        .await?;
    app.wait_for_text(
        "#configured-clusters li[data-cluster='shipdeck-a']",
        "Connected",
    )
    .await?;

    // A repository: tested first (a real clone), then saved.
    app.fill("#repo-id", "demo").await?;
    app.fill("#repo-url", &workspace.display().to_string())
        .await?;
    app.fill("#repo-test-path", "apps/storefront").await?;
    app.click("#repo-test").await?;
    app.wait_for_text("#repo-check", &head).await?;
    app.click("#repo-save").await?;
    app.wait_for("#configured-repositories li[data-repository='demo']")
        .await?;
    // Saving keeps the form and the test result: editing goes on from what was entered.
    app.wait_for_text("#repo-check", &head).await?;
    let url = app.wait_for("#repo-url").await?.prop("value").await?;
    assert_eq!(
        url.as_deref(),
        Some(workspace.display().to_string().as_str())
    );

    // An application tracking main:apps/storefront on shipdeck-a.
    app.fill("#app-id", "storefront").await?;
    app.fill("#app-path", "apps/storefront").await?;
    app.fill("#app-namespace", "shop").await?;
    app.click("#app-save").await?;
    app.wait_for("#configured-applications li[data-application='storefront']")
        .await?;
    app.screenshot("settings-connections").await?;

    // The Overview shows it with the revision it tracks and its cluster's state, live.
    app.click("#nav-overview").await?;
    let card = app
        .wait_for_text("#application-cards [data-app='storefront']", &head)
        .await?;
    assert!(card.contains("shipdeck-a"), "{card}");
    app.wait_for_text("#application-cards [data-app='storefront']", "Connected")
        .await?;
    // Its manifests at that revision were rendered: deployment, service and config map.
    app.wait_for_text(
        "#application-cards [data-app='storefront']",
        "3 objects rendered",
    )
    .await?;
    app.screenshot("overview-connections").await?;

    // Nothing Shipdeck wrote (settings, data, cache, logs) holds the token in plain text.
    let leaks = files_containing(app.home(), token.as_bytes());
    assert!(leaks.is_empty(), "the token is in plain text in: {leaks:?}");
    let settings =
        std::fs::read_to_string(app.home().join("config/dev.shipdeck.desktop/settings.toml"))?;
    assert!(settings.contains("context = \"shipdeck-a\""), "{settings}");
    app.close().await
}

#[tokio::test]
#[ignore = "drives the real window: run with `cargo xtask test`"]
async fn bad_input_gets_a_clear_error_and_nothing_is_lost() -> anyhow::Result<()> {
    let app = App::launch().await?;
    app.click("#nav-settings").await?;
    app.click("li[data-context='shipdeck-b'] button.add-context")
        .await?;
    app.wait_for("#configured-clusters li[data-cluster='shipdeck-b']")
        .await?;

    // A URL that is not a Git URL.
    app.fill("#repo-id", "broken").await?;
    app.fill("#repo-url", "ftp://example.invalid/x").await?;
    app.click("#repo-save").await?;
    app.wait_for_text("#settings-repositories [role='alert']", "not a Git URL")
        .await?;

    // An unreachable host: the test fails with a clear error, the form stays usable.
    app.fill("#repo-url", "http://127.0.0.1:9/nothing.git")
        .await?;
    app.click("#repo-test").await?;
    app.wait_for_text("#settings-repositories [role='alert']", "127.0.0.1")
        .await?;

    // A repository without the path.
    let workspace = std::env::var("SHIPDECK_DEMO_WORKSPACE")?;
    app.fill("#repo-url", &workspace).await?;
    app.fill("#repo-test-path", "apps/no-such-app").await?;
    app.click("#repo-test").await?;
    app.wait_for_text("#settings-repositories [role='alert']", "no-such-app")
        .await?;
    app.screenshot("settings-bad-input").await?;

    // What was configured before is still there.
    app.wait_for("#configured-clusters li[data-cluster='shipdeck-b']")
        .await?;
    app.close().await
}
