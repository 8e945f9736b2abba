//! The deliveries dashboard: each phase's plan and receipts on a timeline.

use super::*;

/// Each phase's planned date under the scenario, by "contract · phase" label.
pub(super) async fn scenario_plans(
    ctx: &Ctx<'_>,
) -> Result<BTreeMap<String, NaiveDate>, ReportError> {
    let Some(under) = ctx.under_scenario() else {
        return Ok(BTreeMap::new());
    };
    let table = under.report(ReportName::Slippage).await?;
    let c = Columns(&table);
    let (contract, phase, planned) = (c.at("contract")?, c.at("phase")?, c.at("planned_date")?);
    table
        .rows
        .iter()
        .map(|r| {
            Ok((
                format!("{} · {}", r[contract], r[phase]),
                date(&r[planned])?,
            ))
        })
        .collect()
}

pub(super) async fn deliveries(ctx: &Ctx<'_>) -> Result<Dashboard, ReportError> {
    let table = ctx.report(ReportName::Slippage).await?;
    let moved = scenario_plans(ctx).await?;
    let c = Columns(&table);
    let (
        contract,
        phase,
        resource,
        planned_date,
        planned_quantity,
        receipt_date,
        received,
        days_late,
    ) = (
        c.at("contract")?,
        c.at("phase")?,
        c.at("resource")?,
        c.at("planned_date")?,
        c.at("planned_quantity")?,
        c.at("receipt_date")?,
        c.at("received_quantity")?,
        c.at("days_late")?,
    );
    let mut rows: Vec<TimelineRow> = Vec::new();
    let mut shown: Vec<Vec<String>> = Vec::new();
    let (mut start, mut end) = (f64::MAX, f64::MIN);
    for row in &table.rows {
        let planned = date(&row[planned_date])?;
        let receipt = match row[receipt_date].as_str() {
            "" => None,
            cell => Some(date(cell)?),
        };
        if !ctx.shows(planned) && !receipt.is_some_and(|r| ctx.shows(r)) {
            continue;
        }
        shown.push(row.clone());
        let label = format!("{} · {}", row[contract], row[phase]);
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
                href: format!("/contracts/{}", crate::paging::path_segment(&row[contract])),
                planned_x: date_x(planned),
                planned_text: format!(
                    "{label}\nplanned {} {} by {planned}",
                    row[planned_quantity], row[resource]
                ),
                scenario_planned,
                receipts: Vec::new(),
            });
            start = start.min(date_x(planned));
            end = end.max(date_x(planned));
        }
        if let (Some(day), Some(current)) = (receipt, rows.last_mut()) {
            let late: i64 = row[days_late].parse().unwrap_or(0);
            let timing = match late {
                l if l > 0 => format!("{l} days late"),
                0 => "on the day".to_owned(),
                l => format!("{} days early", -l),
            };
            current.receipts.push(TimelineMark {
                x: date_x(day),
                text: format!("{label}\nreceived {} on {day} ({timing})", row[received]),
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
            columns: table.columns.clone(),
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
