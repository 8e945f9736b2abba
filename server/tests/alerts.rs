//! Alert rules against a ledger built to trip them: each kind fires where it should and stays
//! quiet where it should not; a fired alert reaches a real webhook receiver, signed; a receiver
//! that is down gets retries and the inbox shows the failure.

mod common;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use chrono::{Duration, NaiveDate, Utc};
use domain::alerts::{AlertRule, RawAlertRule};
use hmac::{Hmac, Mac};
use server::alerts::runner::{deliver_due, evaluate_all, AlertSettings};
use std::sync::{Arc, Mutex};
use store::alerts::firing::Channels;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

const AS_OF: &str = "2026-04-01";

/// K1 (A, 1000 over 2026, term): 1.00 a day from Jan 1 to Mar 30, then 50.00 on Mar 31 (a
/// spike); burned ~14% with ~25% of the year gone. K2 (B, 100 over two years): 1.00 a day,
/// 90.00 by Mar 31, so at 1.00 a day it runs out in ten days. K3 (A, 1200 over 2026, owed
/// monthly): 10.00 in January, 100.00 in February and March, so only January's true-up of
/// 90.00 is owed. Phase K1/racks: 100
/// planned for Feb 1, 60 received Feb 5.
async fn ledger(dir: &tempfile::TempDir) -> (common::Ctx, store::testing::TestDatabase) {
    let files = dir.path().join("ledger");
    std::fs::create_dir_all(&files).unwrap();
    let write = |name: &str, text: String| std::fs::write(files.join(name), text).unwrap();
    write(
        "vendors.csv",
        "name,kind\nA,hyperscaler\nB,neocloud\n".into(),
    );
    write(
        "contracts.csv",
        "reference,vendor,start_date,end_date,committed_amount,currency,commitment_model,fulfillment_interval\n\
         K1,A,2026-01-01,2026-12-31,1000.00,USD,build_up,term\n\
         K2,B,2026-01-01,2027-12-31,100.00,USD,burn_down,term\n\
         K3,A,2026-01-01,2026-12-31,1200.00,USD,build_up,monthly\n"
            .into(),
    );
    let mut usage = String::from("contract,date,amount,quantity,unit,sku\n");
    for day in d("2026-01-01")
        .iter_days()
        .take_while(|x| *x <= d("2026-03-31"))
    {
        let k1 = if day == d("2026-03-31") {
            "50.00"
        } else {
            "1.00"
        };
        usage.push_str(&format!(
            "K1,{day},{k1},1,gpu_hour,gb200\nK2,{day},1.00,1,gpu_hour,h100\n"
        ));
    }
    usage.push_str("K3,2026-01-15,10.00,1,gpu_hour,gb200\nK3,2026-02-15,100.00,1,gpu_hour,gb200\nK3,2026-03-15,100.00,1,gpu_hour,gb200\n");
    write("usage.csv", usage);
    write(
        "deliveries.csv",
        "contract,phase,resource,region,planned_date,planned_quantity\nK1,racks,GB200,us-east-1,2026-02-01,100\n"
            .into(),
    );
    write(
        "receipts.csv",
        "contract,phase,date,quantity\nK1,racks,2026-02-05,60\n".into(),
    );
    let database = store::testing::fresh_database().await.unwrap();
    let cli = <server::cli::Cli as clap::Parser>::parse_from([
        "compute-ledger",
        "--database-url",
        &database.url,
        "import",
        files.to_str().unwrap(),
    ]);
    assert_eq!(
        server::cli::run(cli).await.unwrap(),
        std::process::ExitCode::SUCCESS
    );
    let db = store::connect(&database.url).await.unwrap();
    for (contract, consumed) in [("K1", "500.00"), ("K2", "90.00")] {
        let raw = store::ledger::reconciliation::NewStatement {
            contract,
            as_of: "2026-03-31",
            consumed,
            tolerance: "1.00",
            note: "",
        };
        store::ledger::reconciliation::record(&db, "ap", raw)
            .await
            .unwrap();
    }
    let state = app::state::AppState::new(common::options(dir), db);
    (common::Ctx::new(state).await, database)
}

