//! `/api/v1/contracts/{reference}/phases` and their receipts: the delivery plan and what
//! arrived against it.

use super::contracts::found as contract;
use super::input::{allow, Body, Paging};
use super::problem::Problem;
use super::resources::{Paged, Phase, Receipt};
use super::{Caller, Created};
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use domain::entries::{NewPhase, NewReceipt, RawPhase, RawReceipt};
use domain::Permission;
use serde::Deserialize;
use utoipa::ToSchema;

/// A planned delivery of the contract the path names.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PhaseInput {
    /// Unique within the contract, e.g. "Phase 1".
    pub phase: String,
    /// What arrives, e.g. "GB200".
    pub resource: String,
    pub region: String,
    /// `YYYY-MM-DD`.
    pub planned_date: String,
    /// A decimal string, e.g. "20000" (GPUs; megawatts when the resource is "MW").
    pub planned_quantity: String,
    /// The power the phase brings, in MW, where the contract states it; optional.
    pub planned_power_mw: String,
}

/// A delivery received against the phase the path names.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReceiptInput {
    /// `YYYY-MM-DD`; not in a closed month.
    pub date: String,
    pub quantity: String,
    pub note: String,
    /// The power delivered, in MW; optional (blank: the phase's power pro rata).
    pub power_mw: String,
}

impl PhaseInput {
    fn parse(&self, contract: &str, phase: &str) -> Result<NewPhase, Problem> {
        NewPhase::parse(&RawPhase {
            contract,
            phase,
            resource: &self.resource,
            region: &self.region,
            planned_date: &self.planned_date,
            planned_quantity: &self.planned_quantity,
            planned_power_mw: &self.planned_power_mw,
        })
        .map_err(|e| Problem::invalid(&e))
    }
}

impl ReceiptInput {
    fn parse(&self, contract: &str, phase: &str) -> Result<NewReceipt, Problem> {
        NewReceipt::parse(&RawReceipt {
            contract,
            phase,
            date: &self.date,
            quantity: &self.quantity,
            note: &self.note,
            power_mw: &self.power_mw,
        })
        .map_err(|e| Problem::invalid(&e))
    }
}

async fn phases_of(state: &AppState, reference: &str) -> Result<Vec<Phase>, Problem> {
    contract(state, reference).await?;
    Ok(
        store::ledger::deliveries::phases(&state.db, Some(reference))
            .await?
            .into_iter()
            .map(Phase::from)
            .collect(),
    )
}

async fn found(state: &AppState, reference: &str, phase: &str) -> Result<Phase, Problem> {
    phases_of(state, reference)
        .await?
        .into_iter()
        .find(|p| p.phase == phase)
        .ok_or_else(|| Problem::not_found(format!("contract {reference:?} has no phase {phase:?}")))
}

fn phase_path(reference: &str, phase: &str) -> String {
    format!(
        "{}/phases/{}",
        super::path_of("contracts", reference),
        super::segment(phase)
    )
}

/// By planned date.
#[utoipa::path(get, path = "/api/v1/contracts/{reference}/phases", tag = "deliveries",
    params(("reference" = String, Path), Paging),
    responses((status = 200, body = Paged<Phase>), (status = 404, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(reference): Path<String>,
    Query(paging): Query<Paging>,
) -> Result<Json<Paged<Phase>>, Problem> {
    allow(caller.as_deref(), Permission::Read)?;
    Ok(Json(paging.cut(phases_of(&state, &reference).await?)))
}

#[utoipa::path(get, path = "/api/v1/contracts/{reference}/phases/{phase}", tag = "deliveries",
    params(("reference" = String, Path), ("phase" = String, Path)),
    responses((status = 200, body = Phase), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path((reference, phase)): Path<(String, String)>,
) -> Result<Json<Phase>, Problem> {
    allow(caller.as_deref(), Permission::Read)?;
    Ok(Json(found(&state, &reference, &phase).await?))
}

#[utoipa::path(post, path = "/api/v1/contracts/{reference}/phases", tag = "deliveries",
    params(("reference" = String, Path)), request_body = PhaseInput,
    responses((status = 201, body = Phase), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(reference): Path<String>,
    Body(input): Body<PhaseInput>,
) -> Result<Created<Phase>, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    contract(&state, &reference).await?;
    let new = input.parse(&reference, &input.phase)?;
    let phase = new.phase.clone();
    store::ledger::deliveries::add_phase(&state.db, &who.username, new).await?;
    Ok(Created::at(
        phase_path(&reference, &phase),
        found(&state, &reference, &phase).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/contracts/{reference}/phases/{phase}/receipts", tag = "deliveries",
    params(("reference" = String, Path), ("phase" = String, Path), Paging),
    responses((status = 200, body = Paged<Receipt>), (status = 404, body = Problem)))]
pub async fn receipts(
    State(state): State<AppState>,
    caller: Caller,
    Path((reference, phase)): Path<(String, String)>,
    Query(paging): Query<Paging>,
) -> Result<Json<Paged<Receipt>>, Problem> {
    allow(caller.as_deref(), Permission::Read)?;
    Ok(Json(
        paging.cut(found(&state, &reference, &phase).await?.receipts),
    ))
}

async fn receipt_found(
    state: &AppState,
    reference: &str,
    phase: &str,
    id: i64,
) -> Result<Receipt, Problem> {
    found(state, reference, phase)
        .await?
        .receipts
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| {
            Problem::not_found(format!(
                "phase {phase:?} of {reference:?} has no receipt #{id}"
            ))
        })
}

