//! `/api/v1/contracts/{reference}/commitments`: a contract's commitments (its own, and any
//! further ones: a spend or usage commitment over part of the term, scoped or not).

use super::contracts::found as contract;
use super::input::{allow, Body, Paging};
use super::problem::Problem;
use super::resources::{Commitment, Paged};
use super::{Caller, Created};
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use domain::commitment::RawCommitment;
use domain::Permission;
use serde::Deserialize;
use utoipa::ToSchema;

/// A further commitment of the contract the path names; amounts are in its currency.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CommitmentInput {
    /// Unique within the contract.
    pub commitment: String,
    /// spend or usage.
    pub category: String,
    /// A decimal string; required for a spend commitment.
    pub committed_amount: String,
    /// A usage commitment's quantity, e.g. "1500000".
    pub quantity: String,
    /// The quantity's unit, e.g. "GPU-hours".
    pub unit: String,
    pub commitment_model: String,
    pub fulfillment_interval: String,
    /// `YYYY-MM-DD`, inside the contract's term.
    pub start_date: String,
    pub end_date: String,
    /// SKUs or services it covers, `;`-separated; empty: all of the contract's spend.
    pub scope: String,
}

impl CommitmentInput {
    fn raw<'a>(&'a self, contract: &'a str, commitment: &'a str) -> RawCommitment<'a> {
        RawCommitment {
            contract,
            commitment,
            category: &self.category,
            committed_amount: &self.committed_amount,
            quantity: &self.quantity,
            unit: &self.unit,
            commitment_model: &self.commitment_model,
            fulfillment_interval: &self.fulfillment_interval,
            start_date: &self.start_date,
            end_date: &self.end_date,
            scope: &self.scope,
        }
    }
}

async fn found(state: &AppState, reference: &str, commitment: &str) -> Result<Commitment, Problem> {
    contract(state, reference)
        .await?
        .commitments
        .into_iter()
        .find(|k| k.reference == commitment)
        .ok_or_else(|| {
            Problem::not_found(format!(
                "contract {reference:?} has no commitment {commitment:?}"
            ))
        })
}

#[utoipa::path(get, path = "/api/v1/contracts/{reference}/commitments", tag = "commitments",
    params(("reference" = String, Path), Paging),
    responses((status = 200, body = Paged<Commitment>), (status = 404, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(reference): Path<String>,
    Query(paging): Query<Paging>,
) -> Result<Json<Paged<Commitment>>, Problem> {
    allow(caller.as_deref(), Permission::Read)?;
    Ok(Json(
        paging.cut(contract(&state, &reference).await?.commitments),
    ))
}

#[utoipa::path(get, path = "/api/v1/contracts/{reference}/commitments/{commitment}", tag = "commitments",
    params(("reference" = String, Path), ("commitment" = String, Path)),
    responses((status = 200, body = Commitment), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path((reference, commitment)): Path<(String, String)>,
) -> Result<Json<Commitment>, Problem> {
    allow(caller.as_deref(), Permission::Read)?;
    Ok(Json(found(&state, &reference, &commitment).await?))
}

#[utoipa::path(post, path = "/api/v1/contracts/{reference}/commitments", tag = "commitments",
    params(("reference" = String, Path)), request_body = CommitmentInput,
    responses((status = 201, body = Commitment), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(reference): Path<String>,
    Body(input): Body<CommitmentInput>,
) -> Result<Created<Commitment>, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    contract(&state, &reference).await?;
    let raw = input.raw(&reference, &input.commitment);
    let saved = store::ledger::commitments::add(&state.db, &who.username, &raw).await?;
    Ok(Created::at(
        format!(
            "{}/commitments/{}",
            super::path_of("contracts", &reference),
            super::segment(&saved)
        ),
        found(&state, &reference, &saved).await?,
    ))
}

/// Changes a further commitment (the contract's own changes with the contract). Once spend is
/// applied to it, its category, period and scope stay.
#[utoipa::path(put, path = "/api/v1/contracts/{reference}/commitments/{commitment}", tag = "commitments",
    params(("reference" = String, Path), ("commitment" = String, Path)), request_body = CommitmentInput,
    responses((status = 200, body = Commitment), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path((reference, commitment)): Path<(String, String)>,
    Body(input): Body<CommitmentInput>,
) -> Result<Json<Commitment>, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    super::same_name("commitment", &input.commitment, &commitment)?;
    contract(&state, &reference).await?;
    store::ledger::commitments::update(
        &state.db,
        &who.username,
        &input.raw(&reference, &commitment),
    )
    .await?;
    Ok(Json(found(&state, &reference, &commitment).await?))
}

/// Deletes a further commitment no spend is applied to (409 otherwise); the audit trail keeps it.
#[utoipa::path(delete, path = "/api/v1/contracts/{reference}/commitments/{commitment}", tag = "commitments",
    params(("reference" = String, Path), ("commitment" = String, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path((reference, commitment)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    store::ledger::commitments::remove(&state.db, &who.username, &reference, &commitment).await?;
    Ok(StatusCode::NO_CONTENT)
}
