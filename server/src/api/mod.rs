//! `/api/v1`: the ledger's entries as JSON resources for scripts and integrations — vendors,
//! contracts, commitments, delivery phases and receipts, usage, revenue and scenarios. The
//! handlers parse with the same domain constructors and write through the same store
//! functions as the forms, so the rules and the audit trail are the forms'. Reports stay
//! under `/api/reports`.
//!
//! Every route is registered through utoipa-axum, which adds its OpenAPI description in the
//! same call: the document at `/api/v1/openapi.json` lists exactly what the router serves.

mod commitments;
mod contracts;
mod deliveries;
pub mod idempotency;
mod input;
pub mod problem;
mod resources;
mod revenue;
mod scenarios;
mod usage;
mod vendors;

use app::state::AppState;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{middleware, Extension, Json, Router};
use serde::Serialize;
use std::sync::LazyLock;
use store::auth::Principal;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use problem::API_PREFIX as PREFIX;

/// The signed-in caller, if any; each handler checks its role.
type Caller = Option<Extension<Principal>>;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Compute Ledger API",
        version = "1",
        description = "The ledger's entries as JSON. Amounts and quantities are exact decimal \
            strings; errors are RFC 9457 problem details. Authenticate with an API token \
            (`Authorization: Bearer …`, created on the Account page) or a browser session \
            (then send the session's CSRF token in `X-CSRF-Token` on every write)."
    ),
    modifiers(&Authentication),
    security(("token" = []), ("session" = [])),
    tags(
        (name = "vendors"), (name = "contracts"), (name = "commitments"),
        (name = "deliveries", description = "Delivery phases and the receipts logged against them"),
        (name = "usage"), (name = "revenue"), (name = "scenarios"), (name = "meta")
    )
)]
struct Document;

struct Authentication;

impl Modify for Authentication {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token from the Account page"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(Document::openapi())
        .routes(routes!(openapi_json))
        .routes(routes!(vendors::list, vendors::create))
        .routes(routes!(vendors::get, vendors::update))
        .routes(routes!(vendors::archive))
        .routes(routes!(contracts::list, contracts::create))
        .routes(routes!(contracts::get, contracts::update))
        .routes(routes!(contracts::archive))
        .routes(routes!(commitments::list, commitments::create))
        .routes(routes!(
            commitments::get,
            commitments::update,
            commitments::remove
        ))
        .routes(routes!(deliveries::list, deliveries::create))
        .routes(routes!(
            deliveries::get,
            deliveries::update,
            deliveries::remove
        ))
        .routes(routes!(deliveries::receipts, deliveries::log_receipt))
        .routes(routes!(
            deliveries::receipt,
            deliveries::correct_receipt,
            deliveries::remove_receipt
        ))
        .routes(routes!(usage::list, usage::create))
        .routes(routes!(usage::get, usage::correct, usage::remove))
        .routes(routes!(revenue::list, revenue::create))
        .routes(routes!(revenue::get, revenue::correct, revenue::remove))
        .routes(routes!(scenarios::list, scenarios::create))
        .routes(routes!(
            scenarios::get,
            scenarios::update,
            scenarios::delete
        ))
}

/// The API's routes, with idempotent POSTs.
pub fn router(state: &AppState) -> Router<AppState> {
    routes()
        .split_for_parts()
        .0
        .layer(middleware::from_fn_with_state(
            state.clone(),
            idempotency::layer,
        ))
}

/// The OpenAPI 3.1 document of [`router`].
pub fn document() -> utoipa::openapi::OpenApi {
    routes().split_for_parts().1
}

static DOCUMENT_JSON: LazyLock<String> =
    LazyLock::new(|| document().to_pretty_json().unwrap_or_default());

/// This document (OpenAPI 3.1). A browsable page is at `/api-docs.html`.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
async fn openapi_json(caller: Caller) -> Response {
    if let Err(problem) = input::allow(caller.as_deref(), domain::Permission::Read) {
        return problem.into_response();
    }
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT_JSON.as_str(),
    )
        .into_response()
}

/// 201 with the new entry and its URL in `Location`.
pub struct Created<T> {
    location: String,
    entry: T,
}

impl<T> Created<T> {
    fn at(location: String, entry: T) -> Self {
        Self { location, entry }
    }
}

impl<T: Serialize> IntoResponse for Created<T> {
    fn into_response(self) -> Response {
        (
            StatusCode::CREATED,
            [(header::LOCATION, self.location)],
            Json(self.entry),
        )
            .into_response()
    }
}

/// `/api/v1/{collection}/{name}`, the name percent-encoded.
fn path_of(collection: &str, name: &str) -> String {
    format!("{PREFIX}{collection}/{}", segment(name))
}

/// A key named by the path may be left out of the body, or repeated, but not changed.
fn same_name(field: &str, sent: &str, path: &str) -> Result<(), problem::Problem> {
    if sent.trim().is_empty() || sent.trim() == path {
        Ok(())
    } else {
        Err(problem::Problem::invalid(&[domain::FieldError::new(
            field,
            format!("cannot be changed (the path names {path:?})"),
        )]))
    }
}

fn segment(name: &str) -> String {
    domain::links::path_segment(name)
}
