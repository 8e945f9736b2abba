//! The web server: the Leptos app (SSR + hydration), static files, `/healthz`.

use crate::auth;
use crate::serve_args::ServeArgs;
use anyhow::Context;
use app::state::AppState;
use app::{shell, App};
use axum::extract::State;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use store::DatabaseConnection;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

/// Forms and server-function calls are small; anything bigger than this is refused with 413.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

pub fn router(state: AppState) -> Router {
    router_with(state, None)
}

/// The router, with OpenID Connect sign-in when a provider is configured.
pub fn router_with(state: AppState, oidc: Option<crate::oidc::Oidc>) -> Router {
    let single_sign_on = oidc.map(crate::oidc::Oidc::routes).unwrap_or_default();
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    // Every body is capped; the CSV upload has its own, larger limit (see upload.rs).
    let uploads = Router::new().route(
        "/api/imports",
        crate::upload::route(state.upload_limit_bytes),
    );
    Router::new()
        .merge(crate::api::router(&state))
        .route("/healthz", get(healthz))
        .route("/api/reports/{file}", get(crate::report_api::report))
        .route(
            "/api/focus/contract-commitments.csv",
            get(crate::report_api::focus_contract_commitments),
        )
        .route(
            "/api/formats/{file}",
            get(crate::report_api::format_template),
        )
        .route(
            "/api/dashboards/{view}/{file}",
            get(crate::report_api::dashboard_csv),
        )
        .route(crate::board_pack::ROUTE, get(crate::board_pack::download))
        .route("/login", post(auth::login))
        .route("/logout", post(auth::logout))
        .merge(single_sign_on)
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .merge(uploads)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(middleware::from_fn(auth::security_headers))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Up and able to reach its database.
async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n"),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n")
        }
    }
}

pub async fn serve(db: DatabaseConnection, args: ServeArgs) -> anyhow::Result<()> {
    if !args.no_demo {
        let today = chrono_today();
        if let Some(report) = store::demo::load_if_empty(&db, today).await? {
            tracing::info!(
                rows = report.total_rows(),
                "empty database: loaded the demo ledger (--no-demo turns this off)"
            );
        }
    }
    first_admin(&db, !args.no_demo).await?;
    let mut leptos_options = get_configuration(None)
        .context("reading the Leptos configuration")?
        .leptos_options;
    if let Some(addr) = args.addr {
        leptos_options.site_addr = addr;
    }
    let addr = leptos_options.site_addr;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let bound = listener.local_addr()?;
    let mut state = AppState::new(leptos_options, db);
    state.upload_limit_bytes = args.max_upload_mb.saturating_mul(1024 * 1024);
    state.session_lifetime = chrono::Duration::hours(args.session_hours);
    state.secure_cookies = args.secure_cookies;
    state.reporting_currency = args.reporting_currency;
    state.reports =
        reports::ReportCache::coalescing(std::time::Duration::from_millis(args.report_max_age_ms));
    let oidc = crate::oidc::OidcConfig::from_args(&args.single_sign_on)
        .map_err(anyhow::Error::msg)?
        .map(crate::oidc::Oidc::new)
        .transpose()?;
    state.sign_in = app::auth::SignInOptions {
        password: !args.single_sign_on.no_password_login,
        single_sign_on: oidc.as_ref().map(|o| o.label().to_owned()),
    };
    if let Some(oidc) = &oidc {
        tracing::info!(
            provider = oidc.label(),
            password = state.sign_in.password,
            "single sign-on is on"
        );
    }
    tokio::spawn(sweep_now_and_then(state.db.clone()));
    let alerts =
        crate::alerts::runner::AlertSettings::from_env(args.single_sign_on.public_url.as_deref())
            .map_err(anyhow::Error::msg)?;
    tokio::spawn(crate::alerts::runner::run(state.clone(), alerts));
    match crate::board_pack_mail::PackMail::from_env().map_err(anyhow::Error::msg)? {
        Some(mail) => {
            tracing::info!(
                recipients = mail.to.len(),
                day = mail.day,
                "published board packs are e-mailed"
            );
            tokio::spawn(crate::board_pack_mail::run(state.clone(), mail));
        }
        None => tracing::info!("board pack e-mail is off (LEDGER_BOARD_PACK_TO is not set)"),
    }
    let app = router_with(state, oidc);
    tracing::info!("Compute Ledger is running at http://{bound}/");
    println!("Compute Ledger is running at http://{bound}/");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    tracing::info!("stopped");
    Ok(())
}

/// With no users nobody could sign in. On the demo run an admin is created with a random
/// password printed once; otherwise the log says how to add one.
async fn first_admin(db: &DatabaseConnection, demo: bool) -> anyhow::Result<()> {
    if store::auth::user_count(db).await? > 0 {
        return Ok(());
    }
    if !demo {
        tracing::warn!("no users yet: add one with `compute-ledger user add NAME --role admin`");
        return Ok(());
    }
    let password = store::auth::new_secret()[..20].to_owned();
    store::auth::add_user(db, "demo-loader", "admin", domain::Role::Admin, &password)
        .await
        .map_err(|e| anyhow::anyhow!("creating the first admin: {e}"))?;
    println!("First sign-in: user admin, password {password} (shown only now; add users with `compute-ledger user add`)");
    Ok(())
}

fn chrono_today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// How often expired sessions, old sign-in failures and idempotent answers are deleted.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Runs for the life of the server (several servers on one database each sweep; deleting what
/// has expired twice is harmless).
async fn sweep_now_and_then(db: DatabaseConnection) {
    let mut every = tokio::time::interval(SWEEP_EVERY);
    loop {
        every.tick().await;
        match store::sweep::sweep(&db).await {
            Ok(swept) if swept != store::sweep::Swept::default() => {
                tracing::info!(?swept, "swept expired rows")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "sweeping expired rows failed; will retry"),
        }
    }
}

/// Ctrl-C on a terminal, SIGTERM from a supervisor or a test runner.
async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
}
