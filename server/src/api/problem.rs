//! Errors as RFC 9457 problem details (`application/problem+json`): a status, a title, a
//! sentence, and for a rejected entry the broken rule of each field. Database errors are
//! logged in full and answered with a sentence: no SQL or stack trace leaves the server.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::collections::BTreeMap;
use store::ledger::WriteError;
use utoipa::ToSchema;

pub const CONTENT_TYPE: &str = "application/problem+json";

/// Requests under this prefix are answered with problem details, also when the auth layer
/// refuses them before any API handler runs.
pub const API_PREFIX: &str = "/api/v1/";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status and title say what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// For 409 and 422: each field (JSON property) and what is wrong with it.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub errors: BTreeMap<String, String>,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank".to_owned(),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: BTreeMap::new(),
        }
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }

    /// 422 (or 409 for a taken key) with the rules each field broke; two rules broken by one
    /// field are joined.
    pub fn fields(status: StatusCode, errors: &[domain::FieldError]) -> Self {
        let mut map: BTreeMap<String, String> = BTreeMap::new();
        for e in errors {
            map.entry(e.column.clone())
                .and_modify(|m| {
                    m.push_str("; ");
                    m.push_str(&e.reason);
                })
                .or_insert_with(|| e.reason.clone());
        }
        let detail = match status {
            StatusCode::CONFLICT => "An entry with this key already exists; nothing was written.",
            _ => "The entry breaks the rules below; nothing was written.",
        };
        Self {
            errors: map,
            ..Self::new(status, detail)
        }
    }

    pub fn invalid(errors: &[domain::FieldError]) -> Self {
        Self::fields(StatusCode::UNPROCESSABLE_ENTITY, errors)
    }

    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "The ledger could not complete the request; nothing was written. Please try again.",
        )
    }

    /// Logs the database's own words and answers with a sentence.
    pub fn database(error: &store::DbErr) -> Self {
        tracing::error!(error = %error, "API request failed in the database");
        Self::unavailable()
    }
}

impl From<WriteError> for Problem {
    fn from(error: WriteError) -> Self {
        match error {
            WriteError::Invalid(errors) => Self::fields(StatusCode::UNPROCESSABLE_ENTITY, &errors),
            WriteError::Conflict(error) => Self::fields(StatusCode::CONFLICT, &[error]),
            WriteError::NotFound(message) => Self::not_found(message),
            WriteError::Database(e) => Self::database(&e),
        }
    }
}

impl From<store::DbErr> for Problem {
    fn from(error: store::DbErr) -> Self {
        Self::database(&error)
    }
}

impl From<domain::access::Denied> for Problem {
    fn from(denied: domain::access::Denied) -> Self {
        let status = StatusCode::from_u16(denied.status()).unwrap_or(StatusCode::FORBIDDEN);
        Self::new(status, denied.to_string())
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_string(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_rules_broken_by_one_field_are_both_said() {
        let p = Problem::fields(
            StatusCode::UNPROCESSABLE_ENTITY,
            &[
                domain::FieldError::new("amount", "is required"),
                domain::FieldError::new("date", "must be a date"),
                domain::FieldError::new("amount", "must be a number"),
            ],
        );
        assert_eq!(p.status, 422);
        assert_eq!(p.errors["amount"], "is required; must be a number");
        assert_eq!(p.errors["date"], "must be a date");
    }

    #[test]
    fn a_database_error_leaves_as_a_sentence() {
        let p = Problem::from(WriteError::Database(store::DbErr::Custom(
            "CHECK constraint failed: amount_e6".into(),
        )));
        assert_eq!(p.status, 503);
        assert!(!p.detail.contains("CHECK"), "{}", p.detail);
    }
}
