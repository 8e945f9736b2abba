//! Every output a reader sees, byte for byte: each report (CSV and JSON), each dashboard (its
//! JSON) and each figure's CSV, on the demo ledger (baseline, a what-if scenario, a contract
//! filter) and on the fixture ledger, plus the ledger and FOCUS exports. The digests were taken
//! before the architecture redesign; a refactor that changes any of these outputs fails here.
//!
//! `GOLDEN_DUMP=dir` writes every output into `dir` (to diff two trees); `GOLDEN_UPDATE=1`
//! rewrites the digests after an intended change of output.

mod common;

use axum::http::StatusCode;
use common::{call, demo_state, get, Ctx};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const REPORTS: [&str; 12] = [
    "burndown",
    "portfolio-burndown",
    "concentration",
    "ratio",
    "projection",
    "slippage",
    "ratio-ttm",
    "commitment-concentration",
    "trueup",
    "ratio-outlook",
    "commitments",
    "usage-burndown",
];
const VIEWS: [&str; 5] = [
    "overview",
    "burndown",
    "ratio",
    "concentration",
    "deliveries",
];

/// The dashboard's JSON without the time its figures were confirmed current, which differs on
/// every run (the field is required, and is the last one).
fn without_clock_time(dashboard: &str) -> String {
    let key = r#","figures_as_of":""#;
    let at = dashboard
        .find(key)
        .unwrap_or_else(|| panic!("no figures_as_of in {dashboard}"));
    let end = dashboard[at + key.len()..].find('"').unwrap() + at + key.len() + 1;
    format!("{}{}", &dashboard[..at], &dashboard[end..])
}

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden.sha256")
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../store/tests/fixtures")
}

/// Every output of one ledger under each query, by label.
async fn outputs(ctx: &Ctx, ledger: &str, queries: &[&str], out: &mut BTreeMap<String, String>) {
    for query in queries {
        // The reports take no date range (that is the dashboards' filter bar).
        let report_query: Vec<&str> = query
            .split('&')
            .filter(|p| !p.starts_with("from=") && !p.starts_with("to="))
            .collect();
        let report_query = report_query.join("&");
        for report in REPORTS {
            for ext in ["csv", "json"] {
                let path = format!("/api/reports/{report}.{ext}?{report_query}");
                let (status, body) = get(ctx, &path).await;
                assert_eq!(status, StatusCode::OK, "{path}: {body}");
                out.insert(format!("{ledger} {path}"), body);
            }
        }
        let form: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
        for view in VIEWS {
            let mut fields: Vec<(&str, &str)> = vec![("view", view)];
            for name in ["as_of", "from", "to", "vendor", "contract", "scenario"] {
                let value = form.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v);
                fields.push((name, value));
            }
            let (status, body) = call(ctx, "dashboard", &fields).await;
            assert_eq!(status, StatusCode::OK, "{view} {query}: {body}");
            let dashboard: Value = serde_json::from_str(&body).unwrap();
            out.insert(
                format!("{ledger} dashboard {view}?{query}"),
                without_clock_time(&body),
            );
            let mut figures: Vec<&str> = Vec::new();
            for list in ["charts", "tables"] {
                for figure in dashboard[list].as_array().unwrap() {
                    figures.push(figure["id"].as_str().unwrap());
                }
            }
            if let Some(id) = dashboard["timeline"]["id"].as_str() {
                figures.push(id);
            }
            for figure in figures {
                let path = format!("/api/dashboards/{view}/{figure}.csv?{query}");
                let (status, body) = get(ctx, &path).await;
                assert_eq!(status, StatusCode::OK, "{path}: {body}");
                out.insert(format!("{ledger} {path}"), body);
            }
        }
    }
    let (status, body) = get(ctx, "/api/focus/contract-commitments.csv").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    out.insert(format!("{ledger} focus-contract-commitments.csv"), body);
    let dir = tempfile::tempdir().unwrap();
    store::export::export_dir(&ctx.state.db, dir.path())
        .await
        .unwrap();
    let mut files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        out.insert(
            format!("{ledger} export {name}"),
            std::fs::read_to_string(&file).unwrap(),
        );
    }
}

async fn stress_scenario(ctx: &Ctx) {
    let scenario = domain::scenario::Scenario::parse(&domain::scenario::RawScenario {
        name: "Stress".into(),
        run_rate_change_percent: "-50".into(),
        revenue_growth_percent: "5".into(),
        delay_contract: "AWS-2025-38B".into(),
        delay_phase: "bulk-2026".into(),
        delay_months: "3".into(),
        new_reference: "NEB-2027".into(),
        new_vendor: "Nebius".into(),
        new_start_date: "2027-01-01".into(),
        new_end_date: "2027-12-31".into(),
        new_committed_amount: "1000000.00".into(),
        new_currency: "USD".into(),
        new_daily_spend: "1000.00".into(),
        ..Default::default()
    })
    .unwrap();
    store::ledger::scenarios::create(&ctx.state.db, "cfo", scenario)
        .await
        .unwrap();
}

fn digest(body: &str) -> String {
    Sha256::digest(body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn dump(dir: &Path, out: &BTreeMap<String, String>) {
    std::fs::create_dir_all(dir).unwrap();
    for (label, body) in out {
        let name: String = label
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        std::fs::write(dir.join(name), body).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_output_is_what_it_was_before_the_redesign() {
    let mut out = BTreeMap::new();

    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    stress_scenario(&ctx).await;
    outputs(
        &ctx,
        "demo",
        &[
            "as_of=2026-11-23",
            "as_of=2026-06-30&scenario=Stress",
            "as_of=2026-11-23&contract=AWS-2025-38B&from=2026-01-01&to=2026-09-30",
        ],
        &mut out,
    )
    .await;

    let database = store::testing::fresh_database().await.unwrap();
    let db = store::connect(&database.url).await.unwrap();
    store::import::import_files(
        &db,
        store::import::ImportSource::open_dir(&fixtures().join("ledger")).unwrap(),
        "golden",
        Arc::new(store::import::NoProgress),
    )
    .await
    .unwrap();
    let fixture_dir = tempfile::tempdir().unwrap();
    let fixture = Ctx::new(app::state::AppState::new(common::options(&fixture_dir), db)).await;
    outputs(&fixture, "fixtures", &["as_of=2026-03-01"], &mut out).await;

    if let Ok(dir) = std::env::var("GOLDEN_DUMP") {
        dump(Path::new(&dir), &out);
    }
    let actual: String = out
        .iter()
        .map(|(label, body)| format!("{}  {label}\n", digest(body)))
        .collect();
    if std::env::var("GOLDEN_UPDATE").is_ok() {
        std::fs::write(manifest(), &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(manifest()).unwrap();
    let changed: Vec<&str> = actual
        .lines()
        .zip(expected.lines())
        .filter(|(a, e)| a != e)
        .map(|(a, _)| a)
        .collect();
    assert!(
        changed.is_empty() && actual.lines().count() == expected.lines().count(),
        "{} of {} outputs differ from {} (GOLDEN_DUMP=dir writes them):\n{}",
        changed.len(),
        expected.lines().count(),
        manifest().display(),
        changed.join("\n")
    );
}
