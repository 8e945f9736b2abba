//! The real router over a fresh database (SQLite, or PostgreSQL in the second test pass).
#![allow(dead_code)] // each test binary uses its own part of the harness

use app::state::AppState;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use leptos::prelude::LeptosOptions;
use store::testing::{fresh_database, TestDatabase};
use tower::ServiceExt;

pub fn options(dir: &tempfile::TempDir) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("compute-ledger")
        .site_root(dir.path().to_string_lossy().into_owned())
        .build()
}

/// A fresh database holding the demo ledger as of 2026-11-23.
pub async fn demo_state(dir: &tempfile::TempDir) -> (AppState, TestDatabase) {
    let database = fresh_database().await.unwrap();
    let db = store::connect(&database.url).await.unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    store::demo::load_if_empty(&db, today).await.unwrap();
    (AppState::new(options(dir), db), database)
}

pub async fn send(state: &AppState, request: Request<Body>) -> (StatusCode, String) {
    let response = server::web::router(state.clone())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

pub async fn get(state: &AppState, path: &str) -> (StatusCode, String) {
    send(state, Request::get(path).body(Body::empty()).unwrap()).await
}

/// Calls a server function the way the browser does: a form-encoded POST asking for JSON.
pub async fn call(state: &AppState, endpoint: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    let body = serde_urlencoded::to_string(form).unwrap();
    let request = Request::post(format!("/api/{endpoint}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(body))
        .unwrap();
    send(state, request).await
}
