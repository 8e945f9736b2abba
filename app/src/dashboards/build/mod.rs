//! Dashboards from the reports, one module each (`overview`, `burn_down`, `ratio`,
//! `concentration`, `deliveries`): every figure is a value of a report (the `reports` crate, the same
//! numbers as the CSV/JSON API and the CLI), placed on a chart. Sums across contracts are done
//! in exact minor units, per currency.

use super::model::{ColumnKind, Dashboard};
use super::{DashboardQuery, View};
use crate::state::AppState;
use analytics::ReportTable;
use context::Ctx;
use reports::ReportError;

mod burn_down;
mod burn_down_chart;
mod capacity;
mod concentration;
mod context;
mod currencies;
mod deliveries;
mod fx_effect;
mod outlook;
mod overview;
pub mod pack;
mod ratio;
mod report_columns;

use burn_down::burn_down;
use concentration::concentration;
use deliveries::deliveries;
use overview::overview;
use ratio::ratio;

/// Builds one dashboard for the query.
pub async fn build(
    state: &AppState,
    view: View,
    query: &DashboardQuery,
) -> Result<Dashboard, ReportError> {
    let ctx = Ctx::new(state, query).await?;
    let mut dashboard = match view {
        View::Overview => overview(&ctx).await,
        View::BurnDown => burn_down(&ctx).await,
        View::Ratio => ratio(&ctx).await,
        View::Concentration => concentration(&ctx).await,
        View::Deliveries => deliveries(&ctx).await,
        View::Capacity => capacity::capacity(&ctx).await,
    }?;
    let mut vendors: Vec<String> = ctx.contracts.values().map(|c| c.vendor.clone()).collect();
    vendors.sort();
    vendors.dedup();
    dashboard.vendors = vendors;
    dashboard.contracts = ctx.contracts.keys().map(|(c, _)| c.clone()).collect();
    dashboard.contracts.dedup();
    dashboard.figures_as_of = ctx.figures_as_of.format("%H:%M:%S UTC").to_string();
    dashboard.notes.extend(ctx.currency_notes.iter().cloned());
    let reporting = state.reporting_currency;
    dashboard.currencies = (ctx.currencies.amounts.iter())
        .chain(&ctx.currencies.rated)
        .chain([&reporting])
        .map(|c| c.to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    dashboard.reporting_currency = reporting.to_string();
    dashboard.currency = ctx
        .currency
        .map(|v| v.currency.to_string())
        .unwrap_or_default();
    dashboard.scenarios = store::ledger::scenarios::list(&state.db)
        .await?
        .into_iter()
        .map(|s| s.name)
        .collect();
    Ok(dashboard)
}

/// The numbers of one chart, table or timeline of a dashboard, as a table for CSV.
pub async fn figure_table(
    state: &AppState,
    view: View,
    figure: &str,
    query: &DashboardQuery,
) -> Result<ReportTable, ReportError> {
    let dashboard = build(state, view, query).await?;
    let (columns, kinds, rows) =
        if let Some(chart) = dashboard.charts.iter().find(|c| c.id == figure) {
            (chart.columns(), chart.kinds(), chart.rows())
        } else if let Some(table) = dashboard.tables.into_iter().find(|t| t.id == figure) {
            (table.columns, table.kinds, table.rows)
        } else if let Some(timeline) = dashboard.timeline.filter(|t| t.id == figure) {
            (timeline.columns, timeline.kinds, timeline.table)
        } else {
            return Err(ReportError::BadRequest(format!(
                "the {} dashboard has no figure {figure:?}",
                view.as_str()
            )));
        };
    let kinds = kinds.into_iter().map(ColumnKind::cell_kind).collect();
    Ok(ReportTable {
        columns,
        kinds,
        rows,
    })
}
