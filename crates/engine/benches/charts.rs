//! The five DORA charts over 90 days of a busy team's history (2,000 deployments of five
//! applications, one in ten failing, some rolled back, one to four commits each): the numbers
//! behind them, then each drawn to SVG and to a 1× PNG of 1200 × 675. Target: 50 ms or less per
//! chart and format, one thread.
//!
//! `cargo bench -p shipdeck-engine --bench charts` (no cluster needed). Criterion's estimates
//! come first, then the median of 21 timed runs of each, the figures to quote.

use criterion::Criterion;
use jiff::{SignedDuration, Timestamp};
use shipdeck_engine::charts::{self, ChartData};
use shipdeck_engine::dora::Fact;
use shipdeck_ipc::deploy::{DeploymentKind, DeploymentResult};
use std::hint::black_box;
use std::time::{Duration, Instant};

const DAYS: i64 = 90;
const DEPLOYMENTS: i64 = 2_000;
const WIDTH: u32 = 1200;
const HEIGHT: u32 = 675;

/// A small deterministic generator, so every run draws the same history.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn history(since: Timestamp) -> Vec<Fact> {
    let mut rng = Lcg(15);
    let step = DAYS * 86_400 / DEPLOYMENTS;
    let mut facts: Vec<Fact> = Vec::new();
    for i in 0..DEPLOYMENTS {
        let end = since + SignedDuration::from_secs(i * step + rng.below(step as u64) as i64);
        let app = format!("app-{}", rng.below(5));
        let roll = rng.below(100);
        let (kind, result, answers) = match roll {
            0..=9 => (DeploymentKind::Sync, DeploymentResult::Failed, None),
            // A rollback of this application's previous deployment.
            10..=13 => (
                DeploymentKind::Rollback,
                DeploymentResult::Succeeded,
                facts
                    .iter()
                    .rev()
                    .find(|f| f.app == app)
                    .map(|f| f.id.clone()),
            ),
            _ => (DeploymentKind::AutoSync, DeploymentResult::Succeeded, None),
        };
        // Commits from ten minutes to five days before the deployment.
        let commits = (0..1 + rng.below(4))
            .map(|_| end - SignedDuration::from_secs(600 + rng.below(5 * 86_400) as i64))
            .collect();
        facts.push(Fact {
            id: format!("prod/{app}.{i}"),
            app,
            kind,
            result,
            finished_at: Some(end),
            commits,
            answers,
            incident: false,
        });
    }
    facts
}

fn median_of_21(mut run: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..21)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn name(data: &ChartData) -> String {
    format!("{:?}", data.kind)
}

fn main() {
    let since: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let until = since + SignedDuration::from_hours(24 * DAYS);
    let facts = history(since);
    let all = charts::charts(&facts, since, until);

    let mut c = Criterion::default().configure_from_args().sample_size(20);
    c.bench_function("data of the five charts", |b| {
        b.iter(|| black_box(charts::charts(&facts, since, until)))
    });
    for data in &all {
        c.bench_function(&format!("{} svg", name(data)), |b| {
            b.iter(|| black_box(charts::svg(data, WIDTH, HEIGHT)))
        });
        c.bench_function(&format!("{} png", name(data)), |b| {
            b.iter(|| black_box(charts::png(data, WIDTH, HEIGHT, 1)))
        });
    }
    c.final_summary();

    println!("\nmedians of 21 runs, {DEPLOYMENTS} deployments over {DAYS} days, {WIDTH}x{HEIGHT}:");
    let data = median_of_21(|| {
        black_box(charts::charts(&facts, since, until));
    });
    println!("  data of the five charts: {data:?}");
    for chart in &all {
        let svg = median_of_21(|| {
            black_box(charts::svg(chart, WIDTH, HEIGHT));
        });
        let png = median_of_21(|| {
            black_box(charts::png(chart, WIDTH, HEIGHT, 1));
        });
        let png_2x = median_of_21(|| {
            black_box(charts::png(chart, WIDTH, HEIGHT, 2));
        });
        // The SVG's size, and how much of it the embedded fonts take.
        let text = charts::svg(chart, WIDTH, HEIGHT);
        let fonts = match (text.find("<defs>"), text.find("</defs>")) {
            (Some(start), Some(end)) => end - start,
            _ => 0,
        };
        // The PNGs' sizes: how well the encoder's settings compress.
        let kb = |scale| charts::png(chart, WIDTH, HEIGHT, scale).len() as f64 / 1000.0;
        println!(
            "  {:<15} svg {svg:>10.2?} {:>5.1} KB ({:.1} KB fonts)  png 1x {png:>10.2?} {:>4.0} KB  png 2x {png_2x:>10.2?} {:>4.0} KB",
            name(chart),
            text.len() as f64 / 1000.0,
            fonts as f64 / 1000.0,
            kb(1),
            kb(2),
        );
    }
}
