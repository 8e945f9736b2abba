//! Dashboards from the reports, one module each (`overview`, `burn_down`, `ratio`,
//! `concentration`, `deliveries`): every figure is a value of a report (the `reports` crate, the same
//! numbers as the CSV/JSON API and the CLI), placed on a chart. Sums across contracts are done
//! in exact minor units, per currency.

use super::model::{
    Axis, Chart, Dashboard, Kpi, Mark, Series, Shape, Table, Timeline, TimelineMark, TimelineRow,
    Unit, XKind,
};
use super::scale::date_x;
use super::{DashboardQuery, View};
use crate::paging::query_string;
use crate::state::AppState;
use analytics::figures::{self, CommitmentFigures as ContractFigures};
use analytics::ReportTable;
use chrono::NaiveDate;
use domain::date::month_end;
use domain::decimal::{format_scaled, format_scaled_trimmed, format_scaled_wide};
use domain::snapshot::CommitmentFacts;
use reports::{self, ReportError, ReportName, ReportRequest};
use std::collections::BTreeMap;
use std::sync::Arc;

mod burn_down;
mod burn_down_chart;
mod concentration;
mod deliveries;
mod outlook;
mod overview;
mod ratio;

use burn_down::burn_down;
use burn_down_chart::{burn_down_chart, cumulative_spend, portfolio_chart};
use concentration::concentration;
use deliveries::deliveries;
use overview::overview;
use ratio::{ratio, ratio_chart};

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
    }?;
    let mut vendors: Vec<String> = ctx.contracts.values().map(|c| c.vendor.clone()).collect();
    vendors.sort();
    vendors.dedup();
    dashboard.vendors = vendors;
    dashboard.contracts = ctx.contracts.keys().map(|(c, _)| c.clone()).collect();
    dashboard.contracts.dedup();
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
    let (columns, rows) = if let Some(chart) = dashboard.charts.iter().find(|c| c.id == figure) {
        (chart.columns(), chart.rows())
    } else if let Some(table) = dashboard.tables.iter().find(|t| t.id == figure) {
        (table.columns.clone(), table.rows.clone())
    } else if let Some(timeline) = dashboard.timeline.filter(|t| t.id == figure) {
        (timeline.columns, timeline.table)
    } else {
        return Err(ReportError::BadRequest(format!(
            "the {} dashboard has no figure {figure:?}",
            view.as_str()
        )));
    };
    // Numbers as they are; anything else is text, escaped against formulas when written.
    let kinds = (0..columns.len())
        .map(|c| {
            let numeric = rows
                .iter()
                .all(|r| r[c].is_empty() || r[c].parse::<f64>().is_ok());
            if numeric {
                analytics::table::CellKind::Number
            } else {
                analytics::table::CellKind::Text
            }
        })
        .collect();
    Ok(ReportTable {
        columns,
        kinds,
        rows,
    })
}

struct Ctx<'a> {
    state: &'a AppState,
    query: &'a DashboardQuery,
    request: ReportRequest,
    /// The same request under the chosen what-if scenario.
    scenario: Option<ReportRequest>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    /// Every commitment, by (contract, commitment) reference.
    contracts: BTreeMap<(String, String), CommitmentFacts>,
}

fn optional_date(raw: &str, name: &str) -> Result<Option<NaiveDate>, ReportError> {
    match raw.trim() {
        "" => Ok(None),
        raw => domain::date::parse_iso_date(raw)
            .map(Some)
            .map_err(|e| ReportError::BadRequest(format!("{name} {e}"))),
    }
}

fn bad_cell(what: &str, cell: &str) -> ReportError {
    ReportError::Worker(format!("{what}: unexpected report cell {cell:?}"))
}

fn date(cell: &str) -> Result<NaiveDate, ReportError> {
    cell.parse().map_err(|_| bad_cell("date", cell))
}

fn money(minor: i64) -> String {
    format_scaled(minor, 2)
}

/// Finds columns by name in a report, so a renamed column fails loudly, not silently.
struct Columns<'t>(&'t ReportTable);

impl Columns<'_> {
    fn at(&self, name: &str) -> Result<usize, ReportError> {
        self.0
            .columns
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| ReportError::Worker(format!("report has no column {name}")))
    }
}

