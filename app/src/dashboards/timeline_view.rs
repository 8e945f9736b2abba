//! Delivery phases on a time axis: a diamond where each phase was due, a dot per receipt (red
//! when it came after the plan). Server-rendered SVG like the charts; hovering a mark shows
//! its figures, clicking a phase opens its contract.

use super::grid::Grid;
use super::model::Timeline;
use super::scale::{x_date, Scale};
use super::FigureDownloads;
use leptos::prelude::*;

const WIDTH: f64 = 960.0;
const ROW: f64 = 30.0;
const LABEL: f64 = 280.0;
const AXIS: f64 = 28.0;

#[component]
pub fn TimelineView(timeline: Timeline, downloads: super::Downloads) -> impl IntoView {
    let title = timeline.title.clone();
    if timeline.rows.is_empty() {
        return view! {
            <figure class="chart" data-chart=timeline.id.clone()>
                <figcaption><span class="chart-title">{title}</span></figcaption>
                <p class="empty">{timeline.empty.clone()}</p>
            </figure>
        }
        .into_any();
    }
    let height = AXIS + ROW * timeline.rows.len() as f64 + 8.0;
    let pad = ((timeline.end - timeline.start) * 0.03).max(10.0);
    let x = Scale {
        from: (timeline.start - pad, timeline.end + pad),
        to: (LABEL, WIDTH - 16.0),
    };
    let hovered = RwSignal::new(None::<(f64, f64, String)>);
    let navigate = leptos_router::hooks::use_navigate();
    let ticks = (0..=5).map(|k| {
        let v = x.from.0 + (x.from.1 - x.from.0) * k as f64 / 5.0;
        let anchor = match k { 0 => "start", 5 => "end", _ => "middle" };
        view! { <text class="tick" x=x.at(v) y=18.0 text-anchor=anchor>{x_date(v).format("%Y-%m").to_string()}</text> }
    }).collect_view();
    let rows = timeline.rows.iter().enumerate().map(|(r, row)| {
        let y = AXIS + ROW * r as f64 + ROW / 2.0;
        let px = x.at(row.planned_x);
        let planned_text = row.planned_text.clone();
        let href = row.href.clone();
        let navigate = navigate.clone();
        let moved = row.scenario_planned.as_ref().map(|m| {
            let sx = x.at(m.x);
            let text = m.text.clone();
            view! {
                <polygon class="planned scenario" points=format!("{sx},{} {},{y} {sx},{} {},{y}", y - 8.0, sx + 8.0, y + 8.0, sx - 8.0)
                    on:mouseenter=move |_| hovered.set(Some((sx, y, text.clone())))>
                    <title>{m.text.clone()}</title>
                </polygon>
            }
        });
        let receipts = row.receipts.iter().map(|m| {
            let cx = x.at(m.x);
            let text = m.text.clone();
            let title = m.text.clone();
            view! {
                <circle class="receipt" class:late=m.late cx=cx cy=y r=6.0
                    on:mouseenter=move |_| hovered.set(Some((cx, y, text.clone())))>
                    <title>{title}</title>
                </circle>
            }
        }).collect_view();
        view! {
            <g class="timeline-row" data-row=r on:click=move |_| navigate(&href, Default::default())>
                <line class="grid" x1=LABEL x2=WIDTH - 16.0 y1=y y2=y/>
                <text class="row-label" x=LABEL - 8.0 y=y + 4.0 text-anchor="end">{row.label.clone()}</text>
                <polygon class="planned" points=format!("{px},{} {},{y} {px},{} {},{y}", y - 8.0, px + 8.0, y + 8.0, px - 8.0)
                    on:mouseenter=move |_| hovered.set(Some((px, y, planned_text.clone())))>
                    <title>{row.planned_text.clone()}</title>
                </polygon>
                {moved}
                {receipts}
            </g>
        }
    }).collect_view();
    let (columns, kinds, table) = (
        timeline.columns.clone(),
        timeline.kinds.clone(),
        timeline.table.clone(),
    );
    let any_moved = timeline.rows.iter().any(|r| r.scenario_planned.is_some());
    view! {
        <figure class="chart" data-chart=timeline.id.clone()>
            <figcaption>
                <span class="chart-title">{title.clone()}</span>
                <FigureDownloads downloads=downloads/>
            </figcaption>
            <div class="legend">
                <span class="legend-item"><span class="swatch planned"></span>"Planned"</span>
                <span class="legend-item"><span class="swatch receipt"></span>"Received on time"</span>
                <span class="legend-item"><span class="swatch receipt late"></span>"Received late"</span>
                {any_moved.then(|| view! { <span class="legend-item"><span class="swatch planned scenario"></span>"Planned under the scenario"</span> })}
            </div>
            <div class="plot" on:mouseleave=move |_| hovered.set(None)>
                <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-label=title>
                    {ticks}
                    {rows}
                </svg>
                {move || hovered.get().map(|(cx, cy, text)| view! {
                    <div class="tooltip" role="tooltip" class:flip=(cx / WIDTH > 0.6)
                        style=format!("left: {:.2}%; top: {:.0}px", cx / WIDTH * 100.0, cy)>
                        {text.lines().map(|l| view! { <div class="tooltip-row">{l.to_owned()}</div> }).collect_view()}
                    </div>
                })}
            </div>
            <details class="chart-data" open>
                <summary>"Phases and receipts (" {table.len()} " rows)"</summary>
                <Grid columns=columns kinds=kinds rows=table/>
            </details>
        </figure>
    }
    .into_any()
}
