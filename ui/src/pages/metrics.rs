//! The five DORA metrics of an application, a team or everything, over a period, with their
//! bands and the previous period, each beside its definition; and history files in and out.
//! The numbers are the engine's (`dora_metrics`), never computed here.

use crate::api;
use crate::components::chart_image::ChartImage;
use crate::components::error_view::ErrorView;
use crate::components::presentation::Presentation;
use crate::components::scope_select::{ClusterSelect, ScopeSelect, chosen};
use crate::metrics_query::{Measure, PERIODS};
use crate::routes;
use leptos::prelude::*;
use shipdeck_ipc::dora::{BehindArgs, ChartExportArgs, ChartFormat, DoraView};
use shipdeck_ipc::dora_text as text;
use shipdeck_ipc::history::HistoryFileArgs;

#[component]
pub fn Metrics() -> impl IntoView {
    let m = Measure::new();
    let (days, scope) = (m.days, m.scope);
    let reload = RwSignal::new(0u32);
    let presenting = RwSignal::new(false);
    // The metric whose deployments are listed (a click on its card).
    let selected = RwSignal::new(None::<&'static str>);
    let view = LocalResource::new(move || {
        reload.track();
        api::history::dora_metrics(m.query())
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
                <ScopeSelect scope id="metrics-scope" label="Measure"/>
                <ClusterSelect cluster=m.cluster id="metrics-cluster"/>
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
                <button id="metrics-present" class="primary" title="Full screen, large type, arrow keys to step"
                    on:click=move |_| presenting.set(true)>"Present"</button>
            </div>
            {move || presenting.get().then(|| view! { <Presentation m open=presenting/> })}
            {move || match view.get() {
                None => view! { <p class="loading">"Measuring…"</p> }.into_any(),
                Some(Err(error)) => view! { <ErrorView error/> }.into_any(),
                Some(Ok(v)) => view! { <Board view=v days=days.get_untracked() selected/> }.into_any(),
            }}
            <Behind m reload selected/>
            <Charts m reload/>
            <HistoryFiles scope reload/>
        </section>
    }
}

#[component]
fn Board(view: DoraView, days: u32, selected: RwSignal<Option<&'static str>>) -> impl IntoView {
    let year = view.bands.year;
    view! {
        {view.notice.clone().map(|n| view! { <p class="notice" id="history-notice">{n}</p> })}
        <div class="metric-grid" id="metric-grid">
            {text::METRICS
                .into_iter()
                .map(|m| {
                    let band = text::band(m.id, &view.bands);
                    view! {
                        <article
                            class="card metric"
                            id=format!("metric-{}", m.id)
                            class:open=move || selected.get() == Some(m.id)
                            title="Show the deployments this number counts"
                            on:click=move |_| {
                                selected.update(|s| *s = if *s == Some(m.id) { None } else { Some(m.id) })
                            }
                        >
                            <h2>{m.name}</h2>
                            <p class="metric-value">{text::value(m.id, &view.report)}</p>
                            {band.map(|b| view! {
                                <p class=format!("band band-{}", b.label())>
                                    {format!("{} · DORA {year} bands", b.label())}
                                </p>
                            })}
                            <p class="metric-previous">
                                {format!("previous {days} days: {}", text::value(m.id, &view.previous))}
                            </p>
                            <p class="metric-definition">{m.definition}</p>
                        </article>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// The deployments behind the selected metric, each with what it adds to the number.
#[component]
fn Behind(
    m: Measure,
    reload: RwSignal<u32>,
    selected: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let rows = LocalResource::new(move || {
        reload.track();
        let (query, metric) = (m.query(), selected.get());
        async move {
            match metric {
                Some(metric) => api::history::dora_behind(BehindArgs {
                    query,
                    metric: metric.to_string(),
                })
                .await
                .map(|rows| Some((metric, rows))),
                None => Ok(None),
            }
        }
    });
    move || match rows.get() {
        None | Some(Ok(None)) => None,
        Some(Err(error)) => Some(view! { <ErrorView error/> }.into_any()),
        Some(Ok(Some((metric, rows)))) => {
            let name = text::METRICS
                .iter()
                .find(|m| m.id == metric)
                .map_or("", |m| m.name);
            Some(
                view! {
                    <section class="card behind" id="behind-list">
                        <h2>{format!("{name}: the {} deployments it counts", rows.len())}</h2>
                        <ul>
                            {rows
                                .into_iter()
                                .map(|r| view! {
                                    <li>
                                        <a class="behind-link" href=routes::timeline_at(&r.deployment, &r.finished_at)
                                            title="Show it in the timeline">
                                            <code>{r.deployment.clone()}</code>
                                        </a>
                                        {format!(
                                            " {} {}, finished {}",
                                            r.kind.label(),
                                            r.result.label(),
                                            r.finished_at
                                        )}
                                        {r.detail.map(|d| format!(": {d}"))}
                                    </li>
                                })
                                .collect_view()}
                        </ul>
                    </section>
                }
                .into_any(),
            )
        }
    }
}

/// The five charts of what is measured, drawn by the engine, each exportable as PNG (1× or
/// 2×), SVG or the CSV of its numbers.
#[component]
fn Charts(m: Measure, reload: RwSignal<u32>) -> impl IntoView {
    let charts = LocalResource::new(move || {
        reload.track();
        api::history::dora_charts(m.query())
    });
    let path = RwSignal::new(String::new());
    let format = RwSignal::new(ChartFormat::Png2x);
    let replace = RwSignal::new(false);
    let result = RwSignal::new(None::<Result<String, shipdeck_ipc::IpcError>>);
    let export = move |chart: String| {
        let args = ChartExportArgs {
            query: m.query_untracked(),
            chart,
            format: format.get_untracked(),
            path: path.get_untracked().trim().to_string(),
            replace: replace.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            let to = args.path.clone();
            let done = api::history::dora_chart_export(args)
                .await
                .map(|bytes| format!("Wrote {to} ({bytes} bytes)."));
            result.set(Some(done));
        });
    };
    view! {
        <h2 class="section-title">"Charts"</h2>
        <div class="history-files chart-export">
            <input
                id="chart-path"
                type="text"
                placeholder="/path/to/chart.png"
                prop:value=move || path.get()
                on:input=move |ev| path.set(event_target_value(&ev))
            />
            <button id="chart-path-choose" title="Choose where to save the chart"
                on:click=move |_| {
                    let (kind, extension) = match format.get_untracked() {
                        ChartFormat::Svg => ("SVG image", "svg"),
                        ChartFormat::Csv => ("CSV", "csv"),
                        _ => ("PNG image", "png"),
                    };
                    leptos::task::spawn_local(async move {
                        let name = format!("chart.{extension}");
                        match api::dialog::save_path("Save the chart", &name, kind, &[extension]).await {
                            Ok(Some(chosen)) => path.set(chosen),
                            Ok(None) => {}
                            Err(e) => result.set(Some(Err(e))),
                        }
                    });
                }>"Save as…"</button>
            <select id="chart-format" on:change=move |ev| {
                format.set(match event_target_value(&ev).as_str() {
                    "png-1x" => ChartFormat::Png1x,
                    "svg" => ChartFormat::Svg,
                    "csv" => ChartFormat::Csv,
                    _ => ChartFormat::Png2x,
                })
            }>
                <option value="png-2x">"PNG 2×"</option>
                <option value="png-1x">"PNG 1×"</option>
                <option value="svg">"SVG"</option>
                <option value="csv">"CSV (the numbers)"</option>
            </select>
            <ReplaceBox replace id="chart-replace"/>
        </div>
        <Outcome result id="chart-result"/>
        {move || match charts.get() {
            None => view! { <p class="loading">"Drawing…"</p> }.into_any(),
            Some(Err(error)) => view! { <ErrorView error/> }.into_any(),
            Some(Ok(list)) => view! {
                <div class="chart-list">
                    {list
                        .into_iter()
                        .map(|c| {
                            let id = c.id.clone();
                            view! {
                                <figure class="chart card" id=format!("chart-{}", c.id)>
                                    <ChartImage chart=c.clone()/>
                                    <figcaption>
                                        <button
                                            class="chart-export-button"
                                            data-chart=c.id.clone()
                                            disabled=move || path.get().trim().is_empty()
                                            on:click=move |_| export(id.clone())
                                        >
                                            {format!("Export “{}”", c.title)}
                                        </button>
                                    </figcaption>
                                </figure>
                            }
                        })
                        .collect_view()}
                </div>
            }
            .into_any(),
        }}
    }
}

/// Fills `path` from the system's dialog: a history file to open, or (`Some(name)`) where to
/// save one. A cancelled dialog leaves it as it was.
fn choose(path: RwSignal<String>, save_as: Option<&'static str>) {
    leptos::task::spawn_local(async move {
        let kind = ("History (JSON Lines)", ["jsonl"]);
        let chosen = match save_as {
            Some(name) => api::dialog::save_path("Export the history", name, kind.0, &kind.1).await,
            None => api::dialog::open_path("Import a history file", kind.0, &kind.1).await,
        };
        match chosen {
            Ok(Some(chosen)) => path.set(chosen),
            Ok(None) => {}
            Err(e) => leptos::logging::warn!("file dialog: {}", e.message),
        }
    });
}

/// Import a history file, or export what is stored, by path.
#[component]
fn HistoryFiles(scope: RwSignal<String>, reload: RwSignal<u32>) -> impl IntoView {
    let path = RwSignal::new(String::new());
    let result = RwSignal::new(None::<Result<String, shipdeck_ipc::IpcError>>);
    let replace = RwSignal::new(false);
    let args = move || {
        let (app, team) = chosen(&scope.get_untracked());
        HistoryFileArgs {
            path: path.get_untracked().trim().to_string(),
            app,
            team,
            replace: replace.get_untracked(),
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
             backfill, or history moved between machines. A full path; a file with a bad \
             line is refused with its line number and nothing of it is imported. An export \
             holds what is measured above (every application, a team or one)."
        </p>
        <div class="history-files">
            <input
                id="history-path"
                type="text"
                placeholder="/path/to/history.jsonl"
                prop:value=move || path.get()
                on:input=move |ev| path.set(event_target_value(&ev))
            />
            <button id="history-choose-import" title="Choose a history file to import"
                on:click=move |_| choose(path, None)>"Choose…"</button>
            <button id="history-choose-export" title="Choose where to export the history"
                on:click=move |_| choose(path, Some("history.jsonl"))>"Save as…"</button>
            <button id="history-import" on:click=import disabled=move || path.get().trim().is_empty()>
                "Import"
            </button>
            <button id="history-export" on:click=export disabled=move || path.get().trim().is_empty()>
                "Export"
            </button>
            <ReplaceBox replace id="history-replace"/>
        </div>
        <Outcome result id="history-result"/>
    }
}

/// "Replace an existing file": an export never overwrites a file unless this is ticked.
#[component]
fn ReplaceBox(replace: RwSignal<bool>, id: &'static str) -> impl IntoView {
    view! {
        <label>
            <input
                type="checkbox"
                id=id
                prop:checked=move || replace.get()
                on:change=move |ev| replace.set(event_target_checked(&ev))
            />
            " replace an existing file"
        </label>
    }
}

/// What the last import or export did, or why it could not.
#[component]
fn Outcome(
    result: RwSignal<Option<Result<String, shipdeck_ipc::IpcError>>>,
    id: &'static str,
) -> impl IntoView {
    move || {
        result.get().map(|r| match r {
            Ok(text) => view! { <p class="history-result" id=id>{text}</p> }.into_any(),
            Err(error) => view! { <div id=id><ErrorView error/></div> }.into_any(),
        })
    }
}