impl<'a> Ctx<'a> {
    async fn new(state: &'a AppState, query: &'a DashboardQuery) -> Result<Self, ReportError> {
        let filters = reports::parse_filters(
            Some(query.as_of.as_str()),
            std::slice::from_ref(&query.vendor),
            std::slice::from_ref(&query.contract),
            &[],
        )?;
        let from = optional_date(&query.from, "from")?;
        let to = optional_date(&query.to, "to")?;
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                return Err(ReportError::BadRequest(format!(
                    "from ({from}) is after to ({to})"
                )));
            }
        }
        // From the reports' own snapshot: no query of its own on every dashboard view.
        let contracts = state
            .reports
            .contracts(&state.db)
            .await?
            .into_iter()
            .map(|c| ((c.contract.clone(), c.commitment.clone()), c))
            .collect();
        let request = ReportRequest::new(filters);
        let scenario = match query.scenario.trim() {
            "" => None,
            name => Some(request.clone().with_scenario(&state.db, name).await?),
        };
        Ok(Self {
            state,
            query,
            request,
            scenario,
            from,
            to,
            contracts,
        })
    }

    async fn report(&self, name: ReportName) -> Result<Arc<reports::Report>, ReportError> {
        reports::run(&self.state.reports, &self.state.db, name, &self.request).await
    }

    /// The context with the scenario's request as its own (None without a scenario).
    fn under_scenario(&self) -> Option<Ctx<'a>> {
        let request = self.scenario.clone()?;
        let mut contracts = self.contracts.clone();
        for c in request.scenario.iter().flat_map(|s| &s.new_contracts) {
            // A hypothetical contract is one spend commitment over its term (as the analytics
            // add it).
            contracts.insert(
                (c.reference.clone(), c.reference.clone()),
                CommitmentFacts {
                    contract_id: 0,
                    commitment_id: 0,
                    contract: c.reference.clone(),
                    commitment: c.reference.clone(),
                    vendor: c.vendor.clone(),
                    category: "spend".to_owned(),
                    committed_minor: c.committed.minor(),
                    quantity_micros: None,
                    unit: String::new(),
                    currency: c.committed.currency(),
                    start_date: c.start_date,
                    end_date: c.end_date,
                    commitment_model: "build_up".to_owned(),
                    fulfillment_interval: "term".to_owned(),
                    scoped: false,
                },
            );
        }
        Some(Ctx {
            state: self.state,
            query: self.query,
            request,
            scenario: None,
            from: self.from,
            to: self.to,
            contracts,
        })
    }

    /// Says which scenario is drawn beside the baseline, and what else to know.
    fn scenario_note(&self, also: &str) -> Option<String> {
        let s = self.scenario.as_ref()?.scenario.as_ref()?;
        Some(format!(
            "Scenario {:?} ({}) is drawn beside the baseline; {also}.",
            s.name,
            s.summary()
        ))
    }

    fn as_of(&self) -> NaiveDate {
        self.request
            .filters
            .as_of
            .unwrap_or_else(|| chrono::Utc::now().date_naive())
    }

    /// Inside the date range of the filter bar.
    fn shows(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|f| date >= f) && self.to.is_none_or(|t| date <= t)
    }

    /// A month is shown when any of its days is.
    fn shows_month(&self, month: NaiveDate) -> bool {
        self.from.is_none_or(|f| month_end(month) >= f) && self.to.is_none_or(|t| month <= t)
    }

    /// The usage entries behind a day or a month, with the bar's vendor / contract filters.
    fn usage_link(&self, from: NaiveDate, to: NaiveDate, contract: Option<&str>) -> String {
        let contract = contract.unwrap_or(self.query.contract.as_str());
        format!(
            "/usage{}",
            query_string(&[
                ("contract", contract.to_owned()),
                ("vendor", self.query.vendor.clone()),
                ("from", from.to_string()),
                ("to", to.to_string()),
            ])
        )
    }

    /// This dashboard's link for another query (drill-down within the dashboards).
    fn dashboard_link(&self, view: View, contract: &str) -> String {
        let query = DashboardQuery {
            contract: contract.to_owned(),
            ..self.query.clone()
        };
        format!("{}{}", view.path(), query.query_string())
    }

    fn currency(&self, contract: &str) -> String {
        self.contracts
            .values()
            .find(|c| c.contract == contract)
            .map(|c| c.currency.to_string())
            .unwrap_or_default()
    }
}

async fn contract_figures(ctx: &Ctx<'_>) -> Result<Vec<ContractFigures>, ReportError> {
    let report = ctx.report(ReportName::Projection).await?;
    Ok(ContractFigures::from_projection(
        &report.frame,
        &ctx.contracts,
    )?)
}

/// Sums per currency, written "USD 1234.56" (one line per currency).
fn per_currency(
    figures: &[ContractFigures],
    pick: impl Fn(&ContractFigures) -> i64,
) -> Vec<String> {
    figures::per_currency(figures, pick)
        .into_iter()
        .map(|(currency, sum)| format!("{currency} {}", format_scaled_wide(sum, 2)))
        .collect()
}

fn currency_notes(figures: &[ContractFigures]) -> Vec<String> {
    let currencies: std::collections::BTreeSet<&str> =
        figures.iter().map(|f| f.currency.as_str()).collect();
    if currencies.len() > 1 {
        vec![format!(
            "The contracts are in {} currencies; totals are per currency, and the portfolio burn-down shows {} only.",
            currencies.len(),
            currencies.iter().next().copied().unwrap_or_default()
        )]
    } else {
        vec![]
    }
}
