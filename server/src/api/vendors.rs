//! `/api/v1/vendors`: list, get, create, update, archive.

use super::input::{allow, Body, Paging};
use super::problem::Problem;
use super::resources::{Paged, Vendor};
use super::{Caller, Created};
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use domain::entries::{NewVendor, RawVendor};
use domain::Permission;
use serde::Deserialize;
use utoipa::ToSchema;

/// A vendor as create and update send it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct VendorInput {
    /// Unique, e.g. "CoreWeave".
    pub name: String,
    /// hyperscaler, neocloud, colocation or other.
    pub kind: String,
}

impl VendorInput {
    fn parse(&self) -> Result<NewVendor, Problem> {
        NewVendor::parse(&RawVendor {
            name: &self.name,
            kind: &self.kind,
        })
        .map_err(|e| Problem::invalid(&e))
    }
}

async fn found(state: &AppState, id: i64) -> Result<Vendor, Problem> {
    store::ledger::vendors::get(&state.db, id)
        .await?
        .map(Vendor::from)
        .ok_or_else(|| Problem::not_found(format!("no vendor #{id}")))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VendorFilter {
    /// active (default), archived or all.
    pub status: Option<String>,
}

/// Vendors by name.
#[utoipa::path(get, path = "/api/v1/vendors", tag = "vendors",
    params(VendorFilter, Paging),
    responses((status = 200, body = Paged<Vendor>), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<VendorFilter>,
    Query(paging): Query<Paging>,
) -> Result<Json<Paged<Vendor>>, Problem> {
    allow(caller.as_deref(), Permission::Read)?;
    let status = store::ledger::contracts::Status::parse(filter.status.as_deref().unwrap_or(""))
        .map_err(|e| Problem::invalid(&[domain::FieldError::new("status", e)]))?;
    let vendors = store::ledger::vendors::list(&state.db)
        .await?
        .into_iter()
        .filter(|v| status.admits_archived(v.archived))
        .map(Vendor::from)
        .collect();
    Ok(Json(paging.cut(vendors)))
}

#[utoipa::path(get, path = "/api/v1/vendors/{id}", tag = "vendors",
    params(("id" = i64, Path)),
    responses((status = 200, body = Vendor), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Vendor>, Problem> {
    allow(caller.as_deref(), Permission::Read)?;
    Ok(Json(found(&state, id).await?))
}

#[utoipa::path(post, path = "/api/v1/vendors", tag = "vendors",
    request_body = VendorInput,
    responses((status = 201, body = Vendor), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Body(input): Body<VendorInput>,
) -> Result<Created<Vendor>, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    let new = input.parse()?;
    let id = store::ledger::vendors::create(&state.db, &who.username, new).await?;
    Ok(Created::at(
        format!("/api/v1/vendors/{id}"),
        found(&state, id).await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/vendors/{id}", tag = "vendors",
    params(("id" = i64, Path)), request_body = VendorInput,
    responses((status = 200, body = Vendor), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Body(input): Body<VendorInput>,
) -> Result<Json<Vendor>, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    let new = input.parse()?;
    store::ledger::vendors::update(&state.db, &who.username, id, new).await?;
    Ok(Json(found(&state, id).await?))
}

/// Keeps its contracts and history; it takes no new contracts or entries.
#[utoipa::path(post, path = "/api/v1/vendors/{id}/archive", tag = "vendors",
    params(("id" = i64, Path)),
    responses((status = 200, body = Vendor), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn archive(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Vendor>, Problem> {
    let who = allow(caller.as_deref(), Permission::WriteEntries)?;
    store::ledger::vendors::archive(&state.db, &who.username, id).await?;
    Ok(Json(found(&state, id).await?))
}
