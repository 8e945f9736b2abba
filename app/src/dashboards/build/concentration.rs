//! The concentration dashboard: vendor shares of monthly spend with the HHI, and outstanding
//! commitments by vendor.

use super::super::model::{Axis, Chart, Dashboard, Point, Series, Shape, Unit, XKind};
use super::super::scale::date_x;
use super::context::Ctx;
use super::report_columns::ReportColumns;
use crate::paging::query_string;
use chrono::NaiveDate;
use domain::date::month_end;
use reports::{ReportError, ReportName};
use std::collections::BTreeMap;

pub(super) async fn concentration(ctx: &Ctx<'_>) -> Result<Dashboard, ReportError> {
    let report = ctx.report(ReportName::Concentration).await?;
    let c = ReportColumns::new(&report);
    let mut months: Vec<NaiveDate> = Vec::new();
    let mut vendors: Vec<String> = Vec::new();
    let mut cells: BTreeMap<(NaiveDate, String), Point> = BTreeMap::new();
    let mut hhis: BTreeMap<NaiveDate, Point> = BTreeMap::new();
    let rows = c
        .dates("month")?
        .into_iter()
        .zip(c.cells("vendor")?)
        .zip(c.points("share")?.into_iter().zip(c.points("hhi")?));
    for ((m, vendor), (share, hhi)) in rows {
        if !ctx.shows_month(m) {
            continue;
        }
        months.push(m);
        vendors.push(vendor.clone());
        cells.insert((m, vendor), share);
        hhis.insert(m, hhi);
    }
    months.sort();
    months.dedup();
    vendors.sort();
    vendors.dedup();
    let mut series: Vec<Series> = vendors
        .iter()
        .map(|v| {
            let labels = months
                .iter()
                .map(|m| cells.get(&(*m, v.clone())).cloned().unwrap_or_default())
                .collect();
            Series::new(v, Shape::Stack, Axis::Left, labels)
        })
        .collect();
    series.push(Series::new(
        "HHI",
        Shape::Line,
        Axis::Right,
        months
            .iter()
            .map(|m| hhis.get(m).cloned().unwrap_or_default())
            .collect(),
    ));
    let shares = Chart {
        id: "spend-share".to_owned(),
        title: "Vendor share of monthly spend, and HHI".to_owned(),
        x_kind: XKind::Date,
        x_title: "month".to_owned(),
        x: months.iter().map(|m| date_x(*m)).collect(),
        x_labels: months.iter().map(|m| m.to_string()).collect(),
        drill: months
            .iter()
            .map(|m| Some(ctx.usage_link(*m, month_end(*m), None)))
            .collect(),
        left: Unit::Share,
        right: Some(Unit::Hhi),
        series,
        marks: vec![],
        empty: "No spend recorded for these filters.".to_owned(),
    };

    let commitments = outstanding_chart(ctx).await?;
    Ok(Dashboard {
        charts: vec![shares, commitments],
        notes: ctx
            .scenario_note("only the outstanding commitments change under it")
            .into_iter()
            .collect(),
        ..Default::default()
    })
}

/// Outstanding commitments by vendor, read from the commitment-concentration report as
/// (vendor, outstanding, share).
pub(super) async fn outstanding_by_vendor(
    ctx: &Ctx<'_>,
) -> Result<Vec<(String, Point, Point)>, ReportError> {
    let report = ctx.report(ReportName::CommitmentConcentration).await?;
    let c = ReportColumns::new(&report);
    Ok(c.cells("vendor")?
        .into_iter()
        .zip(c.points("outstanding")?)
        .zip(c.points("share")?)
        .map(|((vendor, amount), share)| (vendor, amount, share))
        .collect())
}

/// Bars per vendor, the baseline's and (under a scenario) the scenario's beside them; a
/// vendor only the scenario has comes last.
pub(super) async fn outstanding_chart(ctx: &Ctx<'_>) -> Result<Chart, ReportError> {
    let rows = outstanding_by_vendor(ctx).await?;
    let under = match ctx.under_scenario() {
        Some(under) => Some(outstanding_by_vendor(&under).await?),
        None => None,
    };
    let mut vendors: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    for r in under.iter().flatten() {
        if !vendors.contains(&r.0) {
            vendors.push(r.0.clone());
        }
    }
    type Figure = fn(&(String, Point, Point)) -> &Point;
    let cells = |rows: &[(String, Point, Point)], figure: Figure| -> Vec<Point> {
        vendors
            .iter()
            .map(|v| {
                rows.iter()
                    .find(|r| &r.0 == v)
                    .map(|r| figure(r).clone())
                    .unwrap_or_default()
            })
            .collect()
    };
    let mut series = vec![Series::new(
        "Outstanding",
        Shape::Bar,
        Axis::Left,
        cells(&rows, |r| &r.1),
    )];
    if let Some(under) = &under {
        series.push(Series::new(
            &format!("Scenario: {}", ctx.query.scenario.trim()),
            Shape::Bar,
            Axis::Left,
            cells(under, |r| &r.1),
        ));
    }
    series.push(Series::new(
        "Share",
        Shape::Line,
        Axis::Right,
        cells(&rows, |r| &r.2),
    ));
    Ok(Chart {
        id: "outstanding".to_owned(),
        title: format!("Outstanding commitments by vendor, as of {}", ctx.as_of()),
        x_kind: XKind::Category,
        x_title: "vendor".to_owned(),
        x: (0..vendors.len()).map(|i| i as f64).collect(),
        drill: vendors
            .iter()
            .map(|v| {
                Some(format!(
                    "/contracts{}",
                    query_string(&[("vendor", v.clone())])
                ))
            })
            .collect(),
        x_labels: vendors,
        left: Unit::Money,
        right: Some(Unit::Share),
        series,
        marks: vec![],
        empty: "No outstanding commitments for these filters.".to_owned(),
    })
}
