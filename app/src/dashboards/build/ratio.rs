//! The infrastructure ÷ revenue dashboard: monthly spend and revenue, the ratio and its TTM,
//! commitments ÷ annualised revenue, and the twelve-month outlook.

use super::super::model::{Axis, Chart, Dashboard, Point, Series, Shape, Unit, XKind};
use super::super::scale::date_x;
use super::context::Ctx;
use super::outlook;
use super::report_columns::ReportColumns;
use chrono::NaiveDate;
use domain::date::month_end;
use reports::{Report, ReportError, ReportName};

/// Monthly infra spend and revenue as bars, the ratio and the TTM ratio as lines.
pub(super) fn ratio_chart(ctx: &Ctx<'_>, report: &Report) -> Result<Chart, ReportError> {
    let c = ReportColumns::new(report);
    let months = c.dates("month")?;
    let shown: Vec<bool> = months.iter().map(|m| ctx.shows_month(*m)).collect();
    let months: Vec<NaiveDate> = months.into_iter().filter(|m| ctx.shows_month(*m)).collect();
    let column = |name: &str| -> Result<Vec<Point>, ReportError> {
        Ok(c.points(name)?
            .into_iter()
            .zip(&shown)
            .filter_map(|(p, shown)| shown.then_some(p))
            .collect())
    };
    Ok(Chart {
        id: "ratio".to_owned(),
        title: "Infrastructure spend vs revenue".to_owned(),
        x_kind: XKind::Date,
        x_title: "month".to_owned(),
        x: months.iter().map(|m| date_x(*m)).collect(),
        x_labels: months.iter().map(|m| m.to_string()).collect(),
        drill: months
            .iter()
            .map(|m| Some(ctx.usage_link(*m, month_end(*m), None)))
            .collect(),
        left: Unit::Money,
        right: Some(Unit::Ratio),
        series: vec![
            Series::new(
                "Infra spend",
                Shape::Bar,
                Axis::Left,
                column("infra_spend")?,
            ),
            Series::new("Revenue", Shape::Bar, Axis::Left, column("revenue")?),
            Series::new("Ratio", Shape::Line, Axis::Right, column("ratio")?),
            Series::new(
                "TTM ratio",
                Shape::Dashed,
                Axis::Right,
                column("ttm_ratio")?,
            ),
        ],
        marks: vec![],
        empty: "No months with both spend and revenue for these filters.".to_owned(),
    })
}

pub(super) async fn ratio(ctx: &Ctx<'_>) -> Result<Dashboard, ReportError> {
    let report = ctx.report(ReportName::RatioTtm).await?;
    let main = ratio_chart(ctx, &report)?;
    let c = ReportColumns::new(&report);
    let shown: Vec<Point> = c
        .dates("month")?
        .into_iter()
        .zip(c.points("commitments_to_revenue")?)
        .filter_map(|(m, p)| ctx.shows_month(m).then_some(p))
        .collect();
    let multiple = Chart {
        id: "commitments-to-revenue".to_owned(),
        title: "Outstanding commitments ÷ annualised revenue".to_owned(),
        series: vec![Series::new(
            "Commitments ÷ annualised revenue",
            Shape::Line,
            Axis::Left,
            shown,
        )],
        left: Unit::Ratio,
        right: None,
        ..main.clone()
    };
    let baseline = ctx.report(ReportName::RatioOutlook).await?;
    let under = match ctx.under_scenario() {
        Some(under) => Some(under.report(ReportName::RatioOutlook).await?),
        None => None,
    };
    let (outlook, outlook_table) = outlook::outlook(
        ctx,
        &baseline,
        under.as_deref().map(|t| (ctx.query.scenario.trim(), t)),
    )?;
    let mut notes = vec![format!(
        "The outlook carries each contract's trailing {}-day run-rate to the end of its term and holds revenue at its latest month.",
        analytics::projection::DEFAULT_WINDOW_DAYS
    )];
    notes.extend(ctx.scenario_note("the history above is the ledger's own"));
    let link = format!(
        "{}{}",
        super::super::View::Ratio.path(),
        ctx.query.query_string()
    );
    Ok(Dashboard {
        kpis: super::fx_effect::spend_and_revenue(ctx, link).await?,
        charts: vec![main, multiple, outlook],
        tables: vec![outlook_table],
        notes,
        ..Default::default()
    })
}
