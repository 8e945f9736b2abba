//! `/api/v1/scenarios`: named what-if assumptions laid over the ledger by reports
//! (`?scenario=NAME`). They change no ledger entry; saving, changing or deleting one is audited.

use super::input::{allow, Body, Paging};
use super::problem::Problem;
use super::resources::Paged;
use super::{Caller, Created};
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use domain::decimal::format_scaled_trimmed;
use domain::scenario::{RawScenario, Scenario as Assumptions};
use domain::Permission;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A scenario as the form sends it: every field optional but the name, at least one change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ScenarioInput {
    pub name: String,
    /// Change to every contract's daily run-rate, e.g. "-25" (percent).
    pub run_rate_change_percent: String,
    /// Revenue growth a month, compounded, e.g. "5" (percent).
    pub revenue_growth_percent: String,
    /// The utilisation the plan-driven forecast assumes instead of the rate cards', e.g. "70".
    pub utilisation_percent: String,
    /// A phase to delay: its contract, its name and the months.
    pub delay_contract: String,
    pub delay_phase: String,
    pub delay_months: String,
    /// A contract under negotiation: reference, vendor, term, commitment and spend a day.
    pub new_reference: String,
    pub new_vendor: String,
    pub new_start_date: String,
    pub new_end_date: String,
    pub new_committed_amount: String,
    pub new_currency: String,
    pub new_daily_spend: String,
}

impl ScenarioInput {
    fn parse(self) -> Result<Assumptions, Problem> {
        Assumptions::parse(&RawScenario {
            name: self.name,
            run_rate_change_percent: self.run_rate_change_percent,
            revenue_growth_percent: self.revenue_growth_percent,
            utilisation_percent: self.utilisation_percent,
            delay_contract: self.delay_contract,
            delay_phase: self.delay_phase,
            delay_months: self.delay_months,
            new_reference: self.new_reference,
            new_vendor: self.new_vendor,
            new_start_date: self.new_start_date,
            new_end_date: self.new_end_date,
            new_committed_amount: self.new_committed_amount,
            new_currency: self.new_currency,
            new_daily_spend: self.new_daily_spend,
        })
        .map_err(|e| Problem::invalid(&e))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Scenario {
    pub name: String,
    /// In words, as lists and chart legends show it.
    pub summary: String,
    pub run_rate_change_percent: String,
    pub revenue_growth_percent: String,
    /// Blank when the rate cards' utilisation stands.
    pub utilisation_percent: String,
    pub phase_delays: Vec<PhaseDelay>,
    pub new_contracts: Vec<HypotheticalContract>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhaseDelay {
    pub contract: String,
    pub phase: String,
    pub months: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HypotheticalContract {
    pub reference: String,
    pub vendor: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub committed_amount: String,
    pub currency: String,
    pub daily_spend: String,
}

impl From<Assumptions> for Scenario {
    fn from(s: Assumptions) -> Self {
        Self {
            summary: s.summary(),
            run_rate_change_percent: format_scaled_trimmed(s.run_rate_change_bp, 2),
            revenue_growth_percent: format_scaled_trimmed(s.revenue_growth_bp, 2),
            utilisation_percent: s
                .utilisation_bp
                .map(|bp| format_scaled_trimmed(bp, 2))
                .unwrap_or_default(),
            phase_delays: s
                .phase_delays
                .into_iter()
                .map(|d| PhaseDelay {
                    contract: d.contract,
                    phase: d.phase,
                    months: d.months,
                })
                .collect(),
            new_contracts: s
                .new_contracts
                .into_iter()
                .map(|c| HypotheticalContract {
                    currency: c.committed.currency().to_string(),
                    committed_amount: c.committed.amount_string(),
                    daily_spend: domain::decimal::format_scaled(c.daily_spend_minor, 2),
                    reference: c.reference,
                    vendor: c.vendor,
                    start_date: c.start_date,
                    end_date: c.end_date,
                })
                .collect(),
            name: s.name,
        }
    }
}

async fn found(state: &AppState, name: &str) -> Result<Scenario, Problem> {
    store::ledger::scenarios::get(&state.db, name)
        .await?
        .map(Scenario::from)
        .ok_or_else(|| Problem::not_found(format!("no scenario named {name:?}")))
}

/// By name.
#[utoipa::path(get, path = "/api/v1/scenarios", tag = "scenarios",
    params(Paging),
    responses((status = 200, body = Paged<Scenario>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(paging): Query<Paging>,
) -> Result<Json<Paged<Scenario>>, Problem> {
    allow(caller.as_deref(), Permission::Read)?;
    let all = store::ledger::scenarios::list(&state.db).await?;
    Ok(Json(
        paging.cut(all.into_iter().map(Scenario::from).collect()),
    ))
}

#[utoipa::path(get, path = "/api/v1/scenarios/{name}", tag = "scenarios",
    params(("name" = String, Path)),
    responses((status = 200, body = Scenario), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<Scenario>, Problem> {
    allow(caller.as_deref(), Permission::Read)?;
    Ok(Json(found(&state, &name).await?))
}

#[utoipa::path(post, path = "/api/v1/scenarios", tag = "scenarios",
    request_body = ScenarioInput,
    responses((status = 201, body = Scenario), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<ScenarioInput>,
) -> Result<Created<Scenario>, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    let scenario = input.parse()?;
    let name = scenario.name.clone();
    store::ledger::scenarios::create(&state.db, &who.username, scenario).await?;
    Ok(Created::at(
        super::path_of("scenarios", &name),
        found(&state, &name).await?,
    ))
}

/// Replaces its assumptions; the name stays (it may be left out of the body).
#[utoipa::path(put, path = "/api/v1/scenarios/{name}", tag = "scenarios",
    params(("name" = String, Path)), request_body = ScenarioInput,
    responses((status = 200, body = Scenario), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Body(mut input): Body<ScenarioInput>,
) -> Result<Json<Scenario>, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    if input.name.trim().is_empty() {
        input.name = name.clone();
    }
    let scenario = input.parse()?;
    store::ledger::scenarios::update(&state.db, &who.username, &name, scenario).await?;
    Ok(Json(found(&state, &name).await?))
}

/// Scenarios are assumptions, not ledger entries: deleting one is the way to retire it.
#[utoipa::path(delete, path = "/api/v1/scenarios/{name}", tag = "scenarios",
    params(("name" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<StatusCode, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    store::ledger::scenarios::delete(&state.db, &who.username, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}
