//! The concentration dashboard: vendor shares of monthly spend with the HHI, and outstanding
//! commitments by vendor.

use super::*;

pub(super) async fn concentration(ctx: &Ctx<'_>) -> Result<Dashboard, ReportError> {
    let table = ctx.report(ReportName::Concentration).await?;
    let c = Columns(&table);
    let (month, vendor, share, hhi) = (
        c.at("month")?,
        c.at("vendor")?,
        c.at("share")?,
        c.at("hhi")?,
    );
    let mut months: Vec<NaiveDate> = Vec::new();
    let mut vendors: Vec<String> = Vec::new();
    let mut cells: BTreeMap<(NaiveDate, String), String> = BTreeMap::new();
    let mut hhis: BTreeMap<NaiveDate, String> = BTreeMap::new();
    for row in &table.rows {
        let m = date(&row[month])?;
        if !ctx.shows_month(m) {
            continue;
        }
        months.push(m);
        vendors.push(row[vendor].clone());
        cells.insert((m, row[vendor].clone()), row[share].clone());
        hhis.insert(m, row[hhi].clone());
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
            Series::from_labels(v, Shape::Stack, Axis::Left, labels)
        })
        .collect();
    series.push(Series::from_labels(
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
/// (vendor, outstanding, share) cells.
pub(super) async fn outstanding_by_vendor(ctx: &Ctx<'_>) -> Result<Vec<[String; 3]>, ReportError> {
    let table = ctx.report(ReportName::CommitmentConcentration).await?;
    let c = Columns(&table);
    let (vendor, amount, share) = (c.at("vendor")?, c.at("outstanding")?, c.at("share")?);
    Ok(table
        .rows
        .iter()
        .map(|r| [r[vendor].clone(), r[amount].clone(), r[share].clone()])
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
    let mut vendors: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
    for r in under.iter().flatten() {
        if !vendors.contains(&r[0]) {
            vendors.push(r[0].clone());
        }
    }
    let cells = |rows: &[[String; 3]], at: usize| -> Vec<String> {
        vendors
            .iter()
            .map(|v| {
                rows.iter()
                    .find(|r| &r[0] == v)
                    .map(|r| r[at].clone())
                    .unwrap_or_default()
            })
            .collect()
    };
    let mut series = vec![Series::from_labels(
        "Outstanding",
        Shape::Bar,
        Axis::Left,
        cells(&rows, 1),
    )];
    if let Some(under) = &under {
        series.push(Series::from_labels(
            &format!("Scenario: {}", ctx.query.scenario.trim()),
            Shape::Bar,
            Axis::Left,
            cells(under, 1),
        ));
    }
    series.push(Series::from_labels(
        "Share",
        Shape::Line,
        Axis::Right,
        cells(&rows, 2),
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
