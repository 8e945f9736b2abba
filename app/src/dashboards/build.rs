//! Dashboards from the reports: every figure is a cell of a report (`crate::reports`, the same
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

mod outlook;

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

fn kpi(id: &str, title: &str, lines: Vec<String>, detail: Vec<String>, href: String) -> Kpi {
    let mut lines = lines.into_iter();
    let value = lines.next().unwrap_or_else(|| "—".to_owned());
    Kpi {
        id: id.to_owned(),
        title: title.to_owned(),
        value,
        detail: lines.chain(detail).collect(),
        href,
    }
}

async fn overview(ctx: &Ctx<'_>) -> Result<Dashboard, ReportError> {
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
            vec![format!("{} commitments", figures.len())],
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
    let mut detail: Vec<String> = drivers
        .iter()
        .take(3)
        .map(|f| format!("{} {} {}", f.label(), f.currency, money(f.shortfall)))
        .collect();
    if let Some(under) = &scenario {
        // The card's value stays the baseline's; the scenario's total is beside it.
        detail.extend(
            per_currency(under, |f| f.shortfall)
                .into_iter()
                .map(|sum| format!("Scenario {scenario_name}: {sum}")),
        );
    }
    kpis.push(kpi(
        "shortfall",
        "Projected shortfall",
        per_currency(&figures, |f| f.shortfall),
        detail,
        link(View::BurnDown),
    ));
    kpis.push(true_up_kpi(ctx, link(View::BurnDown)).await?);

    let ratio = ctx.report(ReportName::RatioTtm).await?;
    let c = Columns(&ratio);
    let last = ratio.rows.last();
    let cell = |name: &str| -> Result<Option<String>, ReportError> {
        let at = c.at(name)?;
        Ok(last.map(|row| row[at].clone()))
    };
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
            value.map(|v| vec![v]).unwrap_or_default(),
            if month.is_empty() {
                vec!["no revenue recorded".into()]
            } else {
                vec![format!("month of {month}")]
            },
            link(View::Ratio),
        ));
    }

    let spend = ctx.report(ReportName::Concentration).await?;
    let (month_at, hhi_at) = (Columns(&spend).at("month")?, Columns(&spend).at("hhi")?);
    let hhi_spend = spend
        .rows
        .last()
        .map(|row| (row[month_at].clone(), row[hhi_at].clone()));
    kpis.push(kpi(
        "hhi-spend",
        "Vendor HHI of spend",
        hhi_spend.iter().map(|(_, hhi)| hhi.clone()).collect(),
        hhi_spend
            .iter()
            .map(|(month, _)| format!("month of {month}"))
            .collect(),
        link(View::Concentration),
    ));
    let outstanding = ctx.report(ReportName::CommitmentConcentration).await?;
    let hhi_commitments = match outstanding.rows.first() {
        Some(row) => vec![row[Columns(&outstanding).at("hhi")?].clone()],
        None => vec![],
    };
    kpis.push(kpi(
        "hhi-commitments",
        "Vendor HHI of commitments",
        hhi_commitments,
        vec![format!("outstanding as of {}", ctx.as_of())],
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
                format!(
                    "{resource} {} of {}",
                    format_scaled_trimmed(*received, 6),
                    format_scaled_trimmed(*planned, 6)
                )
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
async fn true_up_kpi(ctx: &Ctx<'_>, href: String) -> Result<Kpi, ReportError> {
    let report = ctx.report(ReportName::TrueUp).await?;
    let sums = figures::true_up_totals(&report.frame, |contract| ctx.currency(contract))?;
    let value = sums
        .totals
        .iter()
        .map(|(currency, sum)| format!("{currency} {}", format_scaled_wide(*sum, 2)))
        .collect();
    let detail = sums
        .parts
        .iter()
        .filter(|(_, sum)| **sum != 0)
        .map(|((currency, part), sum)| {
            format!(
                "{} {currency} {}",
                part.as_str(),
                format_scaled_wide(*sum, 2)
            )
        })
        .collect();
    Ok(kpi(
        "trueup",
        "True-up (by commitment model)",
        value,
        detail,
        href,
    ))
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

/// One point per day with usage, plus the start and end of the term(s) and the as-of date.
struct DayAxis {
    days: Vec<NaiveDate>,
}

impl DayAxis {
    fn new(days: impl IntoIterator<Item = NaiveDate>) -> Self {
        let mut days: Vec<NaiveDate> = days.into_iter().collect();
        days.sort();
        days.dedup();
        Self { days }
    }

    fn index(&self, day: NaiveDate) -> Option<usize> {
        self.days.binary_search(&day).ok()
    }
}

/// A burn-down report's (date, cumulative spend) cells.
fn cumulative_spend(table: &ReportTable) -> Result<Vec<(NaiveDate, String)>, ReportError> {
    let c = Columns(table);
    let (day, spend) = (c.at("date")?, c.at("cumulative_spend")?);
    table
        .rows
        .iter()
        .map(|row| Ok((date(&row[day])?, row[spend].clone())))
        .collect()
}

/// A burn-down chart: spend so far, the commitment, the on-pace line and the projection.
fn burn_down_chart(
    ctx: &Ctx<'_>,
    id: &str,
    title: String,
    spend: Vec<(NaiveDate, String)>,
    figures: &[&ContractFigures],
    scenario: Option<(&str, &[&ContractFigures])>,
    drill: impl Fn(NaiveDate) -> String,
) -> Chart {
    let as_of = ctx.as_of();
    let start = figures.iter().map(|f| f.start).min();
    let end = figures.iter().map(|f| f.end).max();
    let scenario_end = scenario.and_then(|(_, s)| s.iter().map(|f| f.end).max());
    let spend: Vec<(NaiveDate, String)> =
        spend.into_iter().filter(|(d, _)| ctx.shows(*d)).collect();
    let mut days: Vec<NaiveDate> = spend.iter().map(|(d, _)| *d).collect();
    // The term's ends and the as-of date frame the chart; with no contracts there is no frame.
    let as_of_day = (!figures.is_empty()).then_some(as_of);
    let range_days = [start, end, as_of_day]
        .into_iter()
        .flatten()
        .filter(|d| ctx.shows(*d));
    days.extend(range_days);
    // One contract runs out on a date; a portfolio's contracts do not pool, so its chart marks
    // the summed shortfall instead.
    let exhaustion = match figures {
        [one] => one.exhaustion,
        _ => None,
    };
    days.extend(exhaustion.filter(|d| ctx.shows(*d)));
    days.extend(scenario_end.filter(|d| ctx.shows(*d)));
    let axis = DayAxis::new(days);
    let n = axis.days.len();
    let committed: i64 = figures.iter().map(|f| f.committed).sum();
    let spent: i64 = figures.iter().map(|f| f.spent).sum();
    let projected: i64 = figures.iter().map(|f| f.projected_total).sum();
    let shortfall: i64 = figures.iter().map(|f| f.shortfall).sum();

    let mut actual = vec![String::new(); n];
    for (day, label) in &spend {
        if let Some(i) = axis.index(*day) {
            actual[i] = label.clone();
        }
    }
    let commitment = vec![money(committed); n];
    let pace: Vec<String> = axis
        .days
        .iter()
        .map(|d| money(figures.iter().map(|f| f.on_pace(*d)).sum()))
        .collect();
    let mut projection = vec![String::new(); n];
    if !figures.is_empty() {
        if let Some(i) = axis.index(as_of) {
            projection[i] = money(spent);
        }
        match exhaustion {
            Some(day) => {
                if let Some(i) = axis.index(day) {
                    projection[i] = money(committed);
                }
            }
            _ => {
                if let Some(i) = end.and_then(|e| axis.index(e)) {
                    projection[i] = money(projected);
                }
            }
        }
    }
    // The band is drawn to the end of the term (it says how sure the end figure is).
    let mut low = vec![String::new(); n];
    let mut high = vec![String::new(); n];
    if let (Some(i), Some(e)) = (axis.index(as_of), end.and_then(|e| axis.index(e))) {
        if !figures.is_empty() && e > i {
            low[i] = money(spent);
            high[i] = money(spent);
            low[e] = money(figures.iter().map(|f| f.projected_low).sum());
            high[e] = money(figures.iter().map(|f| f.projected_high).sum());
        }
    }
    let mut series = vec![
        Series::from_labels("Cumulative spend", Shape::Line, Axis::Left, actual),
        Series::from_labels("Commitment", Shape::Dashed, Axis::Left, commitment),
        Series::from_labels("On pace", Shape::Dashed, Axis::Left, pace),
        Series::from_labels("Projection", Shape::Dashed, Axis::Left, projection),
        Series::from_labels("Projection low (90%)", Shape::Dashed, Axis::Left, low),
        Series::from_labels("Projection high (90%)", Shape::Dashed, Axis::Left, high),
    ];
    if let Some((name, chosen)) = scenario {
        let mut line = vec![String::new(); n];
        let spent: i64 = chosen.iter().map(|f| f.spent).sum();
        if let Some(i) = axis.index(as_of) {
            line[i] = money(spent);
        }
        if let Some(e) = scenario_end.and_then(|e| axis.index(e)) {
            line[e] = money(chosen.iter().map(|f| f.projected_total).sum());
        }
        series.push(Series::from_labels(
            &format!("Scenario: {name}"),
            Shape::Line,
            Axis::Left,
            line,
        ));
    }
    let mut marks = Vec::new();
    if let Some(day) = exhaustion.filter(|d| ctx.shows(*d)) {
        marks.push(Mark {
            x: date_x(day),
            text: format!("Exhausted {day}"),
        });
    } else if let Some(day) = end.filter(|d| ctx.shows(*d) && shortfall > 0) {
        marks.push(Mark {
            x: date_x(day),
            text: format!(
                "Shortfall {}",
                super::scale::group_number(&money(shortfall))
            ),
        });
    }
    if ctx.shows(as_of) && n > 0 {
        marks.push(Mark {
            x: date_x(as_of),
            text: format!("As of {as_of}"),
        });
    }
    let spend_days: std::collections::HashSet<NaiveDate> = spend.iter().map(|(d, _)| *d).collect();
    Chart {
        id: id.to_owned(),
        title,
        x_kind: XKind::Date,
        x_title: "date".to_owned(),
        x: axis.days.iter().map(|d| date_x(*d)).collect(),
        x_labels: axis.days.iter().map(|d| d.to_string()).collect(),
        drill: axis
            .days
            .iter()
            .map(|d| spend_days.contains(d).then(|| drill(*d)))
            .collect(),
        left: Unit::Money,
        right: None,
        series,
        marks,
        empty: "No usage recorded for these filters yet.".to_owned(),
    }
}

/// The filtered contracts of the first currency together (sums across currencies would mean
/// nothing).
async fn portfolio_chart(
    ctx: &Ctx<'_>,
    figures: &[ContractFigures],
    scenario: Option<(&str, &[ContractFigures])>,
) -> Result<Chart, ReportError> {
    let currency = figures
        .iter()
        .map(|f| f.currency.as_str())
        .min()
        .unwrap_or_default();
    let chosen: Vec<&ContractFigures> = figures.iter().filter(|f| f.currency == currency).collect();
    let mut request = ctx.request.clone();
    if chosen.len() != figures.len() {
        request.filters.contracts = chosen.iter().map(|f| f.contract.clone()).collect();
        request.filters.contracts.dedup();
    }
    let table = reports::run(
        &ctx.state.reports,
        &ctx.state.db,
        ReportName::PortfolioBurnDown,
        &request,
    )
    .await?;
    let spend = cumulative_spend(&table)?;
    let scenario_chosen: Option<(&str, Vec<&ContractFigures>)> =
        scenario.map(|(name, s)| (name, s.iter().filter(|f| f.currency == currency).collect()));
    Ok(burn_down_chart(
        ctx,
        "portfolio-burndown",
        format!("Portfolio burn-down ({currency})").replace(" ()", ""),
        spend,
        &chosen,
        scenario_chosen.as_ref().map(|(n, s)| (*n, s.as_slice())),
        |d| ctx.usage_link(d, d, None),
    ))
}

async fn burn_down(ctx: &Ctx<'_>) -> Result<Dashboard, ReportError> {
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
        ]
        .map(str::to_owned)
        .to_vec(),
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
            let table = ctx.report(ReportName::BurnDown).await?;
            let spend = cumulative_spend(&table)?;
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
    Ok(Dashboard {
        charts: vec![chart],
        tables: vec![contracts],
        notes,
        ..Default::default()
    })
}

/// Monthly infra spend and revenue as bars, the ratio and the TTM ratio as lines.
fn ratio_chart(ctx: &Ctx<'_>, table: &ReportTable) -> Result<Chart, ReportError> {
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

async fn ratio(ctx: &Ctx<'_>) -> Result<Dashboard, ReportError> {
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

async fn concentration(ctx: &Ctx<'_>) -> Result<Dashboard, ReportError> {
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
async fn outstanding_by_vendor(ctx: &Ctx<'_>) -> Result<Vec<[String; 3]>, ReportError> {
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
async fn outstanding_chart(ctx: &Ctx<'_>) -> Result<Chart, ReportError> {
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

/// Each phase's planned date under the scenario, by "contract · phase" label.
async fn scenario_plans(ctx: &Ctx<'_>) -> Result<BTreeMap<String, NaiveDate>, ReportError> {
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

async fn deliveries(ctx: &Ctx<'_>) -> Result<Dashboard, ReportError> {
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
