//! The ratio dashboard's outlook: the next twelve months' infrastructure-to-revenue ratio
//! from the `ratio-outlook` report, the baseline's and, under a scenario, the scenario's beside
//! it.

use super::super::model::{Axis, Chart, ColumnKind, Point, Series, Shape, Table, Unit, XKind};
use super::super::scale::date_x;
use super::context::Ctx;
use super::report_columns::ReportColumns;
use chrono::NaiveDate;
use domain::date::month_end;
use reports::{Report, ReportError};

/// One outlook report's shown months and their (spend, revenue, ratio) figures.
struct Months {
    months: Vec<NaiveDate>,
    cells: Vec<[Point; 3]>,
}

impl Months {
    fn read(ctx: &Ctx<'_>, report: &Report) -> Result<Self, ReportError> {
        let c = ReportColumns::new(report);
        let mut out = Self {
            months: vec![],
            cells: vec![],
        };
        let figures = c
            .points("infra_spend")?
            .into_iter()
            .zip(c.points("revenue")?)
            .zip(c.points("ratio")?);
        for (m, ((spend, revenue), ratio)) in c.dates("month")?.into_iter().zip(figures) {
            if ctx.shows_month(m) {
                out.months.push(m);
                out.cells.push([spend, revenue, ratio]);
            }
        }
        Ok(out)
    }

    fn column(&self, at: usize) -> Vec<Point> {
        self.cells.iter().map(|c| c[at].clone()).collect()
    }
}

/// The outlook chart and its table; `scenario` is the scenario's name and its outlook report.
pub(super) fn outlook(
    ctx: &Ctx<'_>,
    baseline: &Report,
    scenario: Option<(&str, &Report)>,
) -> Result<(Chart, Table), ReportError> {
    let base = Months::read(ctx, baseline)?;
    let under = match scenario {
        Some((name, table)) => Some((name, Months::read(ctx, table)?)),
        None => None,
    };
    // The scenario's cells by the baseline's months. Without an as-of date each report takes
    // today on its own, so across a midnight at a month's turn their months can differ.
    let under = under.map(|(name, s)| {
        let cells: Vec<[Point; 3]> = base
            .months
            .iter()
            .map(|m| {
                s.months
                    .iter()
                    .position(|n| n == m)
                    .map(|i| s.cells[i].clone())
                    .unwrap_or_default()
            })
            .collect();
        (
            name,
            Months {
                months: base.months.clone(),
                cells,
            },
        )
    });
    let mut series = vec![
        Series::new(
            "Projected infra spend",
            Shape::Bar,
            Axis::Left,
            base.column(0),
        ),
        Series::new(
            "Revenue (held flat)",
            Shape::Bar,
            Axis::Left,
            base.column(1),
        ),
        Series::new("Baseline ratio", Shape::Dashed, Axis::Right, base.column(2)),
    ];
    let mut columns = ["month", "infra_spend", "revenue", "ratio"]
        .map(str::to_owned)
        .to_vec();
    if let Some((name, s)) = &under {
        series.push(Series::new(
            &format!("Scenario: {name} ratio"),
            Shape::Line,
            Axis::Right,
            s.column(2),
        ));
        columns.extend(
            ["scenario_infra_spend", "scenario_revenue", "scenario_ratio"].map(str::to_owned),
        );
    }
    let rows = (0..base.months.len())
        .map(|i| {
            let mut row = vec![base.months[i].to_string()];
            row.extend(base.cells[i].iter().map(|p| p.label.clone()));
            if let Some((_, s)) = &under {
                row.extend(s.cells[i].iter().map(|p| p.label.clone()));
            }
            row
        })
        .collect();
    let chart = Chart {
        id: "ratio-outlook".to_owned(),
        title: "Outlook: infrastructure spend ÷ revenue, next 12 months".to_owned(),
        x_kind: XKind::Date,
        x_title: "month".to_owned(),
        x: base.months.iter().map(|m| date_x(*m)).collect(),
        x_labels: base.months.iter().map(|m| m.to_string()).collect(),
        // Months to come have no entries to drill into.
        drill: vec![None; base.months.len()],
        left: Unit::Money,
        right: Some(Unit::Ratio),
        series,
        marks: vec![],
        empty: "No outlook: it needs revenue up to the as-of date, and the chosen dates must include the twelve months after it.".to_owned(),
    };
    let table = Table {
        id: "ratio-outlook-table".to_owned(),
        title: match (base.months.first(), base.months.last()) {
            (Some(first), Some(last)) => format!("Outlook from {first} to {}", month_end(*last)),
            _ => "Outlook (none for these filters)".to_owned(),
        },
        kinds: std::iter::once(ColumnKind::Date)
            .chain(columns.iter().skip(1).map(|_| ColumnKind::Number))
            .collect(),
        columns,
        rows,
        links: vec![],
    };
    Ok((chart, table))
}
