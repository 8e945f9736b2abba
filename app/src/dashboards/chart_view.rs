//! A chart drawn as SVG by the server, so a dashboard reads and prints before (or without)
//! wasm; once hydrated it adds tooltips with the exact figures, legend toggles and drill-down
//! on click. Hand-written: the one Leptos 0.8 charting crate (leptos-chartistry 0.2) measures
//! its container in the browser and renders only "Loading..." on the server.

use super::chart_geometry::{self as geometry, series_class, Layout, BOTTOM, HEIGHT, TOP, WIDTH};
use super::grid::Grid;
use super::model::Chart;
use super::scale::group_number;
use super::FigureDownloads;
use leptos::prelude::*;

#[component]
pub fn ChartView(chart: Chart, downloads: super::Downloads) -> impl IntoView {
    let title = chart.title.clone();
    let id = chart.id.clone();
    if chart.x.is_empty() {
        return view! {
            <figure class="chart" data-chart=id>
                <figcaption><span class="chart-title">{title}</span></figcaption>
                <p class="empty">{chart.empty.clone()}</p>
            </figure>
        }
        .into_any();
    }
    let layout = Layout::new(&chart);
    let hidden = RwSignal::new(vec![false; chart.series.len()]);
    let hovered = RwSignal::new(None::<usize>);
    let chart = StoredValue::new(chart);
    let (centres, centres2) = (layout.centres.clone(), layout.centres.clone());
    view! {
        <figure class="chart" data-chart=id>
            <figcaption>
                <span class="chart-title">{title.clone()}</span>
                <FigureDownloads downloads=downloads/>
            </figcaption>
            <Legend chart=chart hidden=hidden/>
            <div class="plot" on:mouseleave=move |_| hovered.set(None)>
                <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=title preserveAspectRatio="xMidYMid meet">
                    {axes(&chart.read_value(), &layout)}
                    {bands(chart, &layout, hovered)}
                    {bars(&chart.read_value(), &layout, hidden)}
                    {lines(&chart.read_value(), &layout, hidden)}
                    {marks(&chart.read_value(), &layout)}
                    <line class="guide" y1=TOP y2=HEIGHT - BOTTOM
                        x1=move || hovered.get().map(|i| centres[i]).unwrap_or(-10.0)
                        x2=move || hovered.get().map(|i| centres2[i]).unwrap_or(-10.0)/>
                </svg>
                <Tooltip chart=chart layout_centres=layout.centres.clone() hidden=hidden hovered=hovered/>
            </div>
            <DataTable chart=chart/>
        </figure>
    }
    .into_any()
}

#[component]
fn Legend(chart: StoredValue<Chart>, hidden: RwSignal<Vec<bool>>) -> impl IntoView {
    let names: Vec<String> =
        chart.with_value(|c| c.series.iter().map(|s| s.name.clone()).collect());
    view! {
        <div class="legend" role="group" aria-label="Show or hide series">
            {names.into_iter().enumerate().map(|(i, name)| view! {
                <button type="button" class="legend-item"
                    aria-pressed=move || (!hidden.get()[i]).to_string()
                    on:click=move |_| hidden.update(|h| h[i] = !h[i])>
                    <span class=format!("swatch {}", series_class(i))></span>
                    {name}
                </button>
            }).collect_view()}
        </div>
    }
}

fn axes(chart: &Chart, layout: &Layout) -> impl IntoView {
    let axes = geometry::axes(chart, layout);
    let (plot_left, plot_right, bottom) = (axes.plot_left, axes.plot_right, axes.bottom);
    let label = |tick: geometry::Tick| view! { <text class="tick" x=tick.x y=tick.y + 4.0 text-anchor=tick.anchor>{tick.text}</text> };
    view! {
        <g class="axes">
            {axes.left.into_iter().map(|tick| view! {
                <line class="grid" x1=plot_left x2=plot_right y1=tick.y y2=tick.y/>
                {label(tick)}
            }).collect_view()}
            {axes.right.into_iter().map(label).collect_view()}
            <line class="axis" x1=plot_left x2=plot_right y1=bottom y2=bottom/>
            {axes.below.into_iter().map(|tick| view! {
                <text class="tick" x=tick.x y=tick.y text-anchor=tick.anchor>{tick.text}</text>
            }).collect_view()}
        </g>
    }
}

