//! A desktop with no Secret Service (no gnome-keyring, no KWallet): what needs no keyring
//! works, and what does says so once, where it belongs.

use anyhow::Result;
use shipdeck_e2e::{App, Home, Options};

const REPOSITORY: &str = "#repository-cards [data-repository='private']";
const UNAVAILABLE: &str = "the OS keyring is not available";

/// A cluster whose kubeconfig carries its own token, and two applications on one repository
/// whose password Shipdeck would keep in the keyring.
const SETTINGS: &str = r#"format = 2

[[clusters]]
id = "shipdeck-a"
context = "shipdeck-a"

[[repositories]]
id = "private"
url = "http://127.0.0.1:9/private.git"
poll_interval_secs = 5

[repositories.auth]
kind = "https"
username = "deploy"

[[applications]]
id = "storefront"
repository = "private"
path = "apps/storefront"
cluster = "shipdeck-a"
namespace = "shop"

[applications.revision]
kind = "branch"
name = "main"

[[applications]]
id = "payments"
repository = "private"
path = "apps/payments"
cluster = "shipdeck-a"
namespace = "shop"

[applications.revision]
kind = "branch"
name = "main"
"#;

#[tokio::test]
#[ignore = "drives the real window: run with `cargo xtask test`"]
async fn without_a_keyring_clusters_with_their_own_credentials_connect_and_a_repository_says_so_once()
-> Result<()> {
    let home = Home::without_keyring()?;
    let settings = home.settings_file();
    std::fs::create_dir_all(settings.parent().unwrap())?;
    std::fs::write(&settings, SETTINGS)?;
    let app = App::start(home, Options::demo()?).await?;

    // The kubeconfig's own token is enough: the keyring is never asked.
    app.wait_for_text(
        "#cluster-cards [data-cluster='shipdeck-a'] .conn[data-state='connected']",
        "Connected · v1.34.2",
    )
    .await?;

    // The repository says why it cannot be polled, and that it will try again by itself.
    let message = app
        .wait_for_text(&format!("{REPOSITORY} .conn-message"), UNAVAILABLE)
        .await?;
    assert!(message.contains("trying again in"), "{message}");
    let sources = app.text(&format!("{REPOSITORY} .repo-source")).await?;
    assert!(
        sources.contains("storefront") && sources.contains("payments"),
        "the repository names the applications it affects: {sources}"
    );

    // Each application points at the repository instead of repeating the reason.
    for id in ["storefront", "payments"] {
        let card = format!("#application-cards [data-app='{id}']");
        app.wait_for_text(
            &format!("{card} .conn[data-state='git-failed']"),
            "see the repository",
        )
        .await?;
        let text = app.text(&card).await?;
        assert!(!text.contains("keyring"), "{id} repeats the reason: {text}");
    }
    let page = app.text("#page-overview").await?;
    assert_eq!(page.matches(UNAVAILABLE).count(), 1, "said once: {page}");
    app.screenshot("overview-without-keyring").await?;
    app.close().await
}
