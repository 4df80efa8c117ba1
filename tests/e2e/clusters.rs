//! Cluster tokens typed in Settings, in the real window, on a context whose kubeconfig holds
//! no credential: the connection works with the keyring value and only with it, a wrong value
//! shows Unauthorized, and no other app sees what one app stored.

use anyhow::Result;
use shipdeck_e2e::{App, Home, Options, admin_token, write_without_credentials};

/// A context on local cluster A whose kubeconfig user holds nothing; its cluster id in
/// Shipdeck is the same (the slug of the context).
const CONTEXT: &str = "keyring-a";
const CLUSTER: &str = "#configured-clusters li[data-cluster='keyring-a']";
const ACCOUNT: &str = "cluster/keyring-a/token";

/// A new home whose kubeconfig has [`CONTEXT`] and no credential for it.
fn home_without_credentials() -> Result<(Home, Options)> {
    let home = Home::new()?;
    let kubeconfig = home.path().join("kubeconfig");
    write_without_credentials(&kubeconfig, "shipdeck-a", CONTEXT)?;
    let options = Options {
        kubeconfig: Some(kubeconfig),
        ..Options::demo()?
    };
    Ok((home, options))
}

async fn add_cluster(app: &App) -> Result<()> {
    app.click("#nav-settings").await?;
    app.click(&format!("li[data-context='{CONTEXT}'] button.add-context"))
        .await?;
    app.wait_for(CLUSTER).await?;
    Ok(())
}

/// Types a token and saves it; returns once the backend accepted it (the field is cleared only
/// on success, and any error shown in the section fails the test).
async fn type_token(app: &App, token: &str) -> Result<()> {
    let input = format!("{CLUSTER} .credential-input");
    app.fill(&input, token).await?;
    app.click(&format!("{CLUSTER} .credential-save")).await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let alerts = app.text_content("#settings-clusters").await?;
        anyhow::ensure!(
            !alerts.contains("Something went wrong"),
            "saving the token failed: {alerts}"
        );
        let value = app.prop(&input, "value").await?;
        if value.as_deref() == Some("") {
            return Ok(());
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "the token was never accepted"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

async fn wait_connected(app: &App) -> Result<String> {
    app.wait_for_text(
        &format!("{CLUSTER} .conn[data-state='connected']"),
        "Connected · v1.34.2",
    )
    .await
}

/// With no credential the server sees `system:anonymous`: `/version` is public, listing
/// namespaces is not, so the check ends Forbidden and names the anonymous user.
async fn wait_anonymous(app: &App) -> Result<String> {
    app.wait_for_text(
        &format!("{CLUSTER} .conn[data-state='failed']"),
        "Forbidden",
    )
    .await?;
    app.wait_for_text(&format!("{CLUSTER} .conn-message"), "system:anonymous")
        .await
}

#[tokio::test]
#[ignore = "drives the real window: run with `cargo xtask test`"]
async fn a_token_typed_in_settings_connects_a_context_whose_kubeconfig_has_none() -> Result<()> {
    let (home, options) = home_without_credentials()?;
    let app = App::start(home, options).await?;
    add_cluster(&app).await?;
    wait_anonymous(&app).await?;

    type_token(&app, &admin_token()?).await?;
    wait_connected(&app).await?;
    assert_eq!(app.home().stored_credentials()?, [ACCOUNT]);
    app.screenshot("clusters-keyring-token").await?;

    // Nothing held in memory survives a relaunch: connected again means read from the keyring.
    let app = app.relaunch().await?;
    app.click("#nav-settings").await?;
    wait_connected(&app).await?;
    app.close().await
}

#[tokio::test]
#[ignore = "drives the real window: run with `cargo xtask test`"]
async fn a_wrong_token_typed_in_settings_shows_unauthorized() -> Result<()> {
    let (home, options) = home_without_credentials()?;
    let app = App::start(home, options).await?;
    add_cluster(&app).await?;
    wait_anonymous(&app).await?;

    type_token(&app, "shipdeck-e2e-not-a-valid-token").await?;
    app.wait_for_text(
        &format!("{CLUSTER} .conn[data-state='failed']"),
        "Unauthorized",
    )
    .await?;
    app.wait_for_text(
        &format!("{CLUSTER} .conn-message"),
        "the server rejected the credentials",
    )
    .await?;
    assert_eq!(app.home().stored_credentials()?, [ACCOUNT]);
    app.screenshot("clusters-keyring-wrong-token").await?;
    app.close().await
}

#[tokio::test]
#[ignore = "drives the real window: run with `cargo xtask test`"]
async fn an_app_launched_after_another_does_not_see_its_credentials() -> Result<()> {
    let (home, options) = home_without_credentials()?;
    let first = App::start(home, options).await?;
    add_cluster(&first).await?;
    type_token(&first, &admin_token()?).await?;
    wait_connected(&first).await?;
    // Kept, with its keyring, while the second app runs.
    let first_home = first.quit().await?;

    let (home, options) = home_without_credentials()?;
    let second = App::start(home, options).await?;
    add_cluster(&second).await?;
    // Same cluster id, same context: only a token it does not have would connect it.
    wait_anonymous(&second).await?;
    assert_eq!(second.home().stored_credentials()?, Vec::<String>::new());
    assert_eq!(first_home.stored_credentials()?, [ACCOUNT]);
    second.close().await
}