/// One strip per point, under the data: hovering it shows the point's figures, clicking it
/// opens the rows behind it.
fn bands(
    chart: StoredValue<Chart>,
    layout: &Layout,
    hovered: RwSignal<Option<usize>>,
) -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    let centres = layout.centres.clone();
    let (top, height) = (TOP, HEIGHT - BOTTOM - TOP);
    let (plot_left, plot_right) = layout.x.to;
    let tip = chart.with_value(|c| {
        (0..c.x.len())
            .map(|i| {
                let mut text = c.x_labels[i].clone();
                for s in c.series.iter().filter(|s| !s.labels[i].is_empty()) {
                    text.push_str(&format!("\n{}: {}", s.name, s.labels[i]));
                }
                text
            })
            .collect::<Vec<_>>()
    });
    let drill = chart.with_value(|c| c.drill.clone());
    (0..centres.len())
        .map(|i| {
            let left = if i == 0 { plot_left } else { (centres[i - 1] + centres[i]) / 2.0 };
            let right = if i + 1 == centres.len() { plot_right } else { (centres[i] + centres[i + 1]) / 2.0 };
            let link = drill.get(i).cloned().flatten();
            let navigate = navigate.clone();
            view! {
                <rect class="hover-band" class:drillable=link.is_some() data-index=i x=left y=top width=(right - left).max(0.5) height=height
                    on:mouseenter=move |_| hovered.set(Some(i))
                    on:click=move |_| if let Some(link) = &link { navigate(link, Default::default()) }>
                    <title>{tip[i].clone()}</title>
                </rect>
            }
        })
        .collect_view()
}

/// Bars let the pointer through to the strip under them (see `bands`).
fn bars(chart: &Chart, layout: &Layout, hidden: RwSignal<Vec<bool>>) -> impl IntoView {
    geometry::bars(chart, layout)
        .into_iter()
        .map(|bar| {
            let series = bar.series;
            view! {
                <rect class=format!("bar {}", series_class(series)) x=bar.x y=bar.y width=bar.width height=bar.height
                    style:display=move || if hidden.get()[series] { "none" } else { "" }/>
            }
        })
        .collect_view()
}

fn lines(chart: &Chart, layout: &Layout, hidden: RwSignal<Vec<bool>>) -> impl IntoView {
    geometry::lines(chart, layout)
        .into_iter()
        .map(|line| {
            let index = line.series;
            view! {
                <path class=format!("line {}", series_class(index)) class:dashed=line.dashed d=line.d
                    style:display=move || if hidden.get()[index] { "none" } else { "" }/>
            }
        })
        .collect_view()
}

fn marks(chart: &Chart, layout: &Layout) -> impl IntoView {
    geometry::marks(chart, layout)
        .into_iter()
        .map(|mark| {
            let caption = mark.caption;
            view! {
                <g class="mark">
                    <line x1=mark.x x2=mark.x y1=TOP y2=HEIGHT - BOTTOM/>
                    <text x=caption.x y=caption.y text-anchor=caption.anchor>{caption.text}</text>
                </g>
            }
        })
        .collect_view()
}

#[component]
fn Tooltip(
    chart: StoredValue<Chart>,
    layout_centres: Vec<f64>,
    hidden: RwSignal<Vec<bool>>,
    hovered: RwSignal<Option<usize>>,
) -> impl IntoView {
    move || {
        let i = hovered.get()?;
        let hidden = hidden.get();
        let left = layout_centres[i] / WIDTH * 100.0;
        let (label, rows, link) = chart.with_value(|c| {
            let rows: Vec<(usize, String, String)> = c
                .series
                .iter()
                .enumerate()
                .filter(|(k, s)| !hidden[*k] && !s.labels[i].is_empty())
                .map(|(k, s)| (k, s.name.clone(), s.labels[i].clone()))
                .collect();
            (
                c.x_labels[i].clone(),
                rows,
                c.drill.get(i).cloned().flatten(),
            )
        });
        let flip = left > 60.0;
        Some(view! {
            <div class="tooltip" role="tooltip" class:flip=flip style=format!("left: {left:.2}%")>
                <div class="tooltip-title">{label}</div>
                {rows.into_iter().map(|(k, name, value)| view! {
                    <div class="tooltip-row">
                        <span class=format!("swatch {}", series_class(k))></span>
                        <span class="tooltip-name">{name}</span>
                        <span class="tooltip-value">{group_number(&value)}</span>
                    </div>
                }).collect_view()}
                {link.map(|href| view! { <a class="tooltip-link" href=href>"Show the rows →"</a> })}
            </div>
        })
    }
}

/// The numbers behind the chart, for reading without a mouse and for print; the same cells
/// as the CSV download.
#[component]
fn DataTable(chart: StoredValue<Chart>) -> impl IntoView {
    let (columns, kinds, rows, drill) =
        chart.with_value(|c| (c.columns(), c.kinds(), c.rows(), c.drill.clone()));
    view! {
        <details class="chart-data">
            <summary>"Data (" {rows.len()} " rows)"</summary>
            <Grid columns=columns kinds=kinds rows=rows links=drill row_heads=true/>
        </details>
    }
}