fn rule(name: &str, kind: &str, threshold: &str, scope: &str, webhook: &str) -> AlertRule {
    AlertRule::parse(&RawAlertRule {
        name,
        kind,
        threshold,
        scope,
        webhook,
        email: "",
    })
    .unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

/// (kind, scope, a threshold it trips, one it does not, what the figure says)
const CASES: &[(&str, &str, &str, &str, &str)] = &[
    ("pace", "contract:K1", "5", "20", "of the term elapsed"),
    (
        "exhaustion",
        "contract:K2",
        "30",
        "5",
        "exhausted 2026-04-1",
    ),
    ("projected_trueup", "contract:K1", "100", "1000", "true-up"),
    (
        "trueup_owed",
        "contract:K3",
        "0",
        "500",
        "true-up 90.00 USD",
    ),
    // March: A 80 + 100, B 31 → HHI 10000 × ((180/211)² + (31/211)²) ≈ 7493.
    ("spend_hhi", "all", "5000", "8000", "HHI 7493 in 2026-03"),
    // Remaining commitments: A 861 + 990, B 10 → HHI 10000 × ((1851/1861)² + (10/1861)²) ≈ 9893.
    ("commitment_hhi", "all", "9800", "9950", "HHI 9893"),
    (
        "phase_late",
        "contract:K1",
        "30",
        "90",
        "59 days late, 40 outstanding",
    ),
    ("receipt_short", "contract:K1", "10", "50", "40.0% short"),
    (
        "spend_anomaly",
        "contract:K1",
        "3.5",
        "1000",
        "50.00 USD on 2026-03-31",
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_rule_kind_fires_on_a_ledger_built_to_trip_it_and_not_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _database) = ledger(&dir).await;
    let db = &ctx.db;
    for (kind, scope, trips, quiet, _) in CASES {
        store::alerts::rules::create(
            db,
            "cfo",
            rule(&format!("{kind} trips"), kind, trips, scope, ""),
        )
        .await
        .unwrap();
        store::alerts::rules::create(
            db,
            "cfo",
            rule(&format!("{kind} quiet"), kind, quiet, scope, ""),
        )
        .await
        .unwrap();
    }
    // Statements: K1's differs (500 vs ~139), K2's agrees (90 vs 90).
    store::alerts::rules::create(
        db,
        "cfo",
        rule(
            "statement trips",
            "statement_differs",
            "",
            "contract:K1",
            "",
        ),
    )
    .await
    .unwrap();
    store::alerts::rules::create(
        db,
        "cfo",
        rule(
            "statement quiet",
            "statement_differs",
            "",
            "contract:K2",
            "",
        ),
    )
    .await
    .unwrap();
    // Spend under a steady contract is no anomaly.
    store::alerts::rules::create(
        db,
        "cfo",
        rule("anomaly steady", "spend_anomaly", "3.5", "contract:K2", ""),
    )
    .await
    .unwrap();
    let settings = AlertSettings::default();
    let fired = evaluate_all(&ctx.state, &settings, d(AS_OF)).await.unwrap();
    let events = store::alerts::inbox::list(db, 100).await.unwrap();
    assert_eq!(fired, events.len());
    let fired_rules: Vec<&str> = events.iter().map(|e| e.rule.as_str()).collect();
    for (kind, _, _, _, figure) in CASES {
        let hits: Vec<_> = events
            .iter()
            .filter(|e| e.rule == format!("{kind} trips"))
            .collect();
        assert_eq!(hits.len(), 1, "{kind} should fire once: {fired_rules:?}");
        assert!(
            hits[0].figure.contains(figure),
            "{kind}: {:?}",
            hits[0].figure
        );
        assert!(
            !fired_rules.contains(&format!("{kind} quiet").as_str()),
            "{kind} fired above its threshold: {events:?}"
        );
    }
    assert!(fired_rules.contains(&"statement trips"));
    assert!(!fired_rules.contains(&"statement quiet"));
    assert!(!fired_rules.contains(&"anomaly steady"));
    assert_eq!(
        evaluate_all(&ctx.state, &settings, d(AS_OF)).await.unwrap(),
        0,
        "still true: nothing fires twice"
    );
}

#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<(HeaderMap, String)>>>,
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: String) -> &'static str {
    r.got.lock().unwrap().push((headers, body));
    "ok"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fired_alert_reaches_the_webhook_signed_and_a_dead_one_is_retried() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _database) = ledger(&dir).await;
    let receiver = Receiver::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let app = axum::Router::new()
        .route("/hook", post(receive))
        .with_state(receiver.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    // A port nobody listens on.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/hook", l.local_addr().unwrap())
    };
    let db = &ctx.db;
    store::alerts::rules::create(db, "cfo", rule("Pace", "pace", "5", "contract:K1", &url))
        .await
        .unwrap();
    store::alerts::rules::create(
        db,
        "cfo",
        rule("Late", "phase_late", "30", "contract:K1", &dead),
    )
    .await
    .unwrap();
    let settings = AlertSettings {
        public_url: "https://ledger.example.com".into(),
        channels: Channels::default(),
        webhook_secret: Some("shh".into()),
        smtp: None,
    };
    assert_eq!(
        evaluate_all(&ctx.state, &settings, d(AS_OF)).await.unwrap(),
        2
    );
    let client = reqwest::Client::new();
    let now = Utc::now();
    assert_eq!(
        deliver_due(&ctx.state, &settings, &client, now)
            .await
            .unwrap(),
        (1, 1)
    );

    let got = receiver.got.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let (headers, body) = &got[0];
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(json["rule"], "Pace");
    assert_eq!(json["subject"], "K1/K1");
    assert_eq!(json["link"], "https://ledger.example.com/contracts/K1");
    assert!(json["text"].as_str().unwrap().contains("Pace"), "{json}");
    let timestamp = headers["x-ledger-timestamp"].to_str().unwrap();
    let signature = headers["x-ledger-signature"].to_str().unwrap();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"shh").unwrap();
    mac.update(format!("{timestamp}.{body}").as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(signature, format!("sha256={expected}"));

    // The dead receiver: retried later (not before), and the inbox says what went wrong.
    assert_eq!(
        deliver_due(&ctx.state, &settings, &client, now)
            .await
            .unwrap(),
        (0, 0)
    );
    let later = now + Duration::minutes(1);
    assert_eq!(
        deliver_due(&ctx.state, &settings, &client, later)
            .await
            .unwrap(),
        (0, 1)
    );
    let inbox = store::alerts::inbox::list(db, 10).await.unwrap();
    let late = inbox.iter().find(|e| e.rule == "Late").unwrap();
    let hook = &late.deliveries[0];
    assert_eq!((hook.state.as_str(), hook.attempts), ("pending", 2));
    assert!(hook.last_error.is_some());
    let pace = inbox.iter().find(|e| e.rule == "Pace").unwrap();
    assert_eq!(pace.deliveries[0].state, "sent");
}
