//! A chart the engine drew, shown as an image of its SVG. As an image, the SVG's embedded
//! font (an `@font-face` with a `data:` URL) is its own business: the window's content
//! security policy allows neither inline styles nor `data:` fonts in the page, and no markup
//! from the engine is put into the page.

use leptos::prelude::*;
use shipdeck_ipc::dora::ChartSvg;

/// The SVG as a `data:` URL.
fn data_url(svg: &str) -> String {
    format!(
        "data:image/svg+xml;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(svg))
    )
}

#[component]
pub fn ChartImage(chart: ChartSvg) -> impl IntoView {
    view! {
        <img class="chart-image" data-chart=chart.id.clone() alt=chart.title.clone() src=data_url(&chart.svg)/>
    }
}
