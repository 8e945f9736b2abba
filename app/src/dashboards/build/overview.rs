//! The overview: the headline cards (committed, burned, remaining, shortfall, true-up, ratios,
//! HHI, capacity) and the portfolio burn-down and ratio charts.

use super::super::model::{Dashboard, Kpi};
use super::super::View;
use super::burn_down_chart::portfolio_chart;
use super::context::{contract_figures, Ctx};
use super::currencies::{currency_notes, kpi, per_currency, Line};
use super::ratio::ratio_chart;
use super::report_columns::ReportColumns;
use analytics::figures::{self, CommitmentFigures as ContractFigures};
use domain::decimal::format_scaled_trimmed;
use reports::{ReportError, ReportName};

pub(super) async fn overview(ctx: &Ctx<'_>) -> Result<Dashboard, ReportError> {
    let figures = contract_figures(ctx).await?;
    let scenario = match ctx.under_scenario() {
        Some(under) => Some(contract_figures(&under).await?),
        None => None,
    };
    let scenario_name = ctx.query.scenario.trim();
    let link = |view: View| format!("{}{}", view.path(), ctx.query.query_string());
    let mut kpis = vec![
        kpi(
            "committed",
            "Total committed",
            per_currency(&figures, |f| f.committed),
            vec![Line::plain(format!("{} commitments", figures.len()))],
            link(View::BurnDown),
        ),
        kpi(
            "burned",
            "Burned to date",
            per_currency(&figures, |f| f.spent),
            vec![],
            link(View::BurnDown),
        ),
        kpi(
            "remaining",
            "Remaining",
            per_currency(&figures, |f| f.committed - f.spent),
            vec![],
            link(View::BurnDown),
        ),
    ];
    let mut drivers: Vec<&ContractFigures> = figures.iter().filter(|f| f.shortfall > 0).collect();
    drivers.sort_by_key(|f| std::cmp::Reverse(f.shortfall));
    let mut detail: Vec<Line> = drivers
        .iter()
        .take(3)
        .map(|f| Line::money(&format!("{} ", f.label()), &f.currency, f.shortfall.into()))
        .collect();
    if let Some(under) = &scenario {
        // The card's value stays the baseline's; the scenario's total is beside it.
        detail.extend(
            per_currency(under, |f| f.shortfall)
                .into_iter()
                .map(|sum| sum.prefixed(&format!("Scenario {scenario_name}: "))),
        );
    }
    // The card says which method it is and the other one's figure.
    detail.insert(0, Line::plain("at the trailing run-rate".to_owned()));
    detail.extend(
        per_currency(&figures, ContractFigures::plan_or_run_rate_shortfall)
            .into_iter()
            .map(|sum| sum.prefixed("By the delivery plan: ")),
    );
    kpis.push(kpi(
        "shortfall",
        "Projected shortfall",
        per_currency(&figures, |f| f.shortfall),
        detail,
        link(View::BurnDown),
    ));
    kpis.push(super::capacity::plan_shortfall_kpi(ctx, &figures, scenario.as_deref()).await?);
    kpis.push(true_up_kpi(ctx, link(View::BurnDown)).await?);

    let ratio = ctx.report(ReportName::RatioTtm).await?;
    let c = ReportColumns::new(&ratio);
    let cell = |name: &str| -> Result<Option<String>, ReportError> { Ok(c.cells(name)?.pop()) };
    let month = cell("month")?.unwrap_or_default();
    for (id, title, column) in [
        ("ratio-month", "Infra ÷ revenue (month)", "ratio"),
        ("ratio-ttm", "Infra ÷ revenue (TTM)", "ttm_ratio"),
        (
            "commitments-to-revenue",
            "Commitments ÷ annualised revenue",
            "commitments_to_revenue",
        ),
    ] {
        let value = cell(column)?.filter(|v| !v.is_empty());
        kpis.push(kpi(
            id,
            title,
            value.map(|v| vec![Line::plain(v)]).unwrap_or_default(),
            vec![Line::plain(if month.is_empty() {
                "no revenue recorded".to_owned()
            } else {
                format!("month of {month}")
            })],
            link(View::Ratio),
        ));
    }

    let spend = ctx.report(ReportName::Concentration).await?;
    let c = ReportColumns::new(&spend);
    let hhi_spend = c.cells("month")?.pop().zip(c.cells("hhi")?.pop());
    kpis.push(kpi(
        "hhi-spend",
        "Vendor HHI of spend",
        hhi_spend
            .iter()
            .map(|(_, hhi)| Line::plain(hhi.clone()))
            .collect(),
        hhi_spend
            .iter()
            .map(|(month, _)| Line::plain(format!("month of {month}")))
            .collect(),
        link(View::Concentration),
    ));
    let outstanding = ctx.report(ReportName::CommitmentConcentration).await?;
    let hhi_commitments: Vec<Line> = ReportColumns::new(&outstanding)
        .cells("hhi")?
        .into_iter()
        .take(1)
        .map(Line::plain)
        .collect();
    kpis.push(kpi(
        "hhi-commitments",
        "Vendor HHI of commitments",
        hhi_commitments,
        vec![Line::plain(format!("outstanding as of {}", ctx.as_of()))],
        link(View::Concentration),
    ));

    let slippage = ctx.report(ReportName::Slippage).await?;
    let phases = figures::capacity_by_resource(&slippage.frame)?;
    kpis.push(kpi(
        "capacity",
        "Capacity received vs planned",
        phases
            .iter()
            .map(|(resource, (planned, received))| {
                Line::plain(format!(
                    "{resource} {} of {}",
                    format_scaled_trimmed(*received, 6),
                    format_scaled_trimmed(*planned, 6)
                ))
            })
            .collect(),
        vec![],
        link(View::Deliveries),
    ));

    let mut charts = vec![
        portfolio_chart(
            ctx,
            &figures,
            scenario.as_ref().map(|s| (scenario_name, s.as_slice())),
        )
        .await?,
    ];
    charts.push(ratio_chart(ctx, &ratio)?);
    let mut notes = currency_notes(&figures);
    notes.extend(
        ctx.scenario_note("the cards are the baseline's, with the scenario's shortfall below it"),
    );
    Ok(Dashboard {
        kpis,
        charts,
        notes,
        ..Default::default()
    })
}

/// What the commitment models add to the bill: true-ups owed for ended intervals, those
/// projected for running ones (build-up), and on-demand spend after a prepaid pool runs out
/// (burn-down) — sums of the `trueup` report, per currency.
pub(super) async fn true_up_kpi(ctx: &Ctx<'_>, href: String) -> Result<Kpi, ReportError> {
    let report = ctx.report(ReportName::TrueUp).await?;
    let sums = figures::true_up_totals(&report.frame, |contract| ctx.currency(contract))?;
    let value = sums
        .totals
        .iter()
        .map(|(currency, sum)| Line::money("", currency, *sum))
        .collect();
    let detail = sums
        .parts
        .iter()
        .filter(|(_, sum)| **sum != 0)
        .map(|((currency, part), sum)| Line::money(&format!("{} ", part.as_str()), currency, *sum))
        .collect();
    Ok(kpi(
        "trueup",
        "True-up (by commitment model)",
        value,
        detail,
        href,
    ))
}
