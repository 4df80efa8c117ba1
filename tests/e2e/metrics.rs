//! The Metrics page in the real window: a history file imported through the page changes the
//! numbers, switching the period changes them again, the charts show and one exports as a PNG
//! of the expected size, an export writes the same history back, and a file with a bad line is
//! refused with its line number and changes nothing. Presentation mode shows the same numbers
//! and steps through the charts with the arrow keys.

use anyhow::Result;
use shipdeck_e2e::{App, Home, Options};

/// A history whose deployments are placed relative to now, so the test holds on any date:
/// five in the last week (one failed, rolled back), seven between 9 and 27 days ago.
fn history() -> String {
    let now = jiff::Timestamp::now();
    let at = |hours_ago: i64| (now - jiff::SignedDuration::from_hours(hours_ago)).to_string();
    let mut lines =
        vec![r#"{"type":"header","format":"shipdeck-history","version":1}"#.to_string()];
    let mut deployment = |id: &str, hours_ago: i64, kind: &str, result: &str, answers: &str| {
        lines.push(format!(
            r#"{{"type":"deployment","app":"web","cluster":"prod","id":"{id}","kind":"{kind}","started_at":"{}","finished_at":"{}","result":"{result}","revision":"r-{id}","commits":[],"answers":{answers},"incident":false}}"#,
            at(hours_ago + 1),
            at(hours_ago)
        ));
    };
    for (n, days) in [27, 24, 21, 18, 15, 12, 9].into_iter().enumerate() {
        deployment(&format!("web.{n}"), days * 24, "sync", "succeeded", "null");
    }
    deployment("web.7", 120, "sync", "succeeded", "null");
    deployment("web.8", 96, "sync", "failed", "null");
    deployment("web.9", 95, "rollback", "succeeded", r#""web.8""#);
    deployment("web.10", 48, "sync", "succeeded", "null");
    deployment("web.11", 24, "sync", "succeeded", "null");
    lines.join("\n") + "\n"
}

#[tokio::test]
#[ignore = "drives the real window: run with `cargo xtask test`"]
async fn an_imported_history_is_measured_per_period_and_exported_back() -> Result<()> {
    let files = tempfile::tempdir()?;
    let good = files.path().join("history.jsonl");
    std::fs::write(&good, history())?;
    let options = Options {
        workspace: None,
        kubeconfig: None,
    };
    let app = App::start(Home::new()?, options).await?;
    app.click("#nav-metrics").await?;
    app.wait_for_text("#metric-deployments .metric-value", "0")
        .await?;

    app.fill("#history-path", good.to_str().unwrap()).await?;
    app.click("#history-import").await?;
    app.wait_for_text("#history-result", "Imported 12 deployments")
        .await?;
    // The page opens on 90 days, where all twelve already show: the week first, then 30 days,
    // each recognised by its own "previous" line.
    app.click("button[data-period='7']").await?;
    app.wait_for_text("#metric-deployments", "previous 7 days: 2")
        .await?;
    app.wait_for_text("#metric-deployments .metric-value", "5")
        .await?;
    // One of the week's five needed intervention (failed, then rolled back): 20%, the report's
    // high band; the rollback is the one rework deployment.
    app.wait_for_text("#metric-change-fail-rate", "20.0%")
        .await?;
    app.wait_for_text("#metric-change-fail-rate", "high · DORA 2024 bands")
        .await?;
    app.wait_for_text("#metric-recovery-time", "1 h 00 min")
        .await?;
    // Every number opens to what it counts.
    app.click("#metric-change-fail-rate").await?;
    app.wait_for_text("#behind-list", "prod/web.8").await?;
    let listed = app.text("#behind-list").await?;
    assert!(!listed.contains("prod/web.9"), "{listed}");
    app.click("#metric-rework-rate").await?;
    app.wait_for_text("#behind-list", "answers prod/web.8")
        .await?;
    app.screenshot("metrics-week").await?;

    // The charts are drawn by the engine; one is exported as a PNG at 2× (the default).
    app.wait_for("#chart-frequency img.chart-image").await?;
    assert_eq!(app.count("figure.chart img.chart-image").await?, 5);
    let png = files.path().join("frequency.png");
    app.fill("#chart-path", png.to_str().unwrap()).await?;
    app.click("button.chart-export-button[data-chart='frequency']")
        .await?;
    app.wait_for_text("#chart-result", "Wrote").await?;
    let bytes = std::fs::read(&png)?;
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!((be(16), be(20)), (2400, 1350), "2× of 1200×675");
    app.scroll_to(0.6).await?;
    app.screenshot("metrics-charts").await?;

    let exported = files.path().join("exported.jsonl");
    app.fill("#history-path", exported.to_str().unwrap())
        .await?;
    app.click("#history-export").await?;
    app.wait_for_text("#history-result", "Exported 12 deployments")
        .await?;
    let text = std::fs::read_to_string(&exported)?;
    assert_eq!(
        text.lines()
            .filter(|l| l.contains("\"deployment\""))
            .count(),
        12,
        "{text}"
    );

    // Twelve new deployments (other ids), the last line broken: a partial import would show
    // more than twelve.
    let bad = files.path().join("bad.jsonl");
    let mut text = history().replace("\"id\":\"web.", "\"id\":\"other.");
    text.push_str("{\"type\":\"deployment\",\"app\":\"web\"}\n");
    std::fs::write(&bad, text)?;
    app.fill("#history-path", bad.to_str().unwrap()).await?;
    app.click("#history-import").await?;
    app.wait_for_text("#history-result", "line 14").await?;
    app.wait_for_text("#history-result", "nothing was imported")
        .await?;
    app.click("button[data-period='30']").await?;
    app.wait_for_text("#metric-deployments", "previous 30 days: 0")
        .await?;
    assert_eq!(
        app.text("#metric-deployments .metric-value").await?,
        "12",
        "nothing of the refused file was imported"
    );
    app.screenshot("metrics-refused-file").await?;

    // Presentation mode: the same numbers in large type, then each chart, stepped with the
    // arrow keys; the period chosen on the page carries over; Escape leaves.
    use fantoccini::key::Key;
    app.click("#metrics-present").await?;
    app.wait_for_text(
        "#presentation[data-slide='0'] [data-metric='deployments'] .metric-value",
        "12",
    )
    .await?;
    app.wait_for_text(
        "#presentation [data-metric='change-fail-rate']",
        "previous 30 days: ",
    )
    .await?;
    assert_eq!(
        app.count("#presentation button.selected[data-period='30']")
            .await?,
        1,
        "the period chosen on the page carries over"
    );
    app.screenshot("presentation-numbers").await?;
    app.press("#presentation-leave", Key::Right).await?;
    app.wait_for("#presentation[data-slide='1'] figure[data-chart='frequency'] img")
        .await?;
    for _ in 0..5 {
        app.press("#presentation-leave", Key::Right).await?;
    }
    app.wait_for("#presentation[data-slide='5'] figure[data-chart='rework-rate'] img")
        .await?;
    app.press("#presentation-leave", Key::Left).await?;
    app.wait_for("#presentation[data-slide='4'] figure[data-chart='recovery-time']")
        .await?;
    app.screenshot("presentation-chart").await?;
    app.press("#presentation-leave", Key::Escape).await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.count("#presentation").await? > 0 {
        assert!(std::time::Instant::now() < deadline, "Escape did not leave");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    app.close().await
}
