//! The real router on a fresh SQLite file with the demo ledger: server-rendered pages list the
//! contracts, /healthz answers, and the import command rejects bad files with exit code 2.

use app::state::AppState;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use clap::Parser;
use leptos::prelude::LeptosOptions;
use tower::ServiceExt;

async fn demo_state(dir: &tempfile::TempDir) -> AppState {
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("ledger.db").display()
    );
    let db = store::connect(&url).await.unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    store::demo::load_if_empty(&db, today).await.unwrap();
    let leptos_options = LeptosOptions::builder()
        .output_name("compute-ledger")
        .site_root(dir.path().to_string_lossy().into_owned())
        .build();
    AppState { leptos_options, db }
}

async fn get(state: &AppState, path: &str) -> (StatusCode, String) {
    let response = server::web::router(state.clone())
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn the_home_page_is_rendered_on_the_server_with_the_contracts() {
    let dir = tempfile::tempdir().unwrap();
    let state = demo_state(&dir).await;
    let (status, html) = get(&state, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("AWS-2025-38B"),
        "the AWS contract is in the HTML"
    );
    assert!(html.contains("38,000,000,000.00 USD"));
    assert!(
        html.contains("/pkg/compute-ledger.js"),
        "the hydration script is linked"
    );
}

#[tokio::test]
async fn healthz_and_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let state = demo_state(&dir).await;
    assert_eq!(
        get(&state, "/healthz").await,
        (StatusCode::OK, "ok\n".to_owned())
    );
    let (status, html) = get(&state, "/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found."));
}

#[tokio::test]
async fn the_import_command_exits_2_and_writes_nothing_on_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("cli.db").display());
    let bad = dir.path().join("vendors.csv");
    std::fs::write(&bad, "name,kind\nA,hyperscaler\nB,cloud\n").unwrap();
    let cli = server::cli::Cli::parse_from([
        "compute-ledger",
        "--database-url",
        &url,
        "import",
        bad.to_str().unwrap(),
    ]);
    let code = server::cli::run(cli).await.unwrap();
    assert_eq!(code, std::process::ExitCode::from(2));
    let db = store::connect(&url).await.unwrap();
    assert_eq!(store::ledger::table_counts(&db).await.unwrap().vendors, 0);

    std::fs::write(&bad, "name,kind\nA,hyperscaler\nB,neocloud\n").unwrap();
    let cli = server::cli::Cli::parse_from([
        "compute-ledger",
        "--database-url",
        &url,
        "import",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(
        server::cli::run(cli).await.unwrap(),
        std::process::ExitCode::SUCCESS
    );
    assert_eq!(store::ledger::table_counts(&db).await.unwrap().vendors, 2);
}
