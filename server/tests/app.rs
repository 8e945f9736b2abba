//! The real router on a fresh database (SQLite, or PostgreSQL in the second test pass): server-rendered pages list the
//! contracts, /healthz answers, and the import command rejects bad files with exit code 2.

use axum::http::StatusCode;
use clap::Parser;
mod common;

use common::{demo_state, get, worked_example_state};
use store::testing::fresh_database;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overview_and_the_contracts_are_rendered_on_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _database) = demo_state(&dir).await;
    // The landing page: figures and charts are in the HTML before any wasm runs.
    let (status, html) = get(&state, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Total committed") && html.contains("<svg"));
    assert!(html.contains("Portfolio burn-down (USD)"));
    let (status, html) = get(&state, "/contracts").await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_and_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _database) = demo_state(&dir).await;
    assert_eq!(
        get(&state, "/healthz").await,
        (StatusCode::OK, "ok\n".to_owned())
    );
    let (status, html) = get(&state, "/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found."));
    let (status, html) = get(&state, "/contracts/NO-SUCH-CONTRACT").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("There is no contract"));
    let (status, html) = get(&state, "/contracts/AWS-2025-38B").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Log a receipt") && html.contains("GB200"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_import_command_exits_2_and_writes_nothing_on_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database().await.unwrap();
    let url = database.url.clone();
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_over_http_and_the_cli_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (state, database) = worked_example_state(&dir).await;
    let url = database.url.clone();
    let expected_burndown = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../store/tests/fixtures/expected-burndown.csv"),
    )
    .unwrap();
    let growth = domain::scenario::Scenario {
        name: "Growth".into(),
        revenue_growth_bp: 500,
        ..Default::default()
    };
    let db = store::connect(&url).await.unwrap();
    store::ledger::scenarios::create(&db, "cfo", growth)
        .await
        .unwrap();
    // C1's GB200s priced at $0.01 per GPU-hour: its plan-driven forecast is not empty.
    let card = domain::rate_card::RateCard::parse(&domain::rate_card::RawRateCard {
        contract: "C1",
        resource: "GB200",
        from: "2026-01-01",
        price: "0.01",
        utilisation: "",
    })
    .unwrap();
    store::rate_cards::store(&db, "cfo", &[card]).await.unwrap();
    for (name, query) in [
        ("burndown", ""),
        ("concentration", "?vendor=A,B"),
        ("ratio", "?as_of=2026-12-31"),
        ("ratio-outlook", "?as_of=2026-02-28&scenario=Growth"),
        ("plan-forecast", "?as_of=2026-06-30"),
        ("capacity", "?as_of=2026-06-30&vendor=A"),
    ] {
        let (status, http) = get(&state, &format!("/api/reports/{name}.csv{query}")).await;
        assert_eq!(status, StatusCode::OK, "{http}");
        let out = dir.path().join(format!("{name}.csv"));
        let mut argv = vec![
            "compute-ledger".to_owned(),
            "--database-url".into(),
            url.clone(),
            "report".into(),
            name.into(),
        ];
        argv.extend(["-o".to_owned(), out.to_string_lossy().into_owned()]);
        match name {
            "concentration" => argv.extend([
                "--vendor".to_owned(),
                "A".into(),
                "--vendor".into(),
                "B".into(),
            ]),
            "ratio" => argv.extend(["--as-of".to_owned(), "2026-12-31".into()]),
            "plan-forecast" => argv.extend(["--as-of".to_owned(), "2026-06-30".into()]),
            "capacity" => argv.extend([
                "--as-of".to_owned(),
                "2026-06-30".into(),
                "--vendor".into(),
                "A".into(),
            ]),
            "ratio-outlook" => argv.extend([
                "--as-of".to_owned(),
                "2026-02-28".into(),
                "--scenario".into(),
                "Growth".into(),
            ]),
            _ => {}
        }
        assert_eq!(
            server::cli::run(server::cli::Cli::parse_from(argv))
                .await
                .unwrap(),
            std::process::ExitCode::SUCCESS
        );
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            http,
            "{name}: CLI and HTTP differ"
        );
        if name == "plan-forecast" {
            // C1: 100 GB200s online from Feb 20 and 250.5 GB300s (no card) from Sep 30; Jul 1
            // – Dec 31 is 184 days × 100 × 24 × $0.01 = $4,416.00 to come.
            let c1 = http.lines().find(|l| l.starts_with("C1,")).unwrap();
            assert!(c1.contains(",4416.00,"), "{c1}");
        }
        if name == "burndown" {
            assert_eq!(
                http, expected_burndown,
                "the worked example (store/tests/fixtures)"
            );
        }
    }
    // The same plan-driven forecast as JSON: money as exact strings.
    let (status, json) = get(&state, "/api/reports/plan-forecast.json?as_of=2026-06-30").await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let c1 = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["contract"] == "C1")
        .unwrap();
    assert_eq!(c1["plan_remaining"], "4416.00");
    assert_eq!(c1["gpus_online"], "100");
    // February's 1,000.00 grown 5% a month: March 1,050.00, April 1,102.50.
    let (_, outlook) = get(
        &state,
        "/api/reports/ratio-outlook.csv?as_of=2026-02-28&scenario=Growth",
    )
    .await;
    let revenue: Vec<&str> = outlook
        .lines()
        .skip(1)
        .take(2)
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    assert_eq!(revenue, ["1050.00", "1102.50"], "{outlook}");
    let (_, ratio) = get(&state, "/api/reports/ratio.csv").await;
    assert_eq!(ratio, "month,infra_spend,revenue,ratio\n2026-01-01,450.50,900.00,0.5005555555555555\n2026-02-01,300.00,1000.00,0.3\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_requests_with_bad_input_get_a_clear_400() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _database) = worked_example_state(&dir).await;
    let (status, body) = get(&state, "/api/reports/burndown.csv?as_of=2026-13-01").await;
    assert_eq!(
        (status, body.as_str()),
        (
            StatusCode::BAD_REQUEST,
            "as_of is not a real calendar date (got 2026-13-01)\n"
        )
    );
    let (status, body) = get(&state, "/api/reports/forecast.csv").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.contains("the reports are burndown, portfolio-burndown, concentration, ratio, projection, slippage, ratio-ttm, commitment-concentration, trueup, ratio-outlook, commitments, usage-burndown"),
        "{body}"
    );
    let (status, _) = get(&state, "/api/reports/burndown.xls").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, json) = get(
        &state,
        "/api/reports/burndown.json?contract=C2&as_of=2026-01-31",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        json,
        r#"[{"commitment":"C2","contract":"C2","cumulative_spend":"300.00","date":"2026-01-20","remaining":"2700.00"}]"#
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_projection_report_carries_the_run_rate_to_the_end_of_the_term() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _database) = worked_example_state(&dir).await;
    // As of Feb 28 both contracts have 59 days of history (the 90-day window is capped at the
    // term start): C1 burns 350.50 / 59 a day, runs out on 2026-06-18; C2 (3000.00 over two
    // years) burns 400.00 / 59 a day and projects 4949.15 against 3000.00, exhausted early.
    let (status, csv) = get(&state, "/api/reports/projection.csv?as_of=2026-02-28").await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "contract,commitment,as_of,committed,spent,run_rate_per_day,projected_total,projected_low,projected_high,projected_shortfall,exhaustion_date,term_elapsed_share,burned_share");
    // The band (columns 6 and 7) has its own hand-computed test in analytics; here it brackets
    // the projection, and the other cells are as before.
    let without_band = |line: &str| -> String {
        let cells: Vec<&str> = line.split(',').collect();
        let money = |i: usize| cells[i].parse::<f64>().unwrap();
        assert!(money(7) <= money(6) && money(6) <= money(8), "{line}");
        [&cells[..7], &cells[9..]].concat().join(",")
    };
    assert!(
        without_band(lines[1])
            .starts_with("C1,C1,2026-02-28,1000.00,350.50,5.94,2168.35,0.00,2026-06-18,"),
        "{}",
        lines[1]
    );
    assert!(
        without_band(lines[2]).starts_with("C2,C2,2026-02-28,3000.00,400.00,6.78,4949.15,0.00,"),
        "{}",
        lines[2]
    );
    let (status, body) = get(
        &state,
        "/api/reports/projection.csv?as_of=2026-02-28&window_days=0",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_slippage_report_shows_late_partial_receipts_and_what_is_outstanding() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _database) = worked_example_state(&dir).await;
    let (status, csv) = get(&state, "/api/reports/slippage.csv?contract=C1").await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    assert_eq!(
        csv,
        "contract,phase,resource,planned_date,planned_quantity,receipt_date,received_quantity,cumulative_received,days_late,outstanding_quantity\n\
         C1,expansion,GB300,2026-09-30,250.5,,0,0,,250.5\n\
         C1,initial,GB200,2026-02-01,100,2026-02-03,60,60,2,40\n\
         C1,initial,GB200,2026-02-01,100,2026-02-20,40,100,19,0\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cached_report_frames_are_refreshed_when_the_ledger_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _database) = worked_example_state(&dir).await;
    let (_, before) = get(&state, "/api/reports/burndown.csv?contract=C1").await;
    let (_, again) = get(&state, "/api/reports/burndown.csv?contract=C1").await;
    assert_eq!(before, again);
    let usage = "contract,date,amount,quantity,unit,sku\nC1,2026-03-01,49.50,1,gpu_hour,x\n";
    let source = store::ImportSource::from_bytes(
        store::LedgerFile::Usage,
        "late.csv",
        usage.as_bytes().to_vec(),
    );
    store::import_files(
        &state.db,
        vec![source],
        "tester",
        std::sync::Arc::new(store::import::NoProgress),
    )
    .await
    .unwrap();
    let (_, after) = get(&state, "/api/reports/burndown.csv?contract=C1").await;
    assert_eq!(after, format!("{before}C1,C1,2026-03-01,400.00,600.00\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_and_restore_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let (state, database) = demo_state(&dir).await;
    let url = database.url.clone();
    let file = dir.path().join("ledger.backup");
    let file_arg = file.to_string_lossy().into_owned();
    assert_eq!(
        run(&url, vec!["backup".into(), file_arg.clone()]).await,
        std::process::ExitCode::SUCCESS
    );
    assert_eq!(
        run(&url, vec!["backup".into(), file_arg.clone()]).await,
        std::process::ExitCode::from(2),
        "an existing file is kept"
    );
    let counts = store::ledger::table_counts(&state.db).await.unwrap();
    // The demo ledger is there: replacing it needs --replace, and an admin when --as is given.
    assert_eq!(
        run(&url, vec!["restore".into(), file_arg.clone()]).await,
        std::process::ExitCode::from(2)
    );
    let as_viewer = vec![
        "restore".into(),
        file_arg.clone(),
        "--replace".into(),
        "--as".into(),
        "viewer".into(),
    ];
    assert_eq!(run(&url, as_viewer).await, std::process::ExitCode::from(2));
    let as_admin = vec![
        "restore".into(),
        file_arg.clone(),
        "--replace".into(),
        "--as".into(),
        "admin".into(),
    ];
    assert_eq!(run(&url, as_admin).await, std::process::ExitCode::SUCCESS);
    let restored = store::ledger::table_counts(&state.db).await.unwrap();
    assert_eq!(restored.usage_entries, counts.usage_entries);
    assert_eq!(
        restored.audit_log,
        counts.audit_log + 1,
        "the restore is in the audit trail"
    );
}

async fn run(url: &str, args: Vec<String>) -> std::process::ExitCode {
    let mut argv = vec![
        "compute-ledger".to_owned(),
        "--database-url".to_owned(),
        url.to_owned(),
    ];
    argv.extend(args);
    server::cli::run(server::cli::Cli::parse_from(argv))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_set_role_command_changes_a_role_and_refuses_an_unknown_user() {
    let database = fresh_database().await.unwrap();
    let url = database.url.clone();
    let db = store::connect(&url).await.unwrap();
    store::auth::add_user(
        &db,
        "setup",
        "lee",
        domain::Role::Viewer,
        "a long enough secret",
    )
    .await
    .unwrap();
    let set_role = |name: &str| {
        server::cli::Cli::parse_from([
            "compute-ledger",
            "--database-url",
            &url,
            "user",
            "set-role",
            name,
            "analyst",
        ])
    };
    assert_eq!(
        server::cli::run(set_role("lee")).await.unwrap(),
        std::process::ExitCode::SUCCESS
    );
    let lee = store::auth::find_user(&db, "lee").await.unwrap().unwrap();
    assert_eq!(lee.role, "analyst");
    assert_eq!(
        server::cli::run(set_role("nobody")).await.unwrap(),
        std::process::ExitCode::from(2)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alert_rules_are_added_listed_and_removed_from_the_command_line() {
    let database = fresh_database().await.unwrap();
    let url = database.url.clone();
    let run = |args: &[&str]| {
        let mut argv = vec!["compute-ledger", "--database-url", &url, "alerts"];
        argv.extend_from_slice(args);
        server::cli::Cli::parse_from(argv)
    };
    let add = run(&[
        "add",
        "Runway",
        "--kind",
        "exhaustion",
        "--threshold",
        "60",
        "--scope",
        "contract:AWS-1",
        "--email",
        "cfo@example.com",
    ]);
    assert_eq!(
        server::cli::run(add).await.unwrap(),
        std::process::ExitCode::SUCCESS
    );
    let bad = run(&["add", "Odd", "--kind", "budget"]);
    assert_eq!(
        server::cli::run(bad).await.unwrap(),
        std::process::ExitCode::from(2)
    );
    let db = store::connect(&url).await.unwrap();
    let rules = store::alerts::rules::list(&db).await.unwrap();
    assert_eq!(rules.len(), 1);
    let view = rules[0].view();
    assert_eq!(
        (
            view.name.as_str(),
            view.threshold.as_str(),
            view.scope.as_str()
        ),
        ("Runway", "60", "contract:AWS-1")
    );
    assert_eq!(view.email, ["cfo@example.com"]);
    assert!(view.created_by.starts_with("cli:"));
    assert_eq!(
        server::cli::run(run(&["remove", "Runway"])).await.unwrap(),
        std::process::ExitCode::SUCCESS
    );
    assert_eq!(
        server::cli::run(run(&["remove", "Runway"])).await.unwrap(),
        std::process::ExitCode::from(2)
    );
    assert!(store::alerts::rules::list(&db).await.unwrap().is_empty());
}

#[tokio::test]
async fn rate_cards_are_imported_all_or_nothing_from_the_command_line() {
    let database = fresh_database().await.unwrap();
    let url = database.url.clone();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let vendors = write("vendors.csv", "name,kind\nA,hyperscaler\n");
    let contracts = write(
        "contracts.csv",
        "reference,vendor,start_date,end_date,committed_amount,currency\nC1,A,2026-01-01,2027-12-31,1000.00,USD\n",
    );
    let good = write(
        "cards.csv",
        "contract,resource,from,price,utilisation\nC1,GB300,2026-01-01,11.50,85\nC1,GB300,2026-07-01,10.25,\n",
    );
    // A good line and a line naming a contract the ledger does not hold: nothing is stored.
    let bad = write(
        "bad.csv",
        "contract,resource,from,price\nC1,H100,2026-01-01,2.00\nC9,H100,2026-01-01,2.00\n",
    );
    let cli = |args: &[&str]| {
        let mut argv = vec!["compute-ledger", "--database-url", &url];
        argv.extend_from_slice(args);
        server::cli::Cli::parse_from(argv)
    };
    assert_eq!(
        server::cli::run(cli(&["import", &vendors, &contracts]))
            .await
            .unwrap(),
        std::process::ExitCode::SUCCESS
    );
    let import = |file: &str| cli(&["rate-cards", "import", file]);
    assert_eq!(
        server::cli::run(import(&bad)).await.unwrap(),
        std::process::ExitCode::from(2)
    );
    let db = store::connect(&url).await.unwrap();
    assert!(
        store::rate_cards::all(&db).await.unwrap().is_empty(),
        "a bad line stores nothing"
    );
    assert_eq!(
        server::cli::run(import(&good)).await.unwrap(),
        std::process::ExitCode::SUCCESS
    );
    let stored: Vec<String> = store::rate_cards::list(&db, 10)
        .await
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {} {}%",
                c.contract,
                c.resource,
                c.from,
                c.price_text(),
                c.utilisation_text()
            )
        })
        .collect();
    assert_eq!(
        stored,
        [
            "C1 GB300 2026-07-01 10.25 100%",
            "C1 GB300 2026-01-01 11.5 85%"
        ]
    );
    assert_eq!(
        server::cli::run(cli(&["rate-cards", "list"]))
            .await
            .unwrap(),
        std::process::ExitCode::SUCCESS
    );
}

#[tokio::test]
async fn exchange_rates_are_imported_all_or_nothing_from_the_command_line() {
    let database = fresh_database().await.unwrap();
    let url = database.url.clone();
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("eurofxref.csv");
    std::fs::write(
        &good,
        "date,currency,rate\n2026-11-27,USD,1.0812\n2026-11-27,GBP,0.8468\n",
    )
    .unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "date,currency,rate\n2026-11-30,USD,1.0830\n2026-11-30,GBP,zero\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let mut argv = vec!["compute-ledger", "--database-url", &url, "rates"];
        argv.extend_from_slice(args);
        server::cli::Cli::parse_from(argv)
    };
    let import = |file: &std::path::Path| run(&["import", file.to_str().unwrap()]);
    assert_eq!(
        server::cli::run(import(&bad)).await.unwrap(),
        std::process::ExitCode::from(2)
    );
    let db = store::connect(&url).await.unwrap();
    assert!(
        store::fx::list(&db, 10).await.unwrap().is_empty(),
        "a bad line stores nothing"
    );
    assert_eq!(
        server::cli::run(import(&good)).await.unwrap(),
        std::process::ExitCode::SUCCESS
    );
    let stored: Vec<String> = store::fx::list(&db, 10)
        .await
        .unwrap()
        .iter()
        .map(|r| format!("{} {}/{} {}", r.date, r.base, r.currency, r.text()))
        .collect();
    assert_eq!(
        stored,
        ["2026-11-27 EUR/GBP 0.8468", "2026-11-27 EUR/USD 1.0812"]
    );
    let odd_base = run(&["import", good.to_str().unwrap(), "--base", "euro"]);
    assert!(
        server::cli::run(odd_base).await.is_err(),
        "a bad --base is an error"
    );
}
