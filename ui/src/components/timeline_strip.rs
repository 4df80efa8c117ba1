//! The timeline's strip: one lane per application across the window, with a mark for each
//! event (a dot per deployment coloured by its result, a diamond for a repair, a tick per
//! commit, a triangle for drift, a band from an incident's opening to its end, a check for a
//! recovery) and the time axis below. A deployment's mark opens it.

use crate::format;
use crate::timeline_scale::Window;
use leptos::prelude::*;
use shipdeck_ipc::timeline::{TimelineEvent, What};
use std::collections::BTreeSet;

const WIDTH: f64 = 1000.0;
/// Room for the lane names on the left.
const LEFT: f64 = 150.0;
const LANE: f64 = 34.0;
const TOP: f64 = 8.0;
const AXIS: f64 = 26.0;

/// A deployment the user opened.
#[derive(Debug, Clone, PartialEq)]
pub struct Selected {
    pub app: String,
    pub id: String,
    pub event: TimelineEvent,
}

impl Selected {
    /// The deployment `e` is, if it is one.
    pub fn of(e: &TimelineEvent) -> Option<Selected> {
        match &e.what {
            What::Deployment { id, .. } => Some(Selected {
                app: e.app.clone(),
                id: id.clone(),
                event: e.clone(),
            }),
            _ => None,
        }
    }
}

#[component]
pub fn Strip(
    events: Vec<TimelineEvent>,
    window: Window,
    selected: RwSignal<Option<Selected>>,
) -> impl IntoView {
    let lanes: Vec<String> = events
        .iter()
        .map(|e| e.app.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let height = TOP + LANE * lanes.len() as f64 + AXIS;
    let plot = WIDTH - LEFT - 10.0;
    let x = move |rfc3339: &str| {
        format::parse_rfc3339(rfc3339).map(|t| LEFT + window.x(t, plot).clamp(0.0, plot))
    };
    let lane_y = |app: &str| {
        let i = lanes.iter().position(|l| l == app).unwrap_or(0);
        TOP + LANE * i as f64 + LANE / 2.0
    };
    let axis_y = TOP + LANE * lanes.len() as f64;
    let ticks = window.ticks().into_iter().map(|(at, label)| {
        let tx = LEFT + window.x(at, plot);
        view! {
            <line class="tl-grid" x1=tx x2=tx y1=TOP y2=axis_y/>
            <text class="tl-tick" x=tx y=axis_y + 17.0 text-anchor="middle">{label}</text>
        }
    });
    let names = lanes.iter().enumerate().map(|(i, app)| {
        let y = TOP + LANE * i as f64;
        view! {
            <rect class="tl-lane" class:odd=i % 2 == 1 x=0 y=y width=WIDTH height=LANE/>
            <text class="tl-lane-name" x=8 y=y + LANE / 2.0 + 5.0>{app.clone()}</text>
        }
    });
    // Bands first, so marks are drawn over them.
    let mut ordered: Vec<&TimelineEvent> = events.iter().collect();
    ordered.sort_by_key(|e| !matches!(e.what, What::Incident { .. }));
    let marks = ordered
        .into_iter()
        .filter_map(|e| {
            let cx = x(&e.at)?;
            let cy = lane_y(&e.app);
            let title = e.line();
            Some(match &e.what {
                What::Commit { .. } => view! {
                    <line class="tl-mark tl-commit" x1=cx x2=cx y1=cy - 11.0 y2=cy - 5.0><title>{title}</title></line>
                }
                .into_any(),
                What::Deployment { id, kind, result, incident, .. } => {
                    let pick = Selected::of(e);
                    let class = format!(
                        "tl-mark tl-deployment result-{}{}",
                        result.label(),
                        if *incident { " tl-caused-incident" } else { "" }
                    );
                    let on_click = move |_| selected.set(pick.clone());
                    let id = id.clone();
                    let lit = {
                        let id = id.clone();
                        move || selected.with(|s| s.as_ref().is_some_and(|s| s.id == id))
                    };
                    if kind.is_repair() {
                        let points = format!(
                            "{},{} {},{} {},{} {},{}",
                            cx, cy - 7.0, cx + 7.0, cy, cx, cy + 7.0, cx - 7.0, cy
                        );
                        view! {
                            <polygon class=class class:lit=lit data-id=id points=points on:click=on_click>
                                <title>{title}</title>
                            </polygon>
                        }
                        .into_any()
                    } else {
                        view! {
                            <circle class=class class:lit=lit data-id=id cx=cx cy=cy r=6 on:click=on_click>
                                <title>{title}</title>
                            </circle>
                        }
                        .into_any()
                    }
                }
                What::Drift { resolved_at, .. } => {
                    let points = format!("{},{} {},{} {},{}", cx, cy + 5.0, cx - 5.0, cy + 13.0, cx + 5.0, cy + 13.0);
                    // Out of sync until resolved (or to the window's end while it is not).
                    let end = resolved_at.as_deref().and_then(&x).unwrap_or(LEFT + plot);
                    view! {
                        <line class="tl-drift-span" x1=cx x2=end.max(cx) y1=cy + 13.0 y2=cy + 13.0/>
                        <polygon class="tl-mark tl-drift" points=points><title>{title}</title></polygon>
                    }
                    .into_any()
                }
                What::Incident { resolved_at, .. } => {
                    let end = resolved_at
                        .as_deref()
                        .and_then(&x)
                        .unwrap_or(LEFT + plot);
                    view! {
                        <rect class="tl-incident" x=cx y=cy - LANE / 2.0 + 2.0 width=(end - cx).max(3.0) height=LANE - 4.0>
                            <title>{title}</title>
                        </rect>
                    }
                    .into_any()
                }
                What::Recovery { .. } => view! {
                    <path class="tl-mark tl-recovery" d=format!("M{} {} l3 3 l6 -7", cx - 4.0, cy - 12.0)><title>{title}</title></path>
                }
                .into_any(),
            })
        })
        .collect_view();
    view! {
        <svg class="timeline-strip" id="timeline-strip" viewBox=format!("0 0 {WIDTH} {height}")
            role="img" aria-label="Events by application over the window">
            {names.collect_view()}
            {ticks.collect_view()}
            <line class="tl-axis" x1=LEFT x2=WIDTH - 10.0 y1=axis_y y2=axis_y/>
            {marks}
        </svg>
    }
}