#[utoipa::path(get, path = "/api/v1/contracts/{reference}/phases/{phase}/receipts/{id}", tag = "deliveries",
    params(("reference" = String, Path), ("phase" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = Receipt), (status = 404, body = Problem)))]
pub async fn receipt(
    State(state): State<AppState>,
    caller: Caller,
    Path((reference, phase, id)): Path<(String, String, i64)>,
) -> Result<Json<Receipt>, Problem> {
    allow(caller.as_deref(), Permission::Read)?;
    Ok(Json(receipt_found(&state, &reference, &phase, id).await?))
}

/// Logs a delivery. Receiving more than planned is allowed (vendors ship extra) and shown.
#[utoipa::path(post, path = "/api/v1/contracts/{reference}/phases/{phase}/receipts", tag = "deliveries",
    params(("reference" = String, Path), ("phase" = String, Path)), request_body = ReceiptInput,
    responses((status = 201, body = Receipt), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn log_receipt(
    State(state): State<AppState>,
    caller: Caller,
    Path((reference, phase)): Path<(String, String)>,
    Body(input): Body<ReceiptInput>,
) -> Result<Created<Receipt>, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    found(&state, &reference, &phase).await?;
    let new = input.parse(&reference, &phase)?;
    let logged = store::ledger::deliveries::log_receipt(&state.db, &who.username, new).await?;
    Ok(Created::at(
        format!("{}/receipts/{}", phase_path(&reference, &phase), logged.id),
        receipt_found(&state, &reference, &phase, logged.id).await?,
    ))
}

/// Re-plans a phase: resource, region, planned date and quantity (the name stays).
#[utoipa::path(put, path = "/api/v1/contracts/{reference}/phases/{phase}", tag = "deliveries",
    params(("reference" = String, Path), ("phase" = String, Path)), request_body = PhaseInput,
    responses((status = 200, body = Phase), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path((reference, phase)): Path<(String, String)>,
    Body(input): Body<PhaseInput>,
) -> Result<Json<Phase>, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    super::same_name("phase", &input.phase, &phase)?;
    found(&state, &reference, &phase).await?;
    let new = input.parse(&reference, &phase)?;
    store::ledger::deliveries::update_phase(&state.db, &who.username, new).await?;
    Ok(Json(found(&state, &reference, &phase).await?))
}

/// Deletes a phase nothing was received against (409 otherwise); the audit trail keeps it.
#[utoipa::path(delete, path = "/api/v1/contracts/{reference}/phases/{phase}", tag = "deliveries",
    params(("reference" = String, Path), ("phase" = String, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path((reference, phase)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    store::ledger::deliveries::remove_phase(&state.db, &who.username, &reference, &phase).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Corrects a receipt; neither its old nor its new month may be closed.
#[utoipa::path(put, path = "/api/v1/contracts/{reference}/phases/{phase}/receipts/{id}", tag = "deliveries",
    params(("reference" = String, Path), ("phase" = String, Path), ("id" = i64, Path)), request_body = ReceiptInput,
    responses((status = 200, body = Receipt), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn correct_receipt(
    State(state): State<AppState>,
    caller: Caller,
    Path((reference, phase, id)): Path<(String, String, i64)>,
    Body(input): Body<ReceiptInput>,
) -> Result<Json<Receipt>, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    receipt_found(&state, &reference, &phase, id).await?;
    let new = input.parse(&reference, &phase)?;
    store::ledger::deliveries::correct_receipt(&state.db, &who.username, id, new).await?;
    Ok(Json(receipt_found(&state, &reference, &phase, id).await?))
}

/// Deletes a receipt logged by mistake (its month must be open); the audit trail keeps it.
#[utoipa::path(delete, path = "/api/v1/contracts/{reference}/phases/{phase}/receipts/{id}", tag = "deliveries",
    params(("reference" = String, Path), ("phase" = String, Path), ("id" = i64, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn remove_receipt(
    State(state): State<AppState>,
    caller: Caller,
    Path((reference, phase, id)): Path<(String, String, i64)>,
) -> Result<StatusCode, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    store::ledger::deliveries::remove_receipt(&state.db, &who.username, &reference, &phase, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
