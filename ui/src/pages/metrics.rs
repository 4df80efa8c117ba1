//! The five DORA metrics of an application, a team or everything, over a period, with their
//! bands and the previous period, each beside its definition; and history files in and out.
//! The numbers are the engine's (`dora_metrics`), never computed here.

use crate::api;
use crate::components::error_view::ErrorView;
use crate::format;
use crate::store::use_store;
use leptos::prelude::*;
use shipdeck_ipc::dora::{Band, DoraQuery, DoraReport, DoraView};
use shipdeck_ipc::history::HistoryFileArgs;

/// The periods offered, in days.
const PERIODS: [u32; 4] = [7, 30, 90, 365];

/// Which applications: `""` every one, `app:ID` one, `team:ID` a team.
fn query(scope: &str, days: u32, now: i64) -> DoraQuery {
    let (app, team) = match scope.split_once(':') {
        Some(("app", id)) => (Some(id.to_string()), None),
        Some(("team", id)) => (None, Some(id.to_string())),
        _ => (None, None),
    };
    DoraQuery {
        app,
        team,
        since: format::rfc3339(now - i64::from(days) * 86_400),
        until: format::rfc3339(now),
    }
}

#[component]
pub fn Metrics() -> impl IntoView {
    let store = use_store();
    let days = RwSignal::new(90u32);
    let scope = RwSignal::new(String::new());
    let reload = RwSignal::new(0u32);
    let settings = LocalResource::new(move || {
        store.settings_version.track();
        api::settings()
    });
    let view = LocalResource::new(move || {
        reload.track();
        let q = query(&scope.get(), days.get(), format::now_secs());
        api::history::dora_metrics(q)
    });
    view! {
        <section class="page" id="page-metrics">
            <header class="page-header">
                <h1>"Metrics"</h1>
                <p class="lede">
                    "DORA delivery metrics from the deployments the team recorded in its \
                     clusters, the rollouts the clusters remember, and imported history."
                </p>
            </header>
            <div class="metrics-controls">
                <label>
                    "Measure "
                    <select
                        id="metrics-scope"
                        on:change=move |ev| scope.set(event_target_value(&ev))
                    >
                        <option value="">"every application"</option>
                        {move || {
                            settings
                                .get()
                                .and_then(Result::ok)
                                .map(|s| {
                                    let teams = s.teams.into_iter().map(|t| {
                                        let value = format!("team:{}", t.id);
                                        view! { <option value=value>{format!("team {}", t.id)}</option> }
                                    });
                                    let apps = s.applications.into_iter().map(|a| {
                                        let value = format!("app:{}", a.id);
                                        view! { <option value=value>{a.id}</option> }
                                    });
                                    (teams.collect_view(), apps.collect_view())
                                })
                        }}
                    </select>
                </label>
                <div class="period" role="group" aria-label="Period">
                    {PERIODS
                        .into_iter()
                        .map(|d| {
                            view! {
                                <button
                                    class="period-button"
                                    data-period=d
                                    class:selected=move || days.get() == d
                                    on:click=move |_| days.set(d)
                                >
                                    {format!("{d} days")}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            </div>
            {move || match view.get() {
                None => view! { <p class="loading">"Measuring…"</p> }.into_any(),
                Some(Err(error)) => view! { <ErrorView error/> }.into_any(),
                Some(Ok(v)) => view! { <Board view=v days=days.get_untracked()/> }.into_any(),
            }}
            <HistoryFiles scope reload/>
        </section>
    }
}

#[component]
fn Board(view: DoraView, days: u32) -> impl IntoView {
    let (now, before, bands) = (&view.report, &view.previous, &view.bands);
    let year = bands.year;
    let cards = [
        (
            "deployments",
            "Deployments",
            now.deployments.to_string(),
            None,
            before.deployments.to_string(),
            "Every deployment that finished in the period, whatever its result.",
        ),
        (
            "frequency",
            "Deployment frequency",
            frequency(now),
            bands.deployment_frequency,
            frequency(before),
            "Successful deployments per day; daily when the median week has deployments on 3 \
             days or more, weekly when it has one, else monthly or yearly (Four Keys).",
        ),
        (
            "lead-time",
            "Change lead time",
            lead_time(now),
            bands.lead_time,
            lead_time(before),
            "Median (and 90th percentile) of deployment end minus commit time, over every \
             successful deployment and commit it brought; zero or negative values dropped.",
        ),
        (
            "change-fail-rate",
            "Change fail rate",
            percent(now.change_fail_rate.as_ref().map(|r| r.ratio)),
            bands.change_fail_rate,
            percent(before.change_fail_rate.as_ref().map(|r| r.ratio)),
            "Deployments that failed or were rolled back, undone or hot-fixed, over all.",
        ),
        (
            "recovery-time",
            "Failed deployment recovery time",
            recovery(now),
            bands.recovery_time,
            recovery(before),
            "Median time from a failed deployment's end to the next clean successful \
             deployment of the same application.",
        ),
        (
            "rework-rate",
            "Deployment rework rate",
            percent(now.rework_rate.as_ref().map(|r| r.ratio)),
            None,
            percent(before.rework_rate.as_ref().map(|r| r.ratio)),
            "Rollbacks, undos and hotfixes (unplanned deployments) over all deployments.",
        ),
    ];
    view! {
        {view.notice.clone().map(|n| view! { <p class="notice" id="history-notice">{n}</p> })}
        <div class="metric-grid" id="metric-grid">
            {cards
                .into_iter()
                .map(|(id, title, value, band, previous, definition)| {
                    view! {
                        <article class="card metric" id=format!("metric-{id}")>
                            <h2>{title}</h2>
                            <p class="metric-value">{value}</p>
                            {band.map(|b| view! {
                                <p class=format!("band band-{}", band_name(b))>
                                    {format!("{} · DORA {year} bands", band_name(b))}
                                </p>
                            })}
                            <p class="metric-previous">
                                {format!("previous {days} days: {previous}")}
                            </p>
                            <p class="metric-definition">{definition}</p>
                        </article>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// Import a history file, or export what is stored, by path.
#[component]
fn HistoryFiles(scope: RwSignal<String>, reload: RwSignal<u32>) -> impl IntoView {
    let path = RwSignal::new(String::new());
    let result = RwSignal::new(None::<Result<String, shipdeck_ipc::IpcError>>);
    let args = move || {
        let q = query(&scope.get_untracked(), 1, 0);
        HistoryFileArgs {
            path: path.get_untracked().trim().to_string(),
            app: q.app,
            team: q.team,
        }
    };
    let import = move |_| {
        let args = args();
        leptos::task::spawn_local(async move {
            let done = api::history::history_import(args).await.map(|c| {
                format!(
                    "Imported {} deployments, {} commits and {} incidents.",
                    c.deployments, c.commits, c.incidents
                )
            });
            if done.is_ok() {
                reload.update(|r| *r += 1);
            }
            result.set(Some(done));
        });
    };
    let export = move |_| {
        let args = args();
        leptos::task::spawn_local(async move {
            let done = api::history::history_export(args.clone()).await.map(|c| {
                format!(
                    "Exported {} deployments, {} commits and {} incidents to {}.",
                    c.deployments, c.commits, c.incidents, args.path
                )
            });
            result.set(Some(done));
        });
    };
    view! {
        <h2 class="section-title">"History files"</h2>
        <p class="lede">
            "JSON Lines, one event per line (the format is in the README): a CI system's \
             backfill, or history moved between machines. A file with a bad line is refused \
             with its line number and nothing of it is imported."
        </p>
        <div class="history-files">
            <input
                id="history-path"
                type="text"
                placeholder="/path/to/history.jsonl"
                prop:value=move || path.get()
                on:input=move |ev| path.set(event_target_value(&ev))
            />
            <button id="history-import" on:click=import disabled=move || path.get().trim().is_empty()>
                "Import"
            </button>
            <button id="history-export" on:click=export disabled=move || path.get().trim().is_empty()>
                "Export"
            </button>
        </div>
        {move || result.get().map(|r| match r {
            Ok(text) => view! { <p class="history-result" id="history-result">{text}</p> }.into_any(),
            Err(error) => view! { <div id="history-result"><ErrorView error/></div> }.into_any(),
        })}
    }
}

fn band_name(b: Band) -> &'static str {
    match b {
        Band::Elite => "elite",
        Band::High => "high",
        Band::Medium => "medium",
        Band::Low => "low",
    }
}

fn frequency(r: &DoraReport) -> String {
    r.deployment_frequency.as_ref().map_or("–".into(), |f| {
        let label = format!("{:?}", f.label).to_lowercase();
        format!("{:.2} a day ({label})", f.per_day)
    })
}

fn lead_time(r: &DoraReport) -> String {
    r.lead_time.as_ref().map_or("–".into(), |l| {
        format!(
            "{} (p90 {})",
            duration(l.median_seconds),
            duration(l.p90_seconds)
        )
    })
}

fn recovery(r: &DoraReport) -> String {
    r.recovery_time
        .as_ref()
        .map_or("–".into(), |t| duration(t.median_seconds))
}

fn percent(ratio: Option<f64>) -> String {
    ratio.map_or("–".into(), |r| format!("{:.1}%", r * 100.0))
}

/// The two largest units: `3 d 4 h`, `2 h 05 min`, `45 s`.
fn duration(seconds: i64) -> String {
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
        seconds % 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{s} s"),
        (0, 0, _) => format!("{m} min {s:02} s"),
        (0, _, _) => format!("{h} h {m:02} min"),
        _ => format!("{d} d {h} h"),
    }
}
