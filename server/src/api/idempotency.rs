//! `Idempotency-Key` on POST: the first request with a key runs and its answer is kept for a
//! day; a retry with the same key and the same request gets that answer again (with
//! `Idempotent-Replayed: true`) and writes nothing. The same key with a different request is
//! refused (422), and so is a retry while the first is still running (409).

use super::problem::Problem;
use app::state::AppState;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use store::auth::Principal;
use store::idempotency::{self, Claim};

pub const HEADER: &str = "idempotency-key";
const REPLAYED: &str = "idempotent-replayed";
const MAX_KEY_LEN: usize = 255;
/// API bodies are single entries; answers are the entry written.
const MAX_BYTES: usize = crate::web::MAX_BODY_BYTES;

pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let key = req
        .headers()
        .get(HEADER)
        .map(|v| v.to_str().map(str::to_owned));
    let (Some(key), Method::POST) = (key, req.method().clone()) else {
        return next.run(req).await;
    };
    let Ok(key) = key.map(|k| k.trim().to_owned()) else {
        return refuse("The Idempotency-Key must be plain text.");
    };
    if key.is_empty() || key.len() > MAX_KEY_LEN {
        return refuse("The Idempotency-Key must be 1 to 255 characters.");
    }
    // Signed-out callers are answered by the handler (401) and claim nothing.
    let Some(caller) = req
        .extensions()
        .get::<Principal>()
        .map(Principal::idempotency_caller)
    else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BYTES).await else {
        return Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The request body is too large.",
        )
        .into_response();
    };
    let hash = request_hash(parts.method.as_str(), parts.uri.path(), &bytes);
    match idempotency::claim(&state.db, &caller, &key, &hash).await {
        Err(e) => return Problem::database(&e).into_response(),
        Ok(Claim::Replay {
            status,
            location,
            body,
        }) => return replay(status, location, body),
        Ok(Claim::InProgress) => {
            return Problem::new(
                StatusCode::CONFLICT,
                "A request with this Idempotency-Key is still being answered; retry in a moment.",
            )
            .into_response()
        }
        Ok(Claim::OtherRequest) => {
            return refuse("This Idempotency-Key was used for a different request; use a new key.")
        }
        Ok(Claim::First) => {}
    }
    // Run to the end even if the client goes away, so the claim is always answered or given
    // back (a dropped request would otherwise leave it "in progress").
    let request = Request::from_parts(parts, Body::from(bytes));
    match tokio::spawn(answer_and_keep(
        state.db.clone(),
        next,
        request,
        caller,
        key,
    ))
    .await
    {
        Ok(response) => response,
        Err(e) => {
            tracing::error!(error = %e, "an idempotent request failed");
            Problem::unavailable().into_response()
        }
    }
}

/// Runs the request and keeps its answer under the key (or gives the key back).
async fn answer_and_keep(
    db: store::DatabaseConnection,
    next: Next,
    request: Request,
    caller: String,
    key: String,
) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let (mut head, body) = response.into_parts();
    let Ok(answer) = to_bytes(body, MAX_BYTES).await else {
        // The answer cannot be kept, so nothing may claim the key: a retry runs again.
        let _ = idempotency::release(&db, &caller, &key).await;
        return Problem::unavailable().into_response();
    };
    // A failure on our side wrote nothing, and a refusal for who the caller is (401/403) may
    // change: let a retry run again. Entries written and entries refused for their content
    // are answered the same way for the day.
    let replayable = status.is_success()
        || status == StatusCode::CONFLICT
        || status == StatusCode::UNPROCESSABLE_ENTITY;
    let kept = if !replayable {
        idempotency::release(&db, &caller, &key).await
    } else {
        let location = head
            .headers
            .get(axum::http::header::LOCATION)
            .and_then(|v| v.to_str().ok());
        idempotency::finish(
            &db,
            &caller,
            &key,
            status.as_u16(),
            location,
            &String::from_utf8_lossy(&answer),
        )
        .await
    };
    if let Err(e) = kept {
        tracing::error!(error = %e, "could not keep an idempotent answer");
    }
    head.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(head, Body::from(answer))
}

fn request_hash(method: &str, path: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    for part in [method.as_bytes(), b"\n", path.as_bytes(), b"\n", body] {
        hash.update(part);
    }
    format!("{:x}", hash.finalize())
}

fn replay(status: u16, location: Option<String>, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let content_type = if status.is_success() {
        "application/json"
    } else {
        super::problem::CONTENT_TYPE
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static(content_type),
    );
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    if let Some(location) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        headers.insert(axum::http::header::LOCATION, location);
    }
    response
}

fn refuse(detail: &str) -> Response {
    Problem::new(StatusCode::UNPROCESSABLE_ENTITY, detail).into_response()
}
