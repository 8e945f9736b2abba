//! `/api/v1/contracts`: list, get, create, update, archive. A contract is named by its
//! reference, which never changes.

use super::input::{allow, Body, Paging};
use super::problem::Problem;
use super::resources::{Contract, ContractSummary, Paged};
use super::{Caller, Created};
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use domain::entries::{NewContract, RawContract};
use domain::Permission;
use serde::Deserialize;
use store::ledger::contracts::{Filter, Status};
use utoipa::ToSchema;

/// A contract with its own commitment over the whole term, as create and update send it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ContractInput {
    /// Unique; on update it may be left out (the path names the contract).
    pub reference: String,
    /// An existing vendor's name.
    pub vendor: String,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub start_date: String,
    pub end_date: String,
    /// A decimal string, e.g. "38000000000.00"; empty when its commitments are given separately.
    pub committed_amount: String,
    /// ISO 4217, e.g. "USD".
    pub currency: String,
    /// build_up (default) or fixed.
    pub commitment_model: String,
    /// term (default), annual, quarterly or monthly.
    pub fulfillment_interval: String,
    pub notes: String,
}

impl ContractInput {
    fn parse(&self) -> Result<NewContract, Problem> {
        NewContract::parse(&RawContract {
            reference: &self.reference,
            vendor: &self.vendor,
            start_date: &self.start_date,
            end_date: &self.end_date,
            committed_amount: &self.committed_amount,
            currency: &self.currency,
            title: &self.title,
            commitment_model: &self.commitment_model,
            fulfillment_interval: &self.fulfillment_interval,
            notes: &self.notes,
        })
        .map_err(|e| Problem::invalid(&e))
    }
}

pub(super) async fn found(state: &AppState, reference: &str) -> Result<Contract, Problem> {
    store::ledger::contracts::detail(&state.db, reference)
        .await?
        .map(Contract::from)
        .ok_or_else(|| Problem::not_found(format!("no contract {reference:?}")))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContractFilter {
    /// A vendor's name.
    pub vendor: Option<String>,
    /// active (default), archived or all.
    pub status: Option<String>,
}

/// Contracts by reference.
#[utoipa::path(get, path = "/api/v1/contracts", tag = "contracts",
    params(ContractFilter, Paging),
    responses((status = 200, body = Paged<ContractSummary>), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<ContractFilter>,
    Query(paging): Query<Paging>,
) -> Result<Json<Paged<ContractSummary>>, Problem> {
    allow(caller.as_deref(), Permission::Read)?;
    let status = Status::parse(filter.status.as_deref().unwrap_or(""))
        .map_err(|e| Problem::invalid(&[domain::FieldError::new("status", e)]))?;
    let filter = Filter {
        vendor: filter.vendor.filter(|v| !v.trim().is_empty()),
        status,
    };
    let list = store::ledger::contracts::list(&state.db, &filter, paging.request()).await?;
    Ok(Json(Paged::from_page(list.page, ContractSummary::from)))
}

#[utoipa::path(get, path = "/api/v1/contracts/{reference}", tag = "contracts",
    params(("reference" = String, Path)),
    responses((status = 200, body = Contract), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(reference): Path<String>,
) -> Result<Json<Contract>, Problem> {
    allow(caller.as_deref(), Permission::Read)?;
    Ok(Json(found(&state, &reference).await?))
}

#[utoipa::path(post, path = "/api/v1/contracts", tag = "contracts",
    request_body = ContractInput,
    responses((status = 201, body = Contract), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<ContractInput>,
) -> Result<Created<Contract>, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    let new = input.parse()?;
    let reference = new.reference.clone();
    store::ledger::contracts::create(&state.db, &who.username, new).await?;
    Ok(Created::at(
        super::path_of("contracts", &reference),
        found(&state, &reference).await?,
    ))
}

/// Changes everything but the reference. The term and currency must still hold the usage
/// already recorded.
#[utoipa::path(put, path = "/api/v1/contracts/{reference}", tag = "contracts",
    params(("reference" = String, Path)), request_body = ContractInput,
    responses((status = 200, body = Contract), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(reference): Path<String>,
    Body(mut input): Body<ContractInput>,
) -> Result<Json<Contract>, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    if input.reference.trim().is_empty() {
        input.reference = reference.clone();
    }
    let new = input.parse()?;
    store::ledger::contracts::update(&state.db, &who.username, &reference, new).await?;
    Ok(Json(found(&state, &reference).await?))
}

/// Leaves the default list and the reports' active set; nothing is deleted.
#[utoipa::path(post, path = "/api/v1/contracts/{reference}/archive", tag = "contracts",
    params(("reference" = String, Path)),
    responses((status = 200, body = Contract), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn archive(
    State(state): State<AppState>,
    caller: Caller,
    Path(reference): Path<String>,
) -> Result<Json<Contract>, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    store::ledger::contracts::archive(&state.db, &who.username, &reference).await?;
    Ok(Json(found(&state, &reference).await?))
}
