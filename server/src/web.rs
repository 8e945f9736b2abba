//! The web server: the Leptos app (SSR + hydration), static files, `/healthz`.

use crate::cli::ServeArgs;
use anyhow::Context;
use app::state::AppState;
use app::{shell, App};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use store::DatabaseConnection;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/reports/{file}", get(crate::report_api::report))
        .route(
            "/api/imports",
            crate::upload::route(state.upload_limit_bytes),
        )
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
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
    let app = router(state);
    tracing::info!("Compute Ledger is running at http://{bound}/");
    println!("Compute Ledger is running at http://{bound}/");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("stopped");
    Ok(())
}

fn chrono_today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
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
