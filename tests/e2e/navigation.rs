use shipdeck_e2e::App;

/// The root element's `data-theme`: null when the theme follows the system.
async fn root_theme(app: &App) -> anyhow::Result<serde_json::Value> {
    Ok(app
        .client
        .execute(
            "return document.documentElement.getAttribute('data-theme');",
            vec![],
        )
        .await?)
}

/// (nav link, page id, text the page must show)
const PAGES: [(&str, &str, &str); 5] = [
    ("#nav-overview", "#page-overview", "Overview"),
    (
        "#nav-applications",
        "#page-applications",
        "No applications yet",
    ),
    (
        "#nav-timeline",
        "#page-timeline",
        "Click a deployment to see what it changed",
    ),
    ("#nav-metrics", "#page-metrics", "Measure"),
    (
        "#nav-settings",
        "#page-settings",
        "Status colours and icons",
    ),
];

#[tokio::test]
#[ignore = "drives the real window: run with `cargo xtask test`"]
async fn overview_renders_and_every_page_opens() -> anyhow::Result<()> {
    let app = App::launch().await?;

    // The Overview is the start page and shows the demo workspace read from Git.
    app.wait_for("#page-overview").await?;
    let workspace = app.text("#workspace-card").await?;
    assert!(workspace.contains("Latest commit"), "{workspace}");
    let dirs = app.text("#manifest-dirs").await?;
    for name in [
        "storefront",
        "payments",
        "catalog",
        "notifications",
        "auth-gateway",
    ] {
        assert!(
            dirs.contains(name),
            "manifest dir {name} missing from: {dirs}"
        );
    }

    for (link, page, expected) in PAGES {
        app.click(link).await?;
        let text = app.text(page).await?;
        assert!(text.contains(expected), "{page} lacks '{expected}': {text}");
        let current = app.wait_for(&format!("{link}[aria-current='page']")).await;
        assert!(current.is_ok(), "{link} is not marked as the current page");
        let name = page.trim_start_matches("#page-");
        app.screenshot(&format!("navigation-{name}")).await?;
    }

    // Dark theme on request (a projector in a dark room), applied at once.
    app.click("#nav-settings").await?;
    app.click("#theme-select option[value='dark']").await?;
    app.wait_for("html[data-theme='dark']").await?;
    app.click("#nav-overview").await?;
    app.wait_for("#workspace-card").await?;
    app.screenshot("overview-dark").await?;
    app.click("#nav-settings").await?;
    app.click("#theme-select option[value='system']").await?;
    let root_theme = root_theme(&app).await?;
    assert!(
        root_theme.is_null(),
        "'system' must follow the OS again: {root_theme}"
    );

    // The timeline lists real commits from the workspace history.
    app.click("#nav-timeline").await?;
    let history = app.text_content("#commit-list").await?;
    assert!(history.contains("Bootstrap shop"), "{history}");
    assert!(
        !history.contains("in the future"),
        "the demo history is dated ahead of now"
    );

    app.close().await
}

#[tokio::test]
#[ignore = "drives the real window: run with `cargo xtask test`"]
async fn without_a_workspace_the_overview_says_what_to_do() -> anyhow::Result<()> {
    let app = App::launch_on(None).await?;
    let alert = app.text("#page-overview [role='alert']").await?;
    assert!(alert.contains("cargo xtask demo"), "{alert}");
    app.screenshot("overview-no-workspace").await?;
    app.close().await
}

#[tokio::test]
#[ignore = "drives the real window: run with `cargo xtask test`"]
async fn the_theme_chosen_in_settings_is_remembered_after_a_relaunch() -> anyhow::Result<()> {
    let app = App::launch().await?;
    app.click("#nav-settings").await?;
    app.click("#theme-select option[value='dark']").await?;
    app.wait_for("html[data-theme='dark']").await?;

    // Quit (the app and its WebKit processes exit) and start again on the same home.
    let app = app.relaunch().await?;
    // Dark from the first frame of the start page, before Settings is opened.
    app.wait_for("#page-overview").await?;
    assert_eq!(root_theme(&app).await?, "dark");
    app.screenshot("theme-after-relaunch").await?;
    app.click("#nav-settings").await?;
    let chosen = app.prop("#theme-select", "value").await?;
    assert_eq!(chosen.as_deref(), Some("dark"));
    app.close().await
}
