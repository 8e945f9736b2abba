//! `/api/v1/usage`: spend billed by a vendor, under a contract (burning its commitment) or
//! under none. An entry is corrected, never deleted: the original stays in the audit trail.

use super::input::{allow, Body, Paging};
use super::problem::Problem;
use super::resources::{Paged, Usage};
use super::{Caller, Created};
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use domain::entries::{NewUsage, RawUsage};
use domain::Permission;
use serde::Deserialize;
use utoipa::ToSchema;

/// A day's spend, as the usage CSV's columns.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct UsageInput {
    /// A contract's reference; empty for spend under no contract (then name the vendor).
    pub contract: String,
    /// Required without a contract; with one, its vendor.
    pub vendor: String,
    /// The contract's when empty; required without a contract.
    pub currency: String,
    /// `YYYY-MM-DD`; not in a closed month.
    pub date: String,
    /// A decimal string with up to six places, e.g. "0.015907"; negative for credits.
    pub amount: String,
    /// Negative for refunds.
    pub quantity: String,
    /// e.g. "GPU-hours".
    pub unit: String,
    pub sku: String,
    /// The commitment it burns; empty: the only one whose period and scope hold it.
    pub commitment: String,
}

impl UsageInput {
    fn parse(&self) -> Result<NewUsage, Problem> {
        NewUsage::parse(&RawUsage {
            contract: &self.contract,
            vendor: &self.vendor,
            currency: &self.currency,
            date: &self.date,
            amount: &self.amount,
            quantity: &self.quantity,
            unit: &self.unit,
            sku: &self.sku,
            commitment: &self.commitment,
        })
        .map_err(|e| Problem::invalid(&e))
    }
}

async fn found(state: &AppState, id: i64) -> Result<Usage, Problem> {
    store::ledger::usage::get(&state.db, id)
        .await?
        .map(Usage::from)
        .ok_or_else(|| Problem::not_found(format!("no usage entry #{id}")))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsageFilter {
    /// A contract's reference.
    pub contract: Option<String>,
    /// A vendor's name.
    pub vendor: Option<String>,
    /// First day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    pub to: Option<String>,
}

impl UsageFilter {
    fn parse(self) -> Result<store::ledger::usage::Filter, Problem> {
        let mut errors = Vec::new();
        let mut date = |name: &str, raw: Option<String>| match raw.filter(|r| !r.trim().is_empty())
        {
            None => None,
            Some(raw) => domain::date::parse_iso_date(&raw)
                .map_err(|e| errors.push(domain::FieldError::new(name, e)))
                .ok(),
        };
        let from = date("from", self.from);
        let to = date("to", self.to);
        if !errors.is_empty() {
            return Err(Problem::invalid(&errors));
        }
        let named = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
        Ok(store::ledger::usage::Filter {
            contract: named(self.contract),
            vendor: named(self.vendor),
            from,
            to,
        })
    }
}

/// Newest first.
#[utoipa::path(get, path = "/api/v1/usage", tag = "usage",
    params(UsageFilter, Paging),
    responses((status = 200, body = Paged<Usage>), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<UsageFilter>,
    Query(paging): Query<Paging>,
) -> Result<Json<Paged<Usage>>, Problem> {
    allow(caller.as_deref(), Permission::Read)?;
    let page = store::ledger::usage::list(&state.db, &filter.parse()?, paging.request()).await?;
    Ok(Json(Paged::from_page(page, Usage::from)))
}

#[utoipa::path(get, path = "/api/v1/usage/{id}", tag = "usage",
    params(("id" = i64, Path)),
    responses((status = 200, body = Usage), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Usage>, Problem> {
    allow(caller.as_deref(), Permission::Read)?;
    Ok(Json(found(&state, id).await?))
}

/// Records a day's spend. Send an `Idempotency-Key` so that a retry does not record it twice.
#[utoipa::path(post, path = "/api/v1/usage", tag = "usage",
    request_body = UsageInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Any unique text, e.g. a UUID; a retry with the same key and body gets the first answer")),
    responses((status = 201, body = Usage), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<UsageInput>,
) -> Result<Created<Usage>, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    let new = input.parse()?;
    let id = store::ledger::usage::add(&state.db, &who.username, new).await?;
    Ok(Created::at(
        format!("/api/v1/usage/{id}"),
        found(&state, id).await?,
    ))
}

/// Replaces the entry's values (a correction); the original stays in the audit trail.
#[utoipa::path(put, path = "/api/v1/usage/{id}", tag = "usage",
    params(("id" = i64, Path)), request_body = UsageInput,
    responses((status = 200, body = Usage), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn correct(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<UsageInput>,
) -> Result<Json<Usage>, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    let new = input.parse()?;
    store::ledger::usage::correct(&state.db, &who.username, id, new).await?;
    Ok(Json(found(&state, id).await?))
}

/// Deletes an entry recorded by mistake (its month must be open); the audit trail keeps it.
#[utoipa::path(delete, path = "/api/v1/usage/{id}", tag = "usage",
    params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    store::ledger::usage::remove(&state.db, &who.username, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
