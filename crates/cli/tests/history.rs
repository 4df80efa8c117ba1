//! `shipdeck history import|export` and `shipdeck dora` on a history file whose numbers were
//! worked out by hand. `--offline`: no cluster is configured, the store is all there is.

mod support;

use serde_json::{Value, json};
use support::Home;

fn fixture() -> String {
    format!(
        "{}/tests/fixtures/history/edge-cases.jsonl",
        env!("CARGO_MANIFEST_DIR")
    )
}

const PERIOD: [&str; 5] = [
    "--since",
    "2026-11-01",
    "--until",
    "2026-11-08",
    "--offline",
];

fn dora(home: &Home, extra: &[&str]) -> Value {
    let mut args = vec!["dora"];
    args.extend(PERIOD);
    args.extend(extra);
    args.extend(["--output", "json"]);
    let run = home.run(&args).expect(0);
    serde_json::from_str(&run.stdout).unwrap()
}

/// The fixture, week of 2026-11-01, by hand:
/// - in the period: web.1–web.7 (web.0 finished the week before): 7 deployments;
/// - succeeded: web.1, web.4, web.5, web.6 → 4/7 a day; on 3 distinct days of the one week →
///   daily;
/// - lead time pairs: web.1 brought c1 (6 h) and c0 (from before the period: 12 d 12 h =
///   1,080,000 s); web.6 brought c2, committed after it finished (dropped); web.2 and the
///   rollbacks brought none. Median of [21,600, 1,080,000] is the lower middle, 21,600; p90 by
///   nearest rank is 1,080,000;
/// - needed intervention: web.2 and web.3 failed, web.4 was rolled back by web.5 (a rollback of
///   a rollback): 3/7;
/// - recovery, to the next clean success (web.5 at 13:00; web.4 is not clean): web.2 3 h,
///   web.3 (overlapping) 2 h, web.4 1 h → median 7,200 s;
/// - rework: web.4 and web.5, 2/7. The cancelled web.7 counts only as a deployment.
fn expected() -> Value {
    json!({
        "since": "2026-11-01T00:00:00Z",
        "until": "2026-11-08T00:00:00Z",
        "deployments": 7,
        "deployment_frequency": {"per_day": 4.0 / 7.0, "label": "daily"},
        "lead_time": {"median_seconds": 21600, "p90_seconds": 1080000},
        "change_fail_rate": {"ratio": 3.0 / 7.0},
        "recovery_time": {"median_seconds": 7200},
        "rework_rate": {"ratio": 2.0 / 7.0},
        "bands": {
            "year": 2024,
            "deployment_frequency": "high",
            "lead_time": "elite",
            "change_fail_rate": "low",
            "recovery_time": "high"
        },
        "previous": {
            "since": "2026-10-25T00:00:00Z",
            "until": "2026-11-01T00:00:00Z",
            "deployments": 1,
            "deployment_frequency": {"per_day": 1.0 / 7.0, "label": "weekly"},
            "lead_time": null,
            "change_fail_rate": {"ratio": 0.0},
            "recovery_time": null,
            "rework_rate": {"ratio": 0.0}
        }
    })
}

#[test]
fn the_numbers_of_an_imported_history_are_the_ones_worked_out_by_hand() {
    let home = Home::new();
    let run = home.run(&["history", "import", &fixture()]).expect(0);
    assert!(
        run.stdout
            .contains("8 deployments, 3 commits and 1 incidents"),
        "{run:#?}"
    );
    assert_eq!(dora(&home, &["--app", "web"]), expected());
    // Importing the same file again changes nothing.
    home.run(&["history", "import", &fixture()]).expect(0);
    assert_eq!(dora(&home, &[]), expected());
    // A period with no deployments measures nothing, rather than zeros.
    let run = home
        .run(&[
            "dora",
            "--since",
            "2027-01-01",
            "--until",
            "2027-02-01",
            "--offline",
            "-o",
            "json",
        ])
        .expect(0);
    let empty: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(empty["deployments"], 0);
    for metric in [
        "deployment_frequency",
        "lead_time",
        "change_fail_rate",
        "recovery_time",
        "rework_rate",
    ] {
        assert_eq!(empty[metric], Value::Null, "{metric}");
    }
    // Per cluster (environment): a cluster nobody knows is refused; once staging has a
    // deployment of its own in the week, everything counts it and prod's numbers stay.
    let refused = home
        .run(&["dora", "--cluster", "staging", "--offline"])
        .expect(2);
    assert!(
        refused
            .stderr
            .contains("there is no cluster 'staging' in the settings or the history; known: prod"),
        "{refused:#?}"
    );
    let staging = home.dir.path().join("staging.jsonl");
    std::fs::write(
        &staging,
        "{\"type\":\"header\",\"format\":\"shipdeck-history\",\"version\":1}\n\
         {\"type\":\"deployment\",\"app\":\"web\",\"cluster\":\"staging\",\"id\":\"web.1\",\
         \"kind\":\"sync\",\"started_at\":\"2026-11-03T08:00:00Z\",\
         \"finished_at\":\"2026-11-03T08:05:00Z\",\"result\":\"failed\",\"revision\":\"c9\"}\n",
    )
    .unwrap();
    home.run(&["history", "import", staging.to_str().unwrap()])
        .expect(0);
    assert_eq!(dora(&home, &[])["deployments"], 8);
    assert_eq!(dora(&home, &["--cluster", "prod"]), expected());
    assert_eq!(dora(&home, &["--cluster", "staging"])["deployments"], 1);
}

