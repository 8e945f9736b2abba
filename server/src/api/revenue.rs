//! `/api/v1/revenue`: the company's revenue, one entry per month and currency. An entry is
//! corrected, never deleted: the original stays in the audit trail.

use super::input::{allow, Body, Paging};
use super::problem::Problem;
use super::resources::{Paged, Revenue};
use super::{Caller, Created};
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use domain::entries::{NewRevenue, RawRevenue};
use domain::Permission;
use serde::Deserialize;
use utoipa::ToSchema;

/// A month's revenue.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RevenueInput {
    /// The month's first day, `YYYY-MM-01`.
    pub period_start: String,
    /// A decimal string, e.g. "1250000000.00".
    pub amount: String,
    /// ISO 4217, e.g. "USD".
    pub currency: String,
}

impl RevenueInput {
    fn parse(&self) -> Result<NewRevenue, Problem> {
        NewRevenue::parse(&RawRevenue {
            period_start: &self.period_start,
            amount: &self.amount,
            currency: &self.currency,
        })
        .map_err(|e| Problem::invalid(&e))
    }
}

async fn found(state: &AppState, id: i64) -> Result<Revenue, Problem> {
    store::ledger::revenue::get(&state.db, id)
        .await?
        .map(Revenue::from)
        .ok_or_else(|| Problem::not_found(format!("no revenue entry #{id}")))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RevenueFilter {
    /// First month, `YYYY-MM-DD` (its first day).
    pub from: Option<String>,
    /// Last month.
    pub to: Option<String>,
}

/// Newest month first.
#[utoipa::path(get, path = "/api/v1/revenue", tag = "revenue",
    params(RevenueFilter, Paging),
    responses((status = 200, body = Paged<Revenue>), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<RevenueFilter>,
    Query(paging): Query<Paging>,
) -> Result<Json<Paged<Revenue>>, Problem> {
    allow(caller.as_deref(), Permission::Read)?;
    let mut errors = Vec::new();
    let mut month = |name: &str, raw: Option<String>| match raw.filter(|r| !r.trim().is_empty()) {
        None => None,
        Some(raw) => domain::date::parse_period_start(&raw)
            .map_err(|e| errors.push(domain::FieldError::new(name, e)))
            .ok(),
    };
    let from = month("from", filter.from);
    let to = month("to", filter.to);
    if !errors.is_empty() {
        return Err(Problem::invalid(&errors));
    }
    let rows = store::ledger::revenue::list(&state.db, from, to).await?;
    Ok(Json(
        paging.cut(rows.into_iter().map(Revenue::from).collect()),
    ))
}

#[utoipa::path(get, path = "/api/v1/revenue/{id}", tag = "revenue",
    params(("id" = i64, Path)),
    responses((status = 200, body = Revenue), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Revenue>, Problem> {
    allow(caller.as_deref(), Permission::Read)?;
    Ok(Json(found(&state, id).await?))
}

#[utoipa::path(post, path = "/api/v1/revenue", tag = "revenue",
    request_body = RevenueInput,
    responses((status = 201, body = Revenue), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<RevenueInput>,
) -> Result<Created<Revenue>, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    let new = input.parse()?;
    let id = store::ledger::revenue::add(&state.db, &who.username, new).await?;
    Ok(Created::at(
        format!("/api/v1/revenue/{id}"),
        found(&state, id).await?,
    ))
}

/// Replaces the entry's values (a correction); the original stays in the audit trail.
#[utoipa::path(put, path = "/api/v1/revenue/{id}", tag = "revenue",
    params(("id" = i64, Path)), request_body = RevenueInput,
    responses((status = 200, body = Revenue), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn correct(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<RevenueInput>,
) -> Result<Json<Revenue>, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    let new = input.parse()?;
    store::ledger::revenue::correct(&state.db, &who.username, id, new).await?;
    Ok(Json(found(&state, id).await?))
}

/// Deletes an entry recorded by mistake (its month must be open); the audit trail keeps it.
#[utoipa::path(delete, path = "/api/v1/revenue/{id}", tag = "revenue",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    store::ledger::revenue::remove(&state.db, &who.username, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
