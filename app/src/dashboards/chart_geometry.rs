//! Where a chart's axes, bars, lines and marks go, computed once from its data: the page draws
//! them as live SVG (`chart_view`), the board pack as a standalone SVG (`chart_svg`), so the
//! PDF shows the chart the dashboard shows.

use super::model::{Axis, Chart, Shape, XKind};
use super::scale::{line_path, tick_label, ticks, x_date, Scale};

pub const WIDTH: f64 = 960.0;
pub const HEIGHT: f64 = 320.0;
pub const TOP: f64 = 16.0;
pub const BOTTOM: f64 = 36.0;
pub const LEFT: f64 = 72.0;

/// The scales of a chart and the centre of each point.
pub struct Layout {
    pub x: Scale,
    pub left: Scale,
    pub left_ticks: Vec<f64>,
    pub right: Option<(Scale, Vec<f64>)>,
    /// Horizontal centre of each point, and the width of the strip around it.
    pub centres: Vec<f64>,
    pub band: f64,
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
    pub fn new(chart: &Chart) -> Self {
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

    pub fn y(&self, axis: Axis) -> Scale {
        match (axis, &self.right) {
            (Axis::Right, Some((scale, _))) => *scale,
            _ => self.left,
        }
    }
}

/// The CSS classes of a series' colour (the same eight in the stylesheet and the PDF).
pub fn series_class(index: usize) -> String {
    format!("series c{}", index % 8)
}

/// A label on an axis.
pub struct Tick {
    pub x: f64,
    pub y: f64,
    pub text: String,
    pub anchor: &'static str,
}

pub struct Axes {
    pub plot_left: f64,
    pub plot_right: f64,
    pub bottom: f64,
    /// A grid line at each `y`, labelled on the left.
    pub left: Vec<Tick>,
    pub right: Vec<Tick>,
    pub below: Vec<Tick>,
}

pub fn axes(chart: &Chart, layout: &Layout) -> Axes {
    let plot_left = layout.x.to.0;
    let plot_right = layout.x.to.1;
    let left = layout
        .left_ticks
        .iter()
        .map(|t| Tick {
            x: plot_left - 6.0,
            y: layout.left.at(*t),
            text: tick_label(chart.left, *t),
            anchor: "end",
        })
        .collect();
    let right = match (&layout.right, chart.right) {
        (Some((scale, right_ticks)), Some(unit)) => right_ticks
            .iter()
            .map(|t| Tick {
                x: plot_right + 6.0,
                y: scale.at(*t),
                text: tick_label(unit, *t),
                anchor: "start",
            })
            .collect(),
        _ => vec![],
    };
    let bottom = HEIGHT - BOTTOM;
    let below = match chart.x_kind {
        XKind::Category => chart
            .x_labels
            .iter()
            .enumerate()
            .map(|(i, label)| Tick {
                x: layout.centres[i],
                y: bottom + 18.0,
                text: label.chars().take(16).collect(),
                anchor: "middle",
            })
            .collect(),
        XKind::Date => {
            let (lo, hi) = layout.x.from;
            (0..=5)
                .map(|k| {
                    let x = lo + (hi - lo) * k as f64 / 5.0;
                    // Dates at the ends of the axis stay inside the picture.
                    let anchor = match k {
                        0 => "start",
                        5 => "end",
                        _ => "middle",
                    };
                    Tick {
                        x: layout.x.at(x),
                        y: bottom + 18.0,
                        text: x_date(x).format("%Y-%m").to_string(),
                        anchor,
                    }
                })
                .collect()
        }
    };
    Axes {
        plot_left,
        plot_right,
        bottom,
        left,
        right,
        below,
    }
}

pub struct BarRect {
    pub series: usize,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// Grouped bars side by side, stacked bars in one slot after them.
pub fn bars(chart: &Chart, layout: &Layout) -> Vec<BarRect> {
    let grouped: Vec<usize> = (0..chart.series.len())
        .filter(|i| chart.series[*i].shape == Shape::Bar)
        .collect();
    let stacked: Vec<usize> = (0..chart.series.len())
        .filter(|i| chart.series[*i].shape == Shape::Stack)
        .collect();
    let slots = grouped.len() + usize::from(!stacked.is_empty());
    if slots == 0 {
        return vec![];
    }
    let width = layout.band * 0.8 / slots as f64;
    let mut rects = Vec::new();
    let mut push = |series: usize, x: f64, top: f64, bottom: f64| {
        rects.push(BarRect {
            series,
            x,
            y: top,
            width: width.max(1.0),
            height: (bottom - top).max(0.5),
        })
    };
    for (slot, index) in grouped.iter().enumerate() {
        let y = layout.y(chart.series[*index].axis);
        for (i, value) in chart.series[*index].values.iter().enumerate() {
            if let Some(v) = value {
                let x = layout.centres[i] - layout.band * 0.4 + slot as f64 * width;
                push(*index, x, y.at(v.max(0.0)), y.at(v.min(0.0)));
            }
        }
    }
    let mut base = vec![0f64; chart.x.len()];
    for index in &stacked {
        let y = layout.y(chart.series[*index].axis);
        for (i, value) in chart.series[*index].values.iter().enumerate() {
            if let Some(v) = value {
                let x = layout.centres[i] - layout.band * 0.4 + grouped.len() as f64 * width;
                push(*index, x, y.at(base[i] + v), y.at(base[i]));
                base[i] += v;
            }
        }
    }
    rects
}

pub struct LinePath {
    pub series: usize,
    pub d: String,
    pub dashed: bool,
}

pub fn lines(chart: &Chart, layout: &Layout) -> Vec<LinePath> {
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
            LinePath {
                series: index,
                d: line_path(&points),
                dashed: series.shape == Shape::Dashed,
            }
        })
        .collect()
}

/// A vertical marker line at `x` with its caption.
pub struct MarkPart {
    pub x: f64,
    pub caption: Tick,
}

pub fn marks(chart: &Chart, layout: &Layout) -> Vec<MarkPart> {
    chart
        .marks
        .iter()
        .map(|mark| {
            let x = layout.x.at(mark.x);
            let anchor = if x > WIDTH * 0.7 { "end" } else { "start" };
            let text_x = if anchor == "end" { x - 4.0 } else { x + 4.0 };
            MarkPart {
                x,
                caption: Tick {
                    x: text_x,
                    y: TOP + 12.0,
                    text: mark.text.clone(),
                    anchor,
                },
            }
        })
        .collect()
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

    #[test]
    fn stacked_bars_sit_on_each_other_and_grouped_bars_beside() {
        let stacked = chart(vec!["10", "30"], Shape::Stack);
        let layout = Layout::new(&stacked);
        let rects = bars(&stacked, &layout);
        assert_eq!(rects.len(), 4);
        // The second series' first bar starts where the first series' bar ends.
        let (a, b) = (&rects[0], &rects[2]);
        assert_eq!((a.series, b.series), (0, 1));
        assert!((b.y + b.height - a.y).abs() < 1e-9);
        assert!((a.x - b.x).abs() < 1e-9);
        let grouped = chart(vec!["10", "30"], Shape::Bar);
        let rects = bars(&grouped, &Layout::new(&grouped));
        assert!(rects[2].x > rects[0].x);
    }
}
