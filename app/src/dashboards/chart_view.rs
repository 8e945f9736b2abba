//! A chart drawn as SVG by the server, so a dashboard reads and prints before (or without)
//! wasm; once hydrated it adds tooltips with the exact figures, legend toggles and drill-down
//! on click. Hand-written: the one Leptos 0.8 charting crate (leptos-chartistry 0.2) measures
//! its container in the browser and renders only "Loading..." on the server.

use super::grid::Grid;
use super::model::{Axis, Chart, Shape, XKind};
use super::scale::{group_number, line_path, tick_label, ticks, x_date, Scale};
use super::FigureDownloads;
use leptos::prelude::*;

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 320.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 36.0;
const LEFT: f64 = 72.0;

/// Where everything goes, computed once from the data.
struct Layout {
    x: Scale,
    left: Scale,
    left_ticks: Vec<f64>,
    right: Option<(Scale, Vec<f64>)>,
    /// Horizontal centre of each point, and the width of the strip around it.
    centres: Vec<f64>,
    band: f64,
}

fn value_range(chart: &Chart, axis: Axis) -> Option<(f64, f64)> {
    let mut lo = 0f64;
    let mut hi = f64::MIN;
    let mut any = false;
    let mut stacked = vec![0f64; chart.x.len()];
    for series in chart.series.iter().filter(|s| s.axis == axis) {
        for (i, value) in series.values.iter().enumerate() {
            if let Some(v) = value {
                let v = if series.shape == Shape::Stack {
                    stacked[i] += v;
                    stacked[i]
                } else {
                    *v
                };
                lo = lo.min(v);
                hi = hi.max(v);
                any = true;
            }
        }
    }
    any.then_some((lo, hi))
}

impl Layout {
    fn new(chart: &Chart) -> Self {
        let right_margin = if chart.right.is_some() { 64.0 } else { 16.0 };
        let n = chart.x.len();
        let (x_min, x_max, pad) = match chart.x_kind {
            XKind::Category => (0.0, n.saturating_sub(1) as f64, 0.5),
            XKind::Date => {
                let all = chart.x.iter().chain(chart.marks.iter().map(|m| &m.x));
                let lo = all.clone().copied().fold(f64::MAX, f64::min);
                let hi = all.copied().fold(f64::MIN, f64::max);
                let has_bars = chart
                    .series
                    .iter()
                    .any(|s| matches!(s.shape, Shape::Bar | Shape::Stack));
                let gap = chart
                    .x
                    .windows(2)
                    .map(|w| w[1] - w[0])
                    .fold(f64::MAX, f64::min);
                let pad = if has_bars { gap.min(31.0) / 2.0 } else { 0.0 };
                (lo, hi, if pad.is_finite() { pad } else { 15.0 })
            }
        };
        let x = Scale {
            from: (x_min - pad, x_max + pad),
            to: (LEFT, WIDTH - right_margin),
        };
        let y_pixels = (HEIGHT - BOTTOM, TOP);
        let axis = |range: Option<(f64, f64)>| {
            let (lo, hi) = range.unwrap_or((0.0, 1.0));
            let t = ticks(lo, hi, 5);
            let scale = Scale {
                from: (t[0], *t.last().unwrap_or(&1.0)),
                to: y_pixels,
            };
            (scale, t)
        };
        let (left, left_ticks) = axis(value_range(chart, Axis::Left));
        let right = chart.right.map(|_| axis(value_range(chart, Axis::Right)));
        let centres: Vec<f64> = chart.x.iter().map(|v| x.at(*v)).collect();
        let band = centres
            .windows(2)
            .map(|w| w[1] - w[0])
            .fold(f64::MAX, f64::min)
            .min(x.at(x_max + pad) - x.at(x_min - pad));
        let band = if band.is_finite() && band > 0.0 {
            band
        } else {
            40.0
        };
        Self {
            x,
            left,
            left_ticks,
            right,
            centres,
            band,
        }
    }

    fn y(&self, axis: Axis) -> Scale {
        match (axis, &self.right) {
            (Axis::Right, Some((scale, _))) => *scale,
            _ => self.left,
        }
    }
}

