//! The real router over a fresh database (SQLite, or PostgreSQL in the second test pass), with
//! a signed-in session for each role.
#![allow(dead_code)] // each test binary uses its own part of the harness

pub mod smtp_relay;

use app::state::AppState;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use domain::Role;
use leptos::prelude::LeptosOptions;
use sea_orm::{ActiveModelTrait, Set};
use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use store::testing::{fresh_database, TestDatabase};
use tower::ServiceExt;

pub const ROLES: [Role; 4] = [Role::Viewer, Role::Editor, Role::Analyst, Role::Admin];

/// A browser session: the cookie and the CSRF token its forms carry.
#[derive(Clone, Debug)]
pub struct Caller {
    pub cookie: String,
    pub csrf: String,
}

/// The app state plus one signed-in session per role (users `viewer`, `editor`, …).
pub struct Ctx {
    pub state: AppState,
    pub callers: HashMap<Role, Caller>,
}

impl Deref for Ctx {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        &self.state
    }
}

impl DerefMut for Ctx {
    fn deref_mut(&mut self) -> &mut AppState {
        &mut self.state
    }
}

impl Ctx {
    /// Users are inserted with an unusable password hash (these sessions never sign in by
    /// password, so no argon2 cost per test); the sign-in tests add real users.
    pub async fn new(state: AppState) -> Self {
        let mut callers = HashMap::new();
        for role in ROLES {
            let user = store::entities::user::ActiveModel {
                username: Set(role.as_str().to_owned()),
                password_hash: Set("!".to_owned()),
                role: Set(role.as_str().to_owned()),
                created_at: Set(chrono::Utc::now()),
                disabled_at: Set(None),
                ..Default::default()
            }
            .insert(&state.db)
            .await
            .unwrap();
            let session =
                store::auth::create_session(&state.db, user.id, chrono::Duration::hours(1))
                    .await
                    .unwrap();
            callers.insert(
                role,
                Caller {
                    cookie: format!("ledger_session={}", session.secret),
                    csrf: session.csrf_token,
                },
            );
        }
        Self { state, callers }
    }

    /// A second server process on the same database: its own state (connection pool, report
    /// cache), the same signed-in sessions.
    pub async fn other_server(&self, dir: &tempfile::TempDir, url: &str) -> Ctx {
        let db = store::connect(url).await.unwrap();
        Ctx {
            state: AppState::new(options(dir), db),
            callers: self.callers.clone(),
        }
    }

    pub fn caller(&self, role: Role) -> &Caller {
        &self.callers[&role]
    }
}

/// A loopback port that nothing listens on (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn options(dir: &tempfile::TempDir) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("compute-ledger")
        .site_root(dir.path().to_string_lossy().into_owned())
        .build()
}

/// A fresh database holding the demo ledger as of 2026-11-23.
pub async fn demo_state(dir: &tempfile::TempDir) -> (Ctx, TestDatabase) {
    let database = fresh_database().await.unwrap();
    let db = store::connect(&database.url).await.unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    store::demo::load_if_empty(&db, today).await.unwrap();
    (Ctx::new(AppState::new(options(dir), db)).await, database)
}

/// GET as the admin, the body as bytes (a workbook is binary).
pub async fn get_bytes(ctx: &Ctx, path: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let request = with_session(Request::get(path), Some(ctx.caller(Role::Admin)))
        .body(Body::empty())
        .unwrap();
    let response = server::web::router(ctx.state.clone())
        .oneshot(request)
        .await
        .unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, headers, bytes.to_vec())
}

pub async fn send(state: &AppState, request: Request<Body>) -> (StatusCode, String) {
    let (status, _, body) = send_full(state, request).await;
    (status, body)
}

pub async fn send_full(
    state: &AppState,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = server::web::router(state.clone())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

fn with_session(
    builder: axum::http::request::Builder,
    caller: Option<&Caller>,
) -> axum::http::request::Builder {
    match caller {
        Some(c) => builder.header(header::COOKIE, &c.cookie),
        None => builder,
    }
}

/// GET as the admin.
pub async fn get(ctx: &Ctx, path: &str) -> (StatusCode, String) {
    get_as(ctx, Some(Role::Admin), path).await
}

pub async fn get_as(ctx: &Ctx, role: Option<Role>, path: &str) -> (StatusCode, String) {
    let request = with_session(Request::get(path), role.map(|r| ctx.caller(r)))
        .body(Body::empty())
        .unwrap();
    send(ctx, request).await
}

/// Calls a server function as the admin.
pub async fn call(ctx: &Ctx, endpoint: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    call_as(ctx, Some(Role::Admin), endpoint, form).await
}

/// Calls a server function the way the browser does: GET with a query for reads, a
/// form-encoded POST carrying the session's CSRF token for writes, asking for JSON.
pub async fn call_as(
    ctx: &Ctx,
    role: Option<Role>,
    endpoint: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String) {
    let path = format!("/api/{endpoint}");
    let method = server_fn_method(&path);
    let caller = role.map(|r| ctx.caller(r));
    let request = if method == Method::GET {
        let query = serde_urlencoded::to_string(form).unwrap();
        with_session(Request::get(format!("{path}?{query}")), caller)
            .header(header::ACCEPT, "application/json")
            .body(Body::empty())
            .unwrap()
    } else {
        let mut fields: Vec<(&str, &str)> = form
            .iter()
            .filter(|(k, _)| *k != "csrf_token")
            .copied()
            .collect();
        fields.push(("csrf_token", caller.map_or("", |c| c.csrf.as_str())));
        with_session(Request::post(&path), caller)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(Body::from(serde_urlencoded::to_string(&fields).unwrap()))
            .unwrap()
    };
    send(ctx, request).await
}

pub fn server_fn_method(path: &str) -> Method {
    leptos::server_fn::axum::server_fn_paths()
        .find(|(p, _)| *p == path)
        .map(|(_, m)| m)
        .unwrap_or_else(|| panic!("no server function at {path}"))
}

/// Imports the worked example (store/tests/fixtures) into a fresh database.
pub async fn worked_example_state(dir: &tempfile::TempDir) -> (Ctx, TestDatabase) {
    let database = fresh_database().await.unwrap();
    let url = database.url.clone();
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../store/tests/fixtures/ledger");
    let cli = <server::cli::Cli as clap::Parser>::parse_from([
        "compute-ledger",
        "--database-url",
        &url,
        "import",
        fixtures.to_str().unwrap(),
    ]);
    assert_eq!(
        server::cli::run(cli).await.unwrap(),
        std::process::ExitCode::SUCCESS
    );
    let db = store::connect(&url).await.unwrap();
    (Ctx::new(AppState::new(options(dir), db)).await, database)
}
