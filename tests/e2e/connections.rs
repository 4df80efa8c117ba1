//! Issue 4 in the real window: a cluster from the kubeconfig, a password-protected repository
//! and an application configured through Settings; the Overview shows the application with its
//! revision; no credential typed in Settings ends up in plain text in Shipdeck's files.

use shipdeck_e2e::{App, HttpGit, admin_token, file_count, files_containing};
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

/// A value no file would hold by chance, so finding it anywhere means it leaked.
fn distinctive(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{}-{nanos}", std::process::id())
}

#[tokio::test]
#[ignore = "drives the real window: run with `cargo xtask test`"]
async fn what_is_added_in_settings_shows_on_the_overview_and_no_secret_reaches_a_file()
-> anyhow::Result<()> {
    let workspace = std::path::PathBuf::from(std::env::var("SHIPDECK_DEMO_WORKSPACE")?);
    let head = git(&workspace, &["rev-parse", "--short=7", "HEAD"]);
    // The server's own files (its password list) live outside the app's home.
    let server_dir = tempfile::tempdir()?;
    let password = distinctive("git-password");
    let wrong_password = distinctive("wrong-git-password");
    let server = HttpGit::serve(server_dir.path(), &workspace, "demo", "deploy", &password)?;
    let app = App::launch().await?;

    // The Overview starts empty and says where to begin.
    app.wait_for_text("#page-overview", "No clusters or applications yet")
        .await?;

    // A cluster from the kubeconfig, which carries its own token: it connects and reports the
    // server version.
    let cluster = "#configured-clusters li[data-cluster='shipdeck-a']";
    let connected = format!("{cluster} .conn[data-state='connected']");
    app.click("#nav-settings").await?;
    app.click("li[data-context='shipdeck-a'] button.add-context")
        .await?;
    app.wait_for_text(&connected, "Connected · v1.34.2").await?;

    // A token typed into Settings goes to the keyring (checked below with the repository's
    // password), so the leak scan at the end covers it. That the connection comes from the
    // keyring is shown by tests/e2e/clusters.rs, with a kubeconfig that holds no token.
    let token = admin_token()?;
    app.fill(&format!("{cluster} .credential-input"), &token)
        .await?;
    app.click(&format!("{cluster} .credential-save")).await?;

    // A repository over HTTP with basic auth: a wrong password is refused with what to check,
    // the right one clones; then it is saved with its password.
    app.fill("#repo-id", "demo").await?;
    app.fill("#repo-url", &server.url("demo")).await?;
    app.click("#repo-auth option[value='https']").await?;
    app.fill("#repo-username", "deploy").await?;
    app.fill("#repo-secret", &wrong_password).await?;
    app.fill("#repo-test-path", "apps/storefront").await?;
    app.click("#repo-test").await?;
    app.wait_for_text(
        "#settings-repositories [role='alert']",
        "authentication failed",
    )
    .await?;
    app.wait_for_text(
        "#settings-repositories [role='alert']",
        "check the username and password",
    )
    .await?;
    app.fill("#repo-secret", &password).await?;
    app.click("#repo-test").await?;
    app.wait_for_text("#repo-check", &head).await?;
    app.click("#repo-save").await?;
    app.wait_for("#configured-repositories li[data-repository='demo']")
        .await?;
    // Saving keeps the form and the test result: editing goes on from what was entered.
    app.wait_for_text("#repo-check", &head).await?;
    let url = app.prop("#repo-url", "value").await?;
    assert_eq!(url.as_deref(), Some(server.url("demo").as_str()));
    assert_eq!(
        app.home().stored_credentials()?,
        ["cluster/shipdeck-a/token", "repository/demo/password"]
    );

    // An application tracking main:apps/storefront on shipdeck-a.
    app.fill("#app-id", "storefront").await?;
    app.fill("#app-path", "apps/storefront").await?;
    app.fill("#app-namespace", "shop").await?;
    app.click("#app-save").await?;
    app.wait_for("#configured-applications li[data-application='storefront']")
        .await?;
    app.screenshot("settings-connections").await?;

    // The Overview shows it with the revision it tracks (polled with the password from the
    // keyring) and its cluster's state, live.
    let card = "#application-cards [data-app='storefront']";
    app.click("#nav-overview").await?;
    let text = app.wait_for_text(card, &head).await?;
    assert!(text.contains("shipdeck-a"), "{text}");
    app.wait_for_text(
        &format!("{card} .conn[data-state='connected']"),
        "Connected · v1.34.2",
    )
    .await?;
    // Its manifests at that revision were rendered: deployment, service and config map.
    app.wait_for_text(card, "3 objects rendered").await?;
    app.screenshot("overview-connections").await?;

    // Nothing Shipdeck wrote (settings, data, cache, logs, WebKit storage) holds a credential
    // typed in Settings in plain text.
    let dirs = app.home().app_dirs();
    for (what, secret) in [
        ("the cluster token", &token),
        ("the Git password", &password),
        ("the wrong Git password", &wrong_password),
    ] {
        let leaks = files_containing(&dirs, secret);
        assert!(leaks.is_empty(), "{what} is in plain text in: {leaks:?}");
    }
    let settings = std::fs::read_to_string(
        app.home()
            .path()
            .join("config/dev.shipdeck.desktop/settings.toml"),
    )?;
    assert!(settings.contains("context = \"shipdeck-a\""), "{settings}");
    assert!(settings.contains(&server.url("demo")), "{settings}");
    // The scan looked at the repository mirror, the log and the settings at least.
    assert!(
        file_count(&dirs) > 10,
        "too few files scanned under {dirs:?}"
    );
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
    app.wait_for_text(
        "#settings-repositories [role='alert']",
        "URLs are not supported",
    )
    .await?;

    // An unreachable host: the test fails with a clear error, the form stays usable.
    app.fill("#repo-url", "http://127.0.0.1:9/nothing.git")
        .await?;
    app.click("#repo-test").await?;
    app.wait_for_text(
        "#settings-repositories [role='alert']",
        "the server cannot be reached",
    )
    .await?;

    // A repository without the path.
    let workspace = std::env::var("SHIPDECK_DEMO_WORKSPACE")?;
    app.fill("#repo-url", &workspace).await?;
    app.fill("#repo-test-path", "apps/no-such-app").await?;
    app.click("#repo-test").await?;
    let alert = app
        .wait_for_text("#settings-repositories [role='alert']", "does not exist at")
        .await?;
    assert!(alert.contains("apps/no-such-app"), "{alert}");
    app.screenshot("settings-bad-input").await?;

    // What was configured before is still there.
    app.wait_for("#configured-clusters li[data-cluster='shipdeck-b']")
        .await?;
    app.close().await
}
