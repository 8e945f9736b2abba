//! A chart as a standalone SVG document: the axes, bars, lines and marks the dashboard draws
//! (from the same `chart_geometry`), with its colours written in, for the board pack's PDF.
//! No hover strips, guide or tooltips: paper has no pointer.

use super::chart_geometry::{self as geometry, series_class, Layout, Tick, HEIGHT, TOP, WIDTH};
use super::model::Chart;
use std::fmt::Write;

/// The dashboard's chart colours (style/main.css), resolved: an SVG renderer for print has no
/// CSS variables. A test keeps the two in step.
pub const SERIES_COLOURS: [&str; 8] = [
    "#2f6fba", "#e07b26", "#6b7785", "#7a3fb0", "#2e9e6a", "#c23b6b", "#1b9bb0", "#a68a1c",
];

/// The stylesheet of a standalone chart.
pub fn stylesheet(font_family: &str) -> String {
    let mut css = format!(
        "text {{ font-family: '{font_family}'; font-size: 11px; }}\n\
         .tick {{ fill: #5b6675; }}\n\
         .grid {{ stroke: #e4e8ee; }}\n\
         .axis {{ stroke: #9aa5b1; }}\n\
         .line {{ fill: none; stroke-width: 2; }}\n\
         .dashed {{ stroke-dasharray: 6 4; stroke-width: 1.5; }}\n\
         .mark line {{ stroke: #b42318; stroke-dasharray: 4 3; }}\n\
         .mark text {{ fill: #b42318; font-weight: bold; }}\n"
    );
    for (i, colour) in SERIES_COLOURS.iter().enumerate() {
        let _ = writeln!(
            css,
            ".c{i}.bar {{ fill: {colour}; }} .c{i}.line {{ stroke: {colour}; }}"
        );
    }
    css
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn text(out: &mut String, class: &str, tick: &Tick) {
    let _ = write!(
        out,
        r#"<text class="{class}" x="{:.2}" y="{:.2}" text-anchor="{}">{}</text>"#,
        tick.x,
        tick.y,
        tick.anchor,
        escape(&tick.text)
    );
}

/// The chart's picture, or `None` for a chart without points (the pack says `chart.empty`).
pub fn chart_svg(chart: &Chart) -> Option<String> {
    if chart.x.is_empty() {
        return None;
    }
    let layout = Layout::new(chart);
    let axes = geometry::axes(chart, &layout);
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}"><g class="axes">"#
    );
    for tick in &axes.left {
        let _ = write!(
            out,
            r#"<line class="grid" x1="{:.2}" x2="{:.2}" y1="{:.2}" y2="{:.2}"/>"#,
            axes.plot_left, axes.plot_right, tick.y, tick.y
        );
        text(
            &mut out,
            "tick",
            &Tick {
                y: tick.y + 4.0,
                text: tick.text.clone(),
                ..*tick
            },
        );
    }
    for tick in &axes.right {
        let shifted = Tick {
            y: tick.y + 4.0,
            text: tick.text.clone(),
            ..*tick
        };
        text(&mut out, "tick", &shifted);
    }
    let _ = write!(
        out,
        r#"<line class="axis" x1="{:.2}" x2="{:.2}" y1="{:.2}" y2="{:.2}"/>"#,
        axes.plot_left, axes.plot_right, axes.bottom, axes.bottom
    );
    for tick in &axes.below {
        text(&mut out, "tick", tick);
    }
    out.push_str("</g>");
    for bar in geometry::bars(chart, &layout) {
        let _ = write!(
            out,
            r#"<rect class="bar {}" x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}"/>"#,
            series_class(bar.series),
            bar.x,
            bar.y,
            bar.width,
            bar.height
        );
    }
    for line in geometry::lines(chart, &layout) {
        let dashed = if line.dashed { " dashed" } else { "" };
        let _ = write!(
            out,
            r#"<path class="line {}{dashed}" d="{}"/>"#,
            series_class(line.series),
            line.d
        );
    }
    for mark in geometry::marks(chart, &layout) {
        let _ = write!(
            out,
            r#"<g class="mark"><line x1="{x:.2}" x2="{x:.2}" y1="{TOP}" y2="{:.2}"/>"#,
            HEIGHT - geometry::BOTTOM,
            x = mark.x
        );
        text(&mut out, "", &mark.caption);
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboards::model::{Axis, Mark, Point, Series, Shape, Unit, XKind};

    fn chart() -> Chart {
        let point = |v: i64| Point::money(v);
        Chart {
            id: "portfolio".into(),
            title: "Burn-down".into(),
            x_kind: XKind::Date,
            x_title: "date".into(),
            x: vec![20_000.0, 20_031.0, 20_059.0],
            x_labels: vec!["a".into(), "b".into(), "c".into()],
            drill: vec![None; 3],
            left: Unit::Money,
            right: None,
            series: vec![
                Series::new(
                    "Spend",
                    Shape::Bar,
                    Axis::Left,
                    vec![point(100), point(250), point(50)],
                ),
                Series::new(
                    "Remaining",
                    Shape::Dashed,
                    Axis::Left,
                    vec![point(900), point(650), point(600)],
                ),
            ],
            marks: vec![Mark {
                x: 20_059.0,
                text: "R&D <ends>".into(),
            }],
            empty: "nothing".into(),
        }
    }

    #[test]
    fn a_chart_is_a_well_formed_svg_with_its_bars_lines_and_escaped_marks() {
        let svg = chart_svg(&chart()).expect("points");
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert_eq!(svg.matches("<rect class=\"bar series c0\"").count(), 3);
        assert_eq!(
            svg.matches("<path class=\"line series c1 dashed\"").count(),
            1
        );
        assert!(svg.contains("R&amp;D &lt;ends&gt;"));
        // Every element opened is closed.
        assert_eq!(svg.matches("<g").count(), svg.matches("</g>").count());
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn a_chart_without_points_has_no_picture() {
        let mut empty = chart();
        empty.x.clear();
        assert_eq!(chart_svg(&empty), None);
    }

    #[test]
    fn the_colours_are_the_stylesheets() {
        let css = include_str!("../../../style/main.css");
        for (i, colour) in SERIES_COLOURS.iter().enumerate() {
            let rule = format!(".c{i} {{ --swatch: {colour}; }}");
            assert!(css.contains(&rule), "style/main.css lacks {rule}");
        }
    }
}
