//! The burn-down dashboard: the commitments' table and the chart of the one chosen (or the
//! portfolio).

use super::super::model::{ColumnKind, Dashboard, Table};
use super::super::View;
use super::burn_down_chart::{burn_down_chart, cumulative_spend, portfolio_chart};
use super::context::{contract_figures, Ctx};
use super::currencies::{currency_notes, money};
use analytics::figures::CommitmentFigures as ContractFigures;
use reports::{ReportError, ReportName};

pub(super) async fn burn_down(ctx: &Ctx<'_>) -> Result<Dashboard, ReportError> {
    let figures = contract_figures(ctx).await?;
    let scenario = match ctx.under_scenario() {
        Some(under) => Some(contract_figures(&under).await?),
        None => None,
    };
    let scenario_name = ctx.query.scenario.trim();
    let contracts = Table {
        id: "contracts".to_owned(),
        title: "Contracts".to_owned(),
        columns: [
            "contract",
            "currency",
            "committed",
            "spent",
            "projected_total",
            "projected_shortfall",
            "exhaustion_date",
            "plan_total",
            "plan_shortfall",
        ]
        .map(str::to_owned)
        .to_vec(),
        kinds: [ColumnKind::Text, ColumnKind::Text]
            .into_iter()
            .chain([ColumnKind::Number; 4])
            .chain([ColumnKind::Date])
            .chain([ColumnKind::Number; 2])
            .collect(),
        rows: figures
            .iter()
            .map(|f| {
                vec![
                    f.contract.clone(),
                    f.currency.clone(),
                    money(f.committed),
                    money(f.spent),
                    money(f.projected_total),
                    money(f.shortfall),
                    f.exhaustion.map(|d| d.to_string()).unwrap_or_default(),
                    f.plan_total.map(money).unwrap_or_default(),
                    f.plan_shortfall.map(money).unwrap_or_default(),
                ]
            })
            .collect(),
        links: figures
            .iter()
            .map(|f| ctx.dashboard_link(View::BurnDown, &f.contract))
            .collect(),
    };
    let single = match figures.as_slice() {
        [one] if ctx.query.contract.trim() == one.contract => Some(one),
        _ => None,
    };
    let chart = match single {
        Some(f) => {
            let report = ctx.report(ReportName::BurnDown).await?;
            let spend = cumulative_spend(&report)?;
            let same: Option<Vec<&ContractFigures>> = scenario
                .as_ref()
                .map(|s| s.iter().filter(|g| g.contract == f.contract).collect());
            burn_down_chart(
                ctx,
                "contract-burndown",
                format!("{} burn-down ({})", f.contract, f.currency),
                spend,
                &[f],
                same.as_ref().map(|s| (scenario_name, s.as_slice())),
                |d| ctx.usage_link(d, d, Some(&f.contract)),
            )
        }
        None => {
            portfolio_chart(
                ctx,
                &figures,
                scenario.as_ref().map(|s| (scenario_name, s.as_slice())),
            )
            .await?
        }
    };
    let mut notes = currency_notes(&figures);
    notes.extend(ctx.scenario_note("the table is the baseline"));
    let link = format!("{}{}", View::BurnDown.path(), ctx.query.query_string());
    Ok(Dashboard {
        kpis: super::fx_effect::burned(ctx, link)
            .await?
            .into_iter()
            .collect(),
        charts: vec![chart],
        tables: vec![contracts],
        notes,
        ..Default::default()
    })
}
