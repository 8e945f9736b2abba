//! The deliveries dashboard: each phase's plan and receipts on a timeline.

use super::super::model::{ColumnKind, Dashboard, Timeline, TimelineMark, TimelineRow};
use super::super::scale::date_x;
use super::context::Ctx;
use super::report_columns::ReportColumns;
use chrono::NaiveDate;
use reports::{ReportError, ReportName};
use std::collections::BTreeMap;

/// Each phase's planned date under the scenario, by "contract · phase" label.
pub(super) async fn scenario_plans(
    ctx: &Ctx<'_>,
) -> Result<BTreeMap<String, NaiveDate>, ReportError> {
    let Some(under) = ctx.under_scenario() else {
        return Ok(BTreeMap::new());
    };
    let report = under.report(ReportName::Slippage).await?;
    let c = ReportColumns::new(&report);
    Ok(c.cells("contract")?
        .into_iter()
        .zip(c.cells("phase")?)
        .zip(c.dates("planned_date")?)
        .map(|((contract, phase), planned)| (format!("{contract} · {phase}"), planned))
        .collect())
}

pub(super) async fn deliveries(ctx: &Ctx<'_>) -> Result<Dashboard, ReportError> {
    let report = ctx.report(ReportName::Slippage).await?;
    let moved = scenario_plans(ctx).await?;
    let c = ReportColumns::new(&report);
    let (contracts, phases, resources) = (
        c.cells("contract")?,
        c.cells("phase")?,
        c.cells("resource")?,
    );
    let (planned_dates, planned_quantities) =
        (c.dates("planned_date")?, c.cells("planned_quantity")?);
    let (receipt_dates, received) = (
        c.optional_dates("receipt_date")?,
        c.cells("received_quantity")?,
    );
    let days_late = c.ints("days_late")?;
    let mut rows: Vec<TimelineRow> = Vec::new();
    let mut shown: Vec<Vec<String>> = Vec::new();
    let (mut start, mut end) = (f64::MAX, f64::MIN);
    for (i, row) in report.rows.iter().enumerate() {
        let (planned, receipt) = (planned_dates[i], receipt_dates[i]);
        if !ctx.shows(planned) && !receipt.is_some_and(|r| ctx.shows(r)) {
            continue;
        }
        shown.push(row.clone());
        let label = format!("{} · {}", contracts[i], phases[i]);
        if rows.last().is_none_or(|r| r.label != label) {
            let scenario_planned = moved.get(&label).filter(|d| **d != planned).map(|d| {
                start = start.min(date_x(*d));
                end = end.max(date_x(*d));
                TimelineMark {
                    x: date_x(*d),
                    text: format!("{label}\nplanned by {d} under the scenario"),
                    late: false,
                }
            });
            rows.push(TimelineRow {
                label: label.clone(),
                href: format!("/contracts/{}", crate::paging::path_segment(&contracts[i])),
                planned_x: date_x(planned),
                planned_text: format!(
                    "{label}\nplanned {} {} by {planned}",
                    planned_quantities[i], resources[i]
                ),
                scenario_planned,
                receipts: Vec::new(),
            });
            start = start.min(date_x(planned));
            end = end.max(date_x(planned));
        }
        if let (Some(day), Some(current)) = (receipt, rows.last_mut()) {
            let late = days_late[i].unwrap_or(0);
            let timing = match late {
                l if l > 0 => format!("{l} days late"),
                0 => "on the day".to_owned(),
                l => format!("{} days early", -l),
            };
            current.receipts.push(TimelineMark {
                x: date_x(day),
                text: format!("{label}\nreceived {} on {day} ({timing})", received[i]),
                late: late > 0,
            });
            start = start.min(date_x(day));
            end = end.max(date_x(day));
        }
    }
    Ok(Dashboard {
        timeline: Some(Timeline {
            id: "phases".to_owned(),
            title: "Delivery phases: planned vs received".to_owned(),
            start: if rows.is_empty() { 0.0 } else { start },
            end: if rows.is_empty() { 0.0 } else { end },
            rows,
            columns: report.columns.clone(),
            kinds: ColumnKind::of_report(&report),
            table: shown,
            empty: "No delivery phases for these filters.".to_owned(),
        }),
        notes: ctx
            .scenario_note("a hollow diamond marks a phase it moves")
            .into_iter()
            .collect(),
        ..Default::default()
    })
}
