//! The infrastructure ÷ revenue dashboard: monthly spend and revenue, the ratio and its TTM,
//! commitments ÷ annualised revenue, and the twelve-month outlook.

use super::*;

/// Monthly infra spend and revenue as bars, the ratio and the TTM ratio as lines.
pub(super) fn ratio_chart(ctx: &Ctx<'_>, table: &ReportTable) -> Result<Chart, ReportError> {
    let c = Columns(table);
    let month = c.at("month")?;
    let rows: Vec<(NaiveDate, &Vec<String>)> = table
        .rows
        .iter()
        .map(|row| Ok((date(&row[month])?, row)))
        .collect::<Result<Vec<_>, ReportError>>()?
        .into_iter()
        .filter(|(m, _)| ctx.shows_month(*m))
        .collect();
    let column = |name: &str| -> Result<Vec<String>, ReportError> {
        let at = c.at(name)?;
        Ok(rows.iter().map(|(_, row)| row[at].clone()).collect())
    };
    Ok(Chart {
        id: "ratio".to_owned(),
        title: "Infrastructure spend vs revenue".to_owned(),
        x_kind: XKind::Date,
        x_title: "month".to_owned(),
        x: rows.iter().map(|(m, _)| date_x(*m)).collect(),
        x_labels: rows.iter().map(|(m, _)| m.to_string()).collect(),
        drill: rows
            .iter()
            .map(|(m, _)| Some(ctx.usage_link(*m, month_end(*m), None)))
            .collect(),
        left: Unit::Money,
        right: Some(Unit::Ratio),
        series: vec![
            Series::from_labels(
                "Infra spend",
                Shape::Bar,
                Axis::Left,
                column("infra_spend")?,
            ),
            Series::from_labels("Revenue", Shape::Bar, Axis::Left, column("revenue")?),
            Series::from_labels("Ratio", Shape::Line, Axis::Right, column("ratio")?),
            Series::from_labels(
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
    let table = ctx.report(ReportName::RatioTtm).await?;
    let main = ratio_chart(ctx, &table)?;
    let at = Columns(&table).at("commitments_to_revenue")?;
    let month = Columns(&table).at("month")?;
    let shown: Vec<&Vec<String>> = table
        .rows
        .iter()
        .filter(|row| {
            date(&row[month])
                .map(|m| ctx.shows_month(m))
                .unwrap_or(false)
        })
        .collect();
    let multiple = Chart {
        id: "commitments-to-revenue".to_owned(),
        title: "Outstanding commitments ÷ annualised revenue".to_owned(),
        series: vec![Series::from_labels(
            "Commitments ÷ annualised revenue",
            Shape::Line,
            Axis::Left,
            shown.iter().map(|row| row[at].clone()).collect(),
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
        under
            .as_deref()
            .map(|t| (ctx.query.scenario.trim(), &t.table)),
    )?;
    let mut notes = vec![format!(
        "The outlook carries each contract's trailing {}-day run-rate to the end of its term and holds revenue at its latest month.",
        analytics::projection::DEFAULT_WINDOW_DAYS
    )];
    notes.extend(ctx.scenario_note("the history above is the ledger's own"));
    Ok(Dashboard {
        charts: vec![main, multiple, outlook],
        tables: vec![outlook_table],
        notes,
        ..Default::default()
    })
}