fn series_class(index: usize) -> String {
    format!("series c{}", index % 8)
}

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
    let plot_left = layout.x.to.0;
    let plot_right = layout.x.to.1;
    let left = layout
        .left_ticks
        .iter()
        .map(|t| {
            let y = layout.left.at(*t);
            view! {
                <line class="grid" x1=plot_left x2=plot_right y1=y y2=y/>
                <text class="tick" x=plot_left - 6.0 y=y + 4.0 text-anchor="end">{tick_label(chart.left, *t)}</text>
            }
        })
        .collect_view();
    let right = match (&layout.right, chart.right) {
        (Some((scale, right_ticks)), Some(unit)) => right_ticks
            .iter()
            .map(|t| {
                view! { <text class="tick" x=plot_right + 6.0 y=scale.at(*t) + 4.0>{tick_label(unit, *t)}</text> }
            })
            .collect_view()
            .into_any(),
        _ => ().into_any(),
    };
    let bottom = HEIGHT - BOTTOM;
    let last_tick = match chart.x_kind {
        XKind::Category => usize::MAX,
        XKind::Date => 5,
    };
    let x_ticks: Vec<(f64, String)> = match chart.x_kind {
        XKind::Category => chart
            .x_labels
            .iter()
            .enumerate()
            .map(|(i, label)| (layout.centres[i], label.chars().take(16).collect()))
            .collect(),
        XKind::Date => {
            let (lo, hi) = layout.x.from;
            (0..=5)
                .map(|k| {
                    let x = lo + (hi - lo) * k as f64 / 5.0;
                    (layout.x.at(x), x_date(x).format("%Y-%m").to_string())
                })
                .collect()
        }
    };
    view! {
        <g class="axes">
            {left}
            {right}
            <line class="axis" x1=plot_left x2=plot_right y1=bottom y2=bottom/>
            {x_ticks.into_iter().enumerate().map(|(k, (x, label))| {
                // Dates at the ends of the axis stay inside the picture.
                let anchor = match k {
                    0 if last_tick != usize::MAX => "start",
                    k if k == last_tick => "end",
                    _ => "middle",
                };
                view! { <text class="tick" x=x y=bottom + 18.0 text-anchor=anchor>{label}</text> }
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
    let grouped: Vec<usize> = (0..chart.series.len())
        .filter(|i| chart.series[*i].shape == Shape::Bar)
        .collect();
    let stacked: Vec<usize> = (0..chart.series.len())
        .filter(|i| chart.series[*i].shape == Shape::Stack)
        .collect();
    let slots = grouped.len() + usize::from(!stacked.is_empty());
    if slots == 0 {
        return ().into_any();
    }
    let width = layout.band * 0.8 / slots as f64;
    let mut rects = Vec::new();
    for (slot, index) in grouped.iter().enumerate() {
        let y = layout.y(chart.series[*index].axis);
        for (i, value) in chart.series[*index].values.iter().enumerate() {
            if let Some(v) = value {
                let x = layout.centres[i] - layout.band * 0.4 + slot as f64 * width;
                rects.push((*index, i, x, y.at(v.max(0.0)), y.at(v.min(0.0))));
            }
        }
    }
    let mut base = vec![0f64; chart.x.len()];
    for index in &stacked {
        let y = layout.y(chart.series[*index].axis);
        for (i, value) in chart.series[*index].values.iter().enumerate() {
            if let Some(v) = value {
                let x = layout.centres[i] - layout.band * 0.4 + grouped.len() as f64 * width;
                rects.push((*index, i, x, y.at(base[i] + v), y.at(base[i])));
                base[i] += v;
            }
        }
    }
    rects
        .into_iter()
        .map(|(series, _point, x, top, bottom)| {
            view! {
                <rect class=format!("bar {}", series_class(series)) x=x y=top width=width.max(1.0) height=(bottom - top).max(0.5)
                    style:display=move || if hidden.get()[series] { "none" } else { "" }/>
            }
        })
        .collect_view()
        .into_any()
}

fn lines(chart: &Chart, layout: &Layout, hidden: RwSignal<Vec<bool>>) -> impl IntoView {
    chart
        .series
        .iter()
        .enumerate()
        .filter(|(_, s)| matches!(s.shape, Shape::Line | Shape::Dashed))
        .map(|(index, series)| {
            let y = layout.y(series.axis);
            let points: Vec<(f64, f64)> = series
                .values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| (layout.centres[i], y.at(v))))
                .collect();
            let dashed = series.shape == Shape::Dashed;
            view! {
                <path class=format!("line {}", series_class(index)) class:dashed=dashed d=line_path(&points)
                    style:display=move || if hidden.get()[index] { "none" } else { "" }/>
            }
        })
        .collect_view()
}

fn marks(chart: &Chart, layout: &Layout) -> impl IntoView {
    chart
        .marks
        .iter()
        .map(|mark| {
            let x = layout.x.at(mark.x);
            let anchor = if x > WIDTH * 0.7 { "end" } else { "start" };
            let text_x = if anchor == "end" { x - 4.0 } else { x + 4.0 };
            view! {
                <g class="mark">
                    <line x1=x x2=x y1=TOP y2=HEIGHT - BOTTOM/>
                    <text x=text_x y=TOP + 12.0 text-anchor=anchor>{mark.text.clone()}</text>
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboards::model::{Point, Series, Unit};

    fn points(values: &[&str]) -> Vec<Point> {
        values
            .iter()
            .map(|v| Point {
                value: v.parse().ok(),
                label: v.to_string(),
            })
            .collect()
    }

    fn chart(values: Vec<&str>, shape: Shape) -> Chart {
        let n = values.len();
        Chart {
            id: "t".into(),
            title: "t".into(),
            x_kind: XKind::Category,
            x_title: "x".into(),
            x: (0..n).map(|i| i as f64).collect(),
            x_labels: (0..n).map(|i| format!("p{i}")).collect(),
            drill: vec![None; n],
            left: Unit::Money,
            right: None,
            series: ["a", "b"]
                .map(|name| Series::new(name, shape, Axis::Left, points(&values)))
                .to_vec(),
            marks: vec![],
            empty: String::new(),
        }
    }

    #[test]
    fn stacked_series_set_the_axis_by_their_sum() {
        assert_eq!(
            value_range(&chart(vec!["10", "30"], Shape::Stack), Axis::Left),
            Some((0.0, 60.0))
        );
        assert_eq!(
            value_range(&chart(vec!["10", "30"], Shape::Bar), Axis::Left),
            Some((0.0, 30.0))
        );
        assert_eq!(
            value_range(&chart(vec!["", ""], Shape::Bar), Axis::Left),
            None
        );
    }

    #[test]
    fn categories_get_equal_strips_inside_the_plot() {
        let layout = Layout::new(&chart(vec!["1", "2", "3", "4"], Shape::Bar));
        assert_eq!(layout.centres.len(), 4);
        assert!((layout.band - (layout.centres[1] - layout.centres[0])).abs() < 1e-9);
        assert!(layout.centres[0] > LEFT && layout.centres[3] < WIDTH);
        assert_eq!(layout.left_ticks.first(), Some(&0.0));
    }
}