#[test]
fn export_then_import_into_an_empty_store_gives_the_same_metrics() {
    let first = Home::new();
    first.run(&["history", "import", &fixture()]).expect(0);
    let exported = first.dir.path().join("exported.jsonl");
    first
        .run(&[
            "history",
            "export",
            "--offline",
            "--file",
            exported.to_str().unwrap(),
        ])
        .expect(0);
    let text = std::fs::read_to_string(&exported).unwrap();
    assert_eq!(text.lines().count(), 13, "{text}");
    let second = Home::new();
    second
        .run(&["history", "import", exported.to_str().unwrap()])
        .expect(0);
    assert_eq!(dora(&second, &[]), expected());
    let again = second.run(&["history", "export", "--offline"]).expect(0);
    assert_eq!(again.stdout, text);
}

#[test]
fn a_file_with_a_bad_line_is_refused_with_its_number_and_nothing_is_imported() {
    let home = Home::new();
    let good = std::fs::read_to_string(fixture()).unwrap();
    let bad = good.replace(
        "\"finished_at\":\"2026-11-03T10:00:00Z\"",
        "\"finished_at\":\"2026-11-03 at ten\"",
    );
    assert_ne!(good, bad);
    let file = home.dir.path().join("bad.jsonl");
    std::fs::write(&file, bad).unwrap();
    let run = home
        .run(&["history", "import", file.to_str().unwrap()])
        .expect(2);
    assert!(
        run.stderr.contains("line 11:") && run.stderr.contains("finished_at"),
        "{run:#?}"
    );
    assert!(run.stderr.contains("nothing was imported"), "{run:#?}");
    let exported = home.run(&["history", "export", "--offline"]).expect(0);
    assert_eq!(
        exported.stdout.lines().count(),
        1,
        "only the header: {exported:#?}"
    );
}

/// A PNG's width and height, from its IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn a_chart_is_written_as_png_svg_and_csv() {
    let home = Home::new();
    home.run(&["history", "import", &fixture()]).expect(0);
    let dir = home.dir.path();
    let (png, svg, csv) = (dir.join("c.png"), dir.join("c.svg"), dir.join("c.csv"));
    let mut args = vec!["dora"];
    args.extend(PERIOD);
    args.extend([
        "--chart",
        "recovery-time",
        "--scale",
        "2",
        "--png",
        png.to_str().unwrap(),
        "--svg",
        svg.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    home.run(&args).expect(0);
    assert_eq!(png_size(&std::fs::read(&png).unwrap()), (2400, 1350));
    let svg = std::fs::read_to_string(&svg).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("DORA 2024 bands"),
        "{svg:.300}"
    );
    // One line per failure the fixture recovered from, as worked out by hand: 3 h, 2 h, 1 h.
    let csv = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    for hours in ["3", "2", "1"] {
        assert!(
            csv.lines()
                .skip(1)
                .any(|l| l.ends_with(&format!(",{hours}")) || l.contains(&format!(",{hours}.0"))),
            "{hours} h in {csv}"
        );
    }
    let mut wrong = vec!["dora"];
    wrong.extend(PERIOD);
    wrong.extend(["--chart", "happiness", "--png", "x.png"]);
    let run = home.run(&wrong).expect(2);
    assert!(run.stderr.contains("lead-time"), "{run:#?}");
}

/// Every number opens to what it counts: the deployments behind each metric, as worked out by
/// hand for the fixture.
#[test]
fn explain_lists_the_deployments_behind_a_number() {
    let home = Home::new();
    home.run(&["history", "import", &fixture()]).expect(0);
    let behind = |metric: &str| -> Vec<(String, Option<String>)> {
        let mut args = vec!["dora"];
        args.extend(PERIOD);
        args.extend(["--explain", metric, "-o", "json"]);
        let run = home.run(&args).expect(0);
        let rows: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
        rows.iter()
            .map(|r| {
                (
                    r["deployment"].as_str().unwrap().to_string(),
                    r["detail"].as_str().map(str::to_string),
                )
            })
            .collect()
    };
    let ids = |rows: Vec<(String, Option<String>)>| -> Vec<String> {
        rows.into_iter().map(|(id, _)| id).collect()
    };
    assert_eq!(behind("deployments").len(), 7);
    assert_eq!(
        ids(behind("frequency")),
        ["prod/web.1", "prod/web.4", "prod/web.5", "prod/web.6"]
    );
    assert_eq!(
        behind("lead-time"),
        [(
            "prod/web.1".to_string(),
            Some("from its commits: 6 h 00 min, 12 d 12 h".to_string())
        )]
    );
    assert_eq!(
        ids(behind("change-fail-rate")),
        ["prod/web.2", "prod/web.3", "prod/web.4"]
    );
    let recoveries = behind("recovery-time");
    assert_eq!(recoveries.len(), 3);
    assert!(
        recoveries[0]
            .1
            .as_deref()
            .unwrap()
            .ends_with("after 3 h 00 min")
    );
    assert_eq!(ids(behind("rework-rate")), ["prod/web.4", "prod/web.5"]);
}
