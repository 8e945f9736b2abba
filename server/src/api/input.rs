//! What a request brings: its caller (checked against a permission), its JSON body (every
//! field text, parsed by the same domain constructor as a form or a CSV row), and paging.

use super::problem::Problem;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use store::auth::Principal;
use store::ledger::PageRequest;
use utoipa::IntoParams;

/// The caller, if the role allows `permission`; 401 or 403 otherwise.
pub fn allow(
    principal: Option<&Principal>,
    permission: domain::Permission,
) -> Result<&Principal, Problem> {
    Ok(domain::access::authorize(
        principal,
        |p| p.role,
        permission,
    )?)
}

/// A JSON body. Malformed JSON is a 400; a property of the wrong type or an unknown one is a
/// 422 naming it, like a rule the entry breaks.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().starts_with("application/json"));
        if !is_json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Send the entry as JSON (Content-Type: application/json).",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            Problem::new(
                e.status(),
                format!("The request body could not be read: {e}"),
            )
        })?;
        parse(&bytes).map(Body)
    }
}

pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let mut json = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut json).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_data() {
            let field = if path == "." { "body" } else { path.as_str() };
            Problem::fields(
                StatusCode::UNPROCESSABLE_ENTITY,
                &[domain::FieldError::new(field, without_position(&inner))],
            )
        } else {
            Problem::new(
                StatusCode::BAD_REQUEST,
                format!("The body is not valid JSON: {inner}"),
            )
        }
    })
}

/// serde_json ends its messages with "at line 1 column 9", which means little beside a field.
fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// `?page=1&page_size=50` on every list (at most 500 a page).
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// 1-based; 1 when omitted.
    pub page: Option<u64>,
    /// Rows a page: 50 when omitted, at most 500.
    pub page_size: Option<u64>,
}

impl Paging {
    pub fn request(self) -> PageRequest {
        PageRequest::new(self.page.unwrap_or(1), self.page_size.unwrap_or(50))
    }

    /// One page of a list that is small enough to read whole (vendors, phases).
    pub fn cut<T>(self, all: Vec<T>) -> super::resources::Paged<T> {
        let page = self.request();
        let total = all.len() as u64;
        let items = all
            .into_iter()
            .skip(page.offset() as usize)
            .take(page.page_size as usize)
            .collect();
        super::resources::Paged {
            items,
            total,
            page: page.page,
            page_size: page.page_size,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Entry {
        amount: String,
    }

    #[test]
    fn a_number_where_text_belongs_names_its_field() {
        let e = parse::<Entry>(br#"{"amount": 12.5}"#).unwrap_err();
        assert_eq!(e.status, 422);
        assert!(
            e.errors["amount"].starts_with("invalid type: floating point"),
            "{e:?}"
        );
    }

    #[test]
    fn an_unknown_property_is_refused() {
        let e = parse::<Entry>(br#"{"amount": "1", "amonut": "2"}"#).unwrap_err();
        assert_eq!(e.status, 422);
        assert!(e.errors.values().any(|m| m.contains("amonut")), "{e:?}");
    }

    #[test]
    fn broken_json_is_a_bad_request() {
        assert_eq!(parse::<Entry>(b"{\"amount\": ").unwrap_err().status, 400);
    }
}
