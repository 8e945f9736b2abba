//! Every server function behind the ledger pages, called over HTTP as the browser calls it:
//! valid input, each class of invalid input (a clear error and nothing written), and not found.

mod common;

use app::state::AppState;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{call, demo_state, get, send, Ctx};
use serde_json::Value;
use store::ledger::{table_counts, TableCounts};

async fn counts(state: &AppState) -> TableCounts {
    table_counts(&state.db).await.unwrap()
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// A write that succeeded: its message.
async fn saved(state: &Ctx, endpoint: &str, form: &[(&str, &str)]) -> String {
    let (status, body) = call(state, endpoint, form).await;
    assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
    match json(&body) {
        Value::Object(o) if o.contains_key("Ok") => o["Ok"].as_str().unwrap().to_owned(),
        other => panic!("{endpoint}: expected a saved answer, got {other}"),
    }
}

/// A write refused for bad input: the fields named, and nothing written (audit included).
async fn refused(state: &Ctx, endpoint: &str, form: &[(&str, &str)]) -> Vec<(String, String)> {
    let before = counts(state).await;
    let (status, body) = call(state, endpoint, form).await;
    assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
    let errors = match json(&body) {
        Value::Object(o) if o.contains_key("Err") => o["Err"].as_array().unwrap().clone(),
        other => panic!("{endpoint}: expected field errors, got {other}"),
    };
    assert_eq!(
        counts(state).await,
        before,
        "{endpoint}: a refused write wrote nothing"
    );
    errors
        .iter()
        .map(|e| {
            let reason = e["reason"].as_str().unwrap().to_owned();
            assert!(!reason.is_empty(), "every error says why");
            (e["column"].as_str().unwrap().to_owned(), reason)
        })
        .collect()
}

fn columns(errors: &[(String, String)]) -> Vec<&str> {
    errors.iter().map(|(c, _)| c.as_str()).collect()
}

/// A call that failed as a whole (not found, bad parameter): not 200, a message, nothing written.
async fn failed(state: &Ctx, endpoint: &str, form: &[(&str, &str)]) -> String {
    let before = counts(state).await;
    let (status, body) = call(state, endpoint, form).await;
    assert_ne!(status, StatusCode::OK, "{endpoint}: {body}");
    assert_eq!(
        counts(state).await,
        before,
        "{endpoint}: a failed call wrote nothing"
    );
    assert!(
        !body.contains("SELECT") && !body.contains("sqlx"),
        "no SQL in errors: {body}"
    );
    body
}

async fn read(state: &Ctx, endpoint: &str, form: &[(&str, &str)]) -> Value {
    let (status, body) = call(state, endpoint, form).await;
    assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
    json(&body)
}

fn contract_form<'a>(fields: &[(&'a str, &'a str)]) -> Vec<(String, &'a str)> {
    let mut form: Vec<(String, &str)> = [
        ("reference", "NEB-2026-1"),
        ("vendor", "Nebius"),
        ("title", "H200 capacity"),
        ("start_date", "2026-01-01"),
        ("end_date", "2027-12-31"),
        ("committed_amount", "1000000.00"),
        ("currency", "USD"),
        ("commitment_model", "build_up"),
        ("fulfillment_interval", "term"),
        ("notes", ""),
    ]
    .iter()
    .map(|(k, v)| {
        let value = fields.iter().find(|(f, _)| f == k).map_or(*v, |(_, v)| *v);
        (format!("contract[{k}]"), value)
    })
    .collect();
    form.sort();
    form
}

fn as_pairs<'a>(form: &'a [(String, &'a str)]) -> Vec<(&'a str, &'a str)> {
    form.iter().map(|(k, v)| (k.as_str(), *v)).collect()
}

/// Nebius with contract NEB-2026-1 (2026–2027, 1,000,000.00 USD).
async fn with_contract(state: &Ctx) {
    saved(
        state,
        "create_vendor",
        &[("name", "Nebius"), ("kind", "neocloud")],
    )
    .await;
    let form = contract_form(&[]);
    saved(state, "create_contract", &as_pairs(&form)).await;
}

async fn burned(state: &Ctx, reference: &str) -> String {
    let detail = read(state, "get_contract", &[("reference", reference)]).await;
    let minor = detail["overview"]["burned_minor"].as_i64().unwrap();
    format!("{minor}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vendors_are_created_validated_and_renamed() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _db) = demo_state(&dir).await;
    let before = counts(&state).await;
    let message = saved(
        &state,
        "create_vendor",
        &[("name", "Nebius"), ("kind", "neocloud")],
    )
    .await;
    assert_eq!(message, "Vendor Nebius added.");
    let after = counts(&state).await;
    assert_eq!(
        (after.vendors, after.audit_log),
        (before.vendors + 1, before.audit_log + 1)
    );

    let errors = refused(&state, "create_vendor", &[("name", " "), ("kind", "cloud")]).await;
    assert_eq!(columns(&errors), ["name", "kind"]);
    let errors = refused(&state, "create_vendor", &[("name", "Nebius"), ("kind", "")]).await;
    assert_eq!(columns(&errors), ["name"]);
    assert!(errors[0].1.contains("already exists"));

    let vendors = read(&state, "list_vendors", &[]).await;
    let nebius = vendors
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "Nebius")
        .unwrap();
    let id = nebius["id"].as_i64().unwrap().to_string();
    assert_eq!(nebius["contracts"], 0);
    saved(
        &state,
        "update_vendor",
        &[("id", &id), ("name", "Nebius Group"), ("kind", "neocloud")],
    )
    .await;
    let vendors = read(&state, "list_vendors", &[]).await;
    assert!(vendors
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["name"] == "Nebius Group"));
    let errors = refused(
        &state,
        "update_vendor",
        &[("id", &id), ("name", "Lambda"), ("kind", "")],
    )
    .await;
    assert_eq!(
        columns(&errors),
        ["name"],
        "renaming onto another vendor is refused"
    );

    assert!(failed(
        &state,
        "update_vendor",
        &[("id", "999999"), ("name", "X"), ("kind", "")]
    )
    .await
    .contains("no vendor #999999"));
    assert!(failed(
        &state,
        "update_vendor",
        &[("id", "abc"), ("name", "X"), ("kind", "")]
    )
    .await
    .contains("not a vendor number"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contracts_are_created_edited_archived_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _db) = demo_state(&dir).await;
    saved(
        &state,
        "create_vendor",
        &[("name", "Nebius"), ("kind", "neocloud")],
    )
    .await;

    let bad = contract_form(&[
        ("end_date", "2025-01-01"),
        ("committed_amount", "12.345"),
        ("currency", "usd"),
    ]);
    let errors = refused(&state, "create_contract", &as_pairs(&bad)).await;
    assert_eq!(
        columns(&errors),
        ["end_date", "currency"],
        "amount is checked once the currency is known"
    );
    let unknown_vendor = contract_form(&[("vendor", "Nobody")]);
    let errors = refused(&state, "create_contract", &as_pairs(&unknown_vendor)).await;
    assert_eq!(columns(&errors), ["vendor"]);

    let form = contract_form(&[]);
    let (status, body) = call(&state, "create_contract", &as_pairs(&form)).await;
    assert!(
        status.is_success() || status.is_redirection(),
        "{status}: {body}"
    );
    let detail = read(&state, "get_contract", &[("reference", "NEB-2026-1")]).await;
    assert_eq!(detail["overview"]["committed_minor"], 100_000_000);
    assert_eq!(detail["overview"]["vendor"], "Nebius");
    let errors = refused(&state, "create_contract", &as_pairs(&form)).await;
    assert_eq!(
        columns(&errors),
        ["reference"],
        "a duplicate reference is refused"
    );

    assert_eq!(
        read(&state, "get_contract", &[("reference", "NOPE")]).await,
        Value::Null
    );

    // Edit: a longer term and a new amount are fine.
    let edited = contract_form(&[
        ("end_date", "2028-12-31"),
        ("committed_amount", "2000000.50"),
    ]);
    let mut update = as_pairs(&edited);
    update.push(("original_reference", "NEB-2026-1"));
    assert_eq!(
        saved(&state, "update_contract", &update).await,
        "Contract NEB-2026-1 saved."
    );
    let detail = read(&state, "get_contract", &[("reference", "NEB-2026-1")]).await;
    assert_eq!(detail["overview"]["committed_minor"], 200_000_050);
    assert_eq!(detail["overview"]["end_date"], "2028-12-31");
    assert!(detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["action"] == "update"));

    // With usage recorded, the term must cover it and the currency cannot change.
    saved(
        &state,
        "add_usage",
        &usage_form("NEB-2026-1", "2026-06-01", "10.00"),
    )
    .await;
    let shrunk = contract_form(&[("end_date", "2026-03-31"), ("currency", "EUR")]);
    let mut update = as_pairs(&shrunk);
    update.push(("original_reference", "NEB-2026-1"));
    let errors = refused(&state, "update_contract", &update).await;
    assert_eq!(columns(&errors), ["end_date", "currency"]);
    let renamed = contract_form(&[("reference", "NEB-OTHER")]);
    let mut update = as_pairs(&renamed);
    update.push(("original_reference", "NEB-2026-1"));
    assert_eq!(
        columns(&refused(&state, "update_contract", &update).await),
        ["reference"]
    );
    let mut update = as_pairs(&form);
    update.push(("original_reference", "NOPE"));
    assert!(failed(&state, "update_contract", &update)
        .await
        .contains("no contract"));

    // Archive: once, never deleted, listed under "archived".
    let before = counts(&state).await;
    saved(&state, "archive_contract", &[("reference", "NEB-2026-1")]).await;
    assert_eq!(
        counts(&state).await.contracts,
        before.contracts,
        "archiving deletes nothing"
    );
    let errors = refused(&state, "archive_contract", &[("reference", "NEB-2026-1")]).await;
    assert!(errors[0].1.contains("already archived"));
    assert!(failed(&state, "archive_contract", &[("reference", "NOPE")])
        .await
        .contains("no contract"));

    let active = read(
        &state,
        "list_contracts",
        &[("vendor", ""), ("status", ""), ("page", "1")],
    )
    .await;
    let refs = |list: &Value| -> Vec<String> {
        list["page"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["reference"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(!refs(&active).contains(&"NEB-2026-1".to_owned()));
    let archived = read(
        &state,
        "list_contracts",
        &[("vendor", ""), ("status", "archived"), ("page", "1")],
    )
    .await;
    assert_eq!(refs(&archived), ["NEB-2026-1"]);
    let aws = read(
        &state,
        "list_contracts",
        &[
            ("vendor", "Amazon Web Services"),
            ("status", "all"),
            ("page", "1"),
        ],
    )
    .await;
    assert_eq!(refs(&aws), ["AWS-2025-38B"]);
    assert_eq!(aws["totals"][0][0]["minor"], 3_800_000_000_000i64);
    assert!(failed(
        &state,
        "list_contracts",
        &[("vendor", ""), ("status", "gone"), ("page", "1")]
    )
    .await
    .contains("status"));
    assert!(!read(&state, "contract_references", &[])
        .await
        .as_array()
        .unwrap()
        .contains(&Value::from("NEB-2026-1")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phases_and_receipts_track_planned_against_received() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _db) = demo_state(&dir).await;
    with_contract(&state).await;
    let phase = |name: &'static str, quantity: &'static str| {
        vec![
            ("contract", "NEB-2026-1"),
            ("phase", name),
            ("resource", "H200 nodes"),
            ("region", "eu-north1"),
            ("planned_date", "2026-03-01"),
            ("planned_quantity", quantity),
        ]
    };
    saved(&state, "add_phase", &phase("P1", "100")).await;
    assert_eq!(
        columns(&refused(&state, "add_phase", &phase("P1", "5")).await),
        ["phase"],
        "duplicate phase"
    );
    assert_eq!(
        columns(&refused(&state, "add_phase", &phase("P2", "-5")).await),
        ["planned_quantity"]
    );
    let mut unknown = phase("P2", "5");
    unknown[0].1 = "NOPE";
    assert_eq!(
        columns(&refused(&state, "add_phase", &unknown).await),
        ["contract"]
    );

    let receipt = |phase: &'static str, quantity: &'static str| {
        vec![
            ("contract", "NEB-2026-1"),
            ("phase", phase),
            ("date", "2026-03-11"),
            ("quantity", quantity),
            ("note", ""),
        ]
    };
    let message = saved(&state, "log_receipt", &receipt("P1", "40")).await;
    assert_eq!(message, "Receipt logged: 40 of 100 received for P1.");
    let message = saved(&state, "log_receipt", &receipt("P1", "70")).await;
    assert!(
        message.contains("110 of 100") && message.contains("More than planned"),
        "{message}"
    );
    assert_eq!(
        columns(&refused(&state, "log_receipt", &receipt("P9", "1")).await),
        ["phase"]
    );
    assert_eq!(
        columns(&refused(&state, "log_receipt", &receipt("P1", "x")).await),
        ["quantity"]
    );

    let phases = read(&state, "list_deliveries", &[]).await;
    let p1 = phases
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["contract"] == "NEB-2026-1")
        .unwrap();
    assert_eq!(p1["received_micros"], 110_000_000);
    assert_eq!(p1["receipts"][0]["days_late"], 10);
}

fn usage_form<'a>(
    contract: &'a str,
    date: &'a str,
    amount: &'a str,
) -> Vec<(&'static str, &'a str)> {
    vec![
        ("usage[contract]", contract),
        ("usage[date]", date),
        ("usage[amount]", amount),
        ("usage[quantity]", "10"),
        ("usage[unit]", "gpu_hour"),
        ("usage[sku]", "h200"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_is_added_and_corrected_and_moves_the_burn() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _db) = demo_state(&dir).await;
    with_contract(&state).await;
    saved(
        &state,
        "add_usage",
        &usage_form("NEB-2026-1", "2026-02-01", "1234.56"),
    )
    .await;
    saved(
        &state,
        "add_usage",
        &usage_form("NEB-2026-1", "2026-02-02", "-34.56"),
    )
    .await;
    assert_eq!(
        burned(&state, "NEB-2026-1").await,
        "120000",
        "credits are signed"
    );

    let errors = refused(
        &state,
        "add_usage",
        &usage_form("NEB-2026-1", "2029-01-01", "1.00"),
    )
    .await;
    assert_eq!(columns(&errors), ["date"]);
    assert!(errors[0].1.contains("outside contract NEB-2026-1's term"));
    assert_eq!(
        columns(
            &refused(
                &state,
                "add_usage",
                &usage_form("NEB-2026-1", "2026-02-30", "1.0000001")
            )
            .await
        ),
        ["date", "amount"]
    );
    assert_eq!(
        columns(
            &refused(
                &state,
                "add_usage",
                &usage_form("NOPE", "2026-02-01", "1.00")
            )
            .await
        ),
        ["contract"]
    );

    let page = read(
        &state,
        "list_usage",
        &[
            ("contract", "NEB-2026-1"),
            ("vendor", ""),
            ("from", ""),
            ("to", ""),
            ("page", "1"),
        ],
    )
    .await;
    assert_eq!(page["total"], 2);
    let first_id = page["rows"][1]["id"].as_i64().unwrap().to_string();
    assert_eq!(
        page["rows"][1]["amount_e6"], 1_234_560_000_i64,
        "newest first"
    );

    let mut correction = usage_form("NEB-2026-1", "2026-02-03", "1000.00");
    correction.push(("id", &first_id));
    saved(&state, "correct_usage", &correction).await;
    assert_eq!(burned(&state, "NEB-2026-1").await, "96544");
    let filtered = read(
        &state,
        "list_usage",
        &[
            ("contract", "NEB-2026-1"),
            ("vendor", ""),
            ("from", "2026-02-03"),
            ("to", "2026-02-28"),
            ("page", "1"),
        ],
    )
    .await;
    assert_eq!(filtered["total"], 1);
    assert_eq!(filtered["rows"][0]["amount_e6"], 1_000_000_000_i64);
    // By vendor: the usage of its contract (each of these has one) and, for Lambda, the demo's
    // on-demand spend under no contract.
    for (vendor, contract) in [("Nebius", "NEB-2026-1"), ("Lambda", "LAMBDA-2026-1B")] {
        let by_vendor = read(
            &state,
            "list_usage",
            &[
                ("contract", ""),
                ("vendor", vendor),
                ("from", ""),
                ("to", ""),
                ("page", "1"),
            ],
        )
        .await;
        let rows = by_vendor["rows"].as_array().unwrap();
        assert!(!rows.is_empty(), "{vendor}");
        assert!(
            rows.iter()
                .all(|r| r["contract"] == contract
                    || r["contract"].is_null() && r["vendor"] == vendor),
            "{vendor}"
        );
        if vendor == "Nebius" {
            assert_eq!(by_vendor["total"], 2);
        }
    }

    let history = read(&state, "list_audit", &[("entity", "usage"), ("page", "1")]).await;
    let correction_entry = &history["rows"][0];
    assert_eq!(correction_entry["action"], "correct");
    assert!(correction_entry["changes"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!(["amount", "1234.56", "1000.00"])));

    let mut bad = usage_form("NEB-2026-1", "2026-02-03", "");
    bad.push(("id", &first_id));
    assert_eq!(
        columns(&refused(&state, "correct_usage", &bad).await),
        ["amount"]
    );
    let mut missing = usage_form("NEB-2026-1", "2026-02-03", "1.00");
    missing.push(("id", "999999999"));
    assert!(failed(&state, "correct_usage", &missing)
        .await
        .contains("no usage entry #999999999"));
    assert!(failed(
        &state,
        "list_usage",
        &[
            ("contract", ""),
            ("vendor", ""),
            ("from", "yesterday"),
            ("to", ""),
            ("page", "1")
        ]
    )
    .await
    .contains("from"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revenue_is_one_entry_per_month_and_currency() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _db) = demo_state(&dir).await;
    let month = |period: &'static str, amount: &'static str| {
        vec![
            ("period_start", period),
            ("amount", amount),
            ("currency", "EUR"),
        ]
    };
    saved(&state, "add_revenue", &month("2026-01-01", "5000.00")).await;
    let errors = refused(&state, "add_revenue", &month("2026-01-01", "1.00")).await;
    assert_eq!(columns(&errors), ["period_start"]);
    assert!(errors[0].1.contains("correct that entry instead"));
    assert_eq!(
        columns(&refused(&state, "add_revenue", &month("2026-01-15", "-1")).await),
        ["period_start", "amount"]
    );

    let rows = read(
        &state,
        "list_revenue",
        &[("from", "2026-01"), ("to", "2026-01")],
    )
    .await;
    let eur: Vec<&Value> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["amount"]["currency"] == "EUR")
        .collect();
    assert_eq!(eur.len(), 1);
    let id = eur[0]["id"].as_i64().unwrap().to_string();
    let mut correction = month("2026-01-01", "5500.00");
    correction.push(("id", &id));
    saved(&state, "correct_revenue", &correction).await;
    let rows = read(
        &state,
        "list_revenue",
        &[("from", "2026-01-01"), ("to", "2026-01-31")],
    )
    .await;
    assert!(rows
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["amount"]["minor"] == 550_000));
    let mut missing = month("2026-01-01", "1.00");
    missing.push(("id", "999999"));
    assert!(failed(&state, "correct_revenue", &missing)
        .await
        .contains("no revenue entry"));
    assert!(
        failed(&state, "list_revenue", &[("from", "Jan"), ("to", "")])
            .await
            .contains("from")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_list_filters_by_entity_and_refuses_unknown_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _db) = demo_state(&dir).await;
    saved(&state, "create_vendor", &[("name", "Nebius"), ("kind", "")]).await;
    let all = read(&state, "list_audit", &[("entity", ""), ("page", "1")]).await;
    assert_eq!(all["rows"][0]["entity"], "vendor");
    assert_eq!(all["rows"][0]["actor"], "admin");
    let imports = read(&state, "list_audit", &[("entity", "import"), ("page", "1")]).await;
    assert!(
        imports["total"].as_u64().unwrap() >= 6,
        "the demo loader's imports"
    );
    assert!(imports["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["entity"] == "import"));
    assert!(
        failed(&state, "list_audit", &[("entity", "users"), ("page", "1")])
            .await
            .contains("not an entity")
    );
    let limit = read(&state, "upload_limit", &[]).await;
    assert_eq!(limit, store::import::DEFAULT_UPLOAD_LIMIT_BYTES);
}

async fn upload(state: &Ctx, query: &str, csv: &str) -> (StatusCode, Value) {
    let editor = state.caller(domain::Role::Editor);
    let request = Request::post(format!("/api/imports{query}"))
        .header("cookie", &editor.cookie)
        .header("x-csrf-token", &editor.csrf)
        .header("content-type", "text/csv")
        .header("content-length", csv.len())
        .body(Body::from(csv.to_owned()))
        .unwrap();
    let (status, body) = send(state, request).await;
    (status, json(&body))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_import_all_or_nothing_check_only_and_respect_the_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    let (mut state, _db) = demo_state(&dir).await;
    with_contract(&state).await;
    let good = "contract,date,amount,quantity,unit,sku\n\
                NEB-2026-1,2026-01-05,100.00,10,gpu_hour,h200\n\
                NEB-2026-1,2026-01-06,200.50,20,gpu_hour,h200\n";

    let before = counts(&state).await;
    let (status, outcome) = upload(&state, "?name=usage.csv&check=1", good).await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(outcome["dry_run"], true);
    assert_eq!(outcome["rows"], 2);
    assert_eq!(counts(&state).await, before, "check only writes nothing");

    let (status, outcome) = upload(&state, "?name=usage.csv", good).await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(
        outcome["message"],
        "Imported 2 usage row(s) from usage.csv."
    );
    assert_eq!(outcome["header"][0], "contract");
    assert_eq!(outcome["preview"][1][2], "200.50");
    assert_eq!(counts(&state).await.usage_entries, before.usage_entries + 2);
    assert_eq!(burned(&state, "NEB-2026-1").await, "30050");

    let bad = "contract,date,amount,quantity,unit,sku\n\
               NEB-2026-1,2026-01-07,1.00,1,gpu_hour,\n\
               NEB-2026-1,2026-01-08,abc,1,gpu_hour,\n";
    let before = counts(&state).await;
    let (status, outcome) = upload(&state, "?name=jan.csv&kind=usage", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(outcome["errors"][0]
        .as_str()
        .unwrap()
        .starts_with("jan.csv:3: amount: "));
    assert_eq!(
        counts(&state).await,
        before,
        "a rejected upload writes nothing"
    );

    let (status, outcome) = upload(&state, "?name=usage.csv", good).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the same file twice is refused"
    );
    assert!(outcome["errors"][0]
        .as_str()
        .unwrap()
        .contains("already imported"));

    let (status, outcome) = upload(&state, "?name=mystery.csv", good).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(outcome["message"]
        .as_str()
        .unwrap()
        .contains("Cannot tell what"));

    state.upload_limit_bytes = 64;
    let (status, outcome) = upload(&state, "?name=usage.csv", good).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(outcome["message"]
        .as_str()
        .unwrap()
        .contains("larger than the upload limit"));
    assert_eq!(counts(&state).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn focus_files_upload_from_the_browser_and_contracts_download_as_focus() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _db) = demo_state(&dir).await;
    with_contract(&state).await;
    let focus = "BilledCost,BillingCurrency,ChargeCategory,ChargeClass,ChargePeriodEnd,ChargePeriodStart,ConsumedQuantity,ConsumedUnit,ContractApplied,EffectiveCost,RegionId,ServiceProviderName,SkuId\n\
        120.00,USD,Usage,,2026-01-06T00:00:00Z,2026-01-05T00:00:00Z,10,GPU-Hours,,100.004,eu-north1,Nebius,h200\n\
        8.00,USD,Tax,,2026-01-06T00:00:00Z,2026-01-05T00:00:00Z,,,,8.00,,Nebius,\n";
    let (status, outcome) = upload(
        &state,
        "?name=nebius-jan.csv&kind=focus-usage&cost=billed",
        focus,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(
        outcome["message"],
        "Imported 1 focus-usage row(s) from nebius-jan.csv; skipped 1 Tax rows (not infrastructure spend; --taxes count counts them)."
    );
    assert_eq!(
        burned(&state, "NEB-2026-1").await,
        "12000",
        "BilledCost on request"
    );
    let (status, outcome) = upload(
        &state,
        "?name=nebius-jan.csv&kind=focus-usage&cost=billed",
        focus,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert!(
        outcome["message"]
            .as_str()
            .unwrap()
            .ends_with("1 rows already imported (nothing new)."),
        "{outcome}"
    );
    assert_eq!(burned(&state, "NEB-2026-1").await, "12000");
    let (status, _) = upload(&state, "?name=x.csv&kind=focus-usage&cost=list", focus).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let viewer = state.caller(domain::Role::Viewer);
    let request = Request::get("/api/focus/contract-commitments.csv")
        .header("cookie", &viewer.cookie)
        .body(Body::empty())
        .unwrap();
    let (status, body) = send(&state, request).await;
    assert_eq!(status, StatusCode::OK);
    let text = body;
    assert!(
        text.starts_with("BillingCurrency,ContractCommitmentCategory,ContractCommitmentCost,"),
        "{text}"
    );
    assert!(text.contains(",NEB-2026-1,"), "{text}");
    let (status, outcome) =
        upload(&state, "?name=commitments.csv&kind=focus-contracts", &text).await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert!(
        outcome["message"]
            .as_str()
            .unwrap()
            .contains("already in the ledger with the same terms"),
        "{outcome}"
    );
}

/// Each server function registered by the app is exercised above; a new one must be added.
#[test]
fn every_server_function_is_covered_here() {
    let covered = [
        "list_contracts",
        "get_contract",
        "create_contract",
        "update_contract",
        "archive_contract",
        "list_vendors",
        "create_vendor",
        "update_vendor",
        "list_deliveries",
        "add_phase",
        "log_receipt",
        "list_usage",
        "contract_references",
        "add_usage",
        "correct_usage",
        "list_revenue",
        "add_revenue",
        "correct_revenue",
        "list_audit",
        "upload_limit",
        "current_user",
        "list_tokens",
        "create_token",
        "revoke_token",
        "dashboard",
        "list_periods",
        "close_period",
        "reopen_period",
        "list_statements",
        "record_statement",
        "get_trueup",
        "get_commitment_burndown",
        // Called in server/tests/formats.rs.
        "get_formats",
        "add_commitment",
        "list_scenarios",
        "create_scenario",
        "list_alert_rules",
        "create_alert_rule",
        "remove_alert_rule",
        "list_alert_events",
        "unacknowledged_alerts",
        "acknowledge_alert",
        // Called in server/tests/board_pack.rs.
        "board_pack",
        "save_pack_commentary",
        "publish_board_pack",
        // Called below (exchange_rates_are_entered_and_listed).
        "list_rates",
        "add_rate",
        // Called below (rate_cards_are_entered_and_listed).
        "list_rate_cards",
        "add_rate_card",
    ];
    let mut registered: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .collect();
    registered.sort();
    let mut expected: Vec<String> = covered.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(registered, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_month_refuses_entries_until_an_admin_reopens_it() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _db) = demo_state(&dir).await;
    let october = usage_form("AWS-2025-38B", "2026-10-15", "1.00");
    assert_eq!(
        columns(&refused(&state, "close_period", &[("month", "October")]).await),
        ["month"]
    );
    saved(&state, "close_period", &[("month", "2026-10")]).await;
    let closed = read(&state, "list_periods", &[]).await;
    assert_eq!(closed[0]["month"], "2026-10-01");
    assert_eq!(closed[0]["closed_by"], "admin");
    let errors = refused(&state, "add_usage", &october).await;
    assert_eq!(columns(&errors), ["date"]);
    assert!(
        errors[0].1.contains("October 2026, which is closed"),
        "{errors:?}"
    );
    assert!(failed(&state, "reopen_period", &[("month", "2026-09")])
        .await
        .contains("September 2026 is not closed"));
    saved(&state, "reopen_period", &[("month", "2026-10")]).await;
    saved(&state, "add_usage", &october).await;
    assert_eq!(
        read(&state, "list_periods", &[]).await,
        serde_json::json!([])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scenario_changes_the_projection_while_the_baseline_stays_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _db) = demo_state(&dir).await;
    let projection = "/api/reports/projection.csv?as_of=2026-06-30";
    let (status, baseline) = get(&state, projection).await;
    assert_eq!(status, StatusCode::OK, "{baseline}");
    let form = [
        ("name", "Slower ramp"),
        ("run_rate_change_percent", "-50"),
        ("new_reference", "NEB-2027"),
        ("new_vendor", "Nebius"),
        ("new_start_date", "2027-01-01"),
        ("new_end_date", "2027-12-31"),
        ("new_committed_amount", "1000000.00"),
        ("new_currency", "USD"),
        ("new_daily_spend", "2000.00"),
    ];
    let before = counts(&state).await;
    saved(&state, "create_scenario", &form).await;
    let after = counts(&state).await;
    assert_eq!(
        after,
        TableCounts {
            audit_log: before.audit_log + 1,
            ..before
        },
        "a scenario writes no ledger entry, only its audit entry"
    );
    assert!(refused(&state, "create_scenario", &form).await[0]
        .1
        .contains("already exists"));
    assert!(
        refused(&state, "create_scenario", &[("name", "Nothing")]).await[0]
            .1
            .contains("must change something")
    );
    let listed = read(&state, "list_scenarios", &[]).await;
    assert_eq!(listed[0]["name"], "Slower ramp");

    let (_, after) = get(&state, projection).await;
    assert_eq!(
        after, baseline,
        "the baseline report is byte-identical with a scenario saved"
    );
    let (status, under) = get(&state, &format!("{projection}&scenario=Slower%20ramp")).await;
    assert_eq!(status, StatusCode::OK, "{under}");
    assert_ne!(under, baseline);
    let column = |csv: &str, contract: &str, name: &str| -> i64 {
        let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
        let at = header.iter().position(|c| *c == name).unwrap();
        let row = csv
            .lines()
            .find(|l| l.starts_with(&format!("{contract},")))
            .unwrap();
        domain::decimal::parse_scaled(row.split(',').nth(at).unwrap(), 2, true).unwrap()
    };
    // Half the run-rate: half as much spend still to come on every contract.
    for contract in ["AWS-2025-38B", "LAMBDA-2026-1B"] {
        let spent = column(&baseline, contract, "spent");
        let to_come = column(&baseline, contract, "projected_total") - spent;
        let scenario_to_come = column(&under, contract, "projected_total") - spent;
        assert!(
            (scenario_to_come - to_come / 2).abs() <= 1,
            "{contract}: {to_come} vs {scenario_to_come}"
        );
        assert!(
            column(&baseline, contract, "projected_low")
                <= column(&baseline, contract, "projected_total")
        );
        assert!(
            column(&baseline, contract, "projected_high")
                >= column(&baseline, contract, "projected_total")
        );
    }
    // The contract under negotiation: 2,000.00 a day for 365 days.
    assert_eq!(column(&under, "NEB-2027", "projected_total"), 73_000_000);
    assert!(!baseline.contains("NEB-2027"));
    let (status, _) = get(&state, &format!("{projection}&scenario=Unknown")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The burn-down draws the scenario's line beside the baseline projection.
    let (status, csv) = get(
        &state,
        "/api/dashboards/burndown/portfolio-burndown.csv?as_of=2026-06-30&scenario=Slower%20ramp",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    let header = csv.lines().next().unwrap();
    assert!(
        header.contains("Projection") && header.contains("Scenario: Slower ramp"),
        "{header}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vendor_statement_agrees_or_visibly_differs() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _db) = demo_state(&dir).await;
    let (status, csv) = get(
        &state,
        "/api/reports/burndown.csv?contract=LAMBDA-2026-1B&as_of=2026-06-30",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let ledger = csv
        .lines()
        .last()
        .unwrap()
        .split(',')
        .nth(3)
        .unwrap()
        .to_owned();
    let statement = |as_of: &'static str, consumed: String, tolerance: &'static str| {
        vec![
            ("contract", "LAMBDA-2026-1B".to_owned()),
            ("as_of", as_of.to_owned()),
            ("consumed", consumed),
            ("tolerance", tolerance.to_owned()),
            ("note", "monthly statement".to_owned()),
        ]
    };
    let send = |form: Vec<(&'static str, String)>| form;
    let agrees = send(statement("2026-06-30", ledger.clone(), "0"));
    let agrees: Vec<(&str, &str)> = agrees.iter().map(|(k, v)| (*k, v.as_str())).collect();
    saved(&state, "record_statement", &agrees).await;
    let over = format!(
        "{}.00",
        ledger.split('.').next().unwrap().parse::<i64>().unwrap() + 500
    );
    let differs = send(statement("2026-07-31", over, "100.00"));
    let differs: Vec<(&str, &str)> = differs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    saved(&state, "record_statement", &differs).await;

    // The contract page's true-up table is the trueup report's rows for the contract.
    let trueup = read(&state, "get_trueup", &[("contract", "AWS-2025-38B")]).await;
    assert_eq!(
        trueup["rows"].as_array().unwrap().len(),
        7,
        "seven contract years"
    );
    assert_eq!(trueup["columns"][8], "true_up");

    let rows = read(&state, "list_statements", &[("contract", "LAMBDA-2026-1B")]).await;
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    // Newest first: July differs, June agrees to the cent.
    assert_eq!(rows[0]["as_of"], "2026-07-31");
    assert_eq!(rows[0]["agrees"], false, "{rows:?}");
    assert_eq!(rows[1]["agrees"], true);
    assert_eq!(rows[1]["difference"]["minor"], 0);
    assert_eq!(
        rows[0]["entries_from"], "2026-07-01",
        "the period since the previous statement"
    );

    let bad = [
        ("contract", "LAMBDA-2026-1B"),
        ("as_of", "2026-13-01"),
        ("consumed", "-5"),
        ("tolerance", ""),
        ("note", ""),
    ];
    assert_eq!(
        columns(&refused(&state, "record_statement", &bad).await),
        ["as_of", "consumed"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revenue_growth_in_a_scenario_lowers_the_outlook_ratio_beside_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _db) = demo_state(&dir).await;
    let outlook = "/api/reports/ratio-outlook.csv?as_of=2026-06-30";
    let (status, baseline) = get(&state, outlook).await;
    assert_eq!(status, StatusCode::OK, "{baseline}");
    saved(
        &state,
        "create_scenario",
        &[("name", "Growth"), ("revenue_growth_percent", "10")],
    )
    .await;
    let errors = refused(
        &state,
        "create_scenario",
        &[("name", "Too fast"), ("revenue_growth_percent", "150")],
    )
    .await;
    assert_eq!(errors[0].0, "revenue_growth_percent", "{errors:?}");
    let (_, again) = get(&state, outlook).await;
    assert_eq!(again, baseline, "the baseline outlook is byte-identical");
    let (status, under) = get(&state, &format!("{outlook}&scenario=Growth")).await;
    assert_eq!(status, StatusCode::OK, "{under}");
    // An empty form field after the choice leaves the choice alone.
    let (_, again) = get(&state, &format!("{outlook}&scenario=Growth&scenario=")).await;
    assert_eq!(again, under);

    let rows = |csv: &str| -> Vec<(String, i64, i64)> {
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("month,infra_spend,revenue,ratio"));
        lines
            .map(|l| {
                let cells: Vec<&str> = l.split(',').collect();
                let minor = |s: &str| domain::decimal::parse_scaled(s, 2, true).unwrap();
                (cells[0].to_owned(), minor(cells[1]), minor(cells[2]))
            })
            .collect()
    };
    let (base, grown) = (rows(&baseline), rows(&under));
    assert_eq!(base.len(), 12);
    assert_eq!(base[0].0, "2026-07-01");
    assert_eq!(base[11].0, "2027-06-01");
    let held = base[0].2;
    assert!(held > 0, "the demo ledger has revenue before July 2026");
    for (b, g) in base.iter().zip(&grown) {
        assert_eq!((&b.0, b.1), (&g.0, g.1), "growth leaves the spend alone");
        assert_eq!(b.2, held, "the baseline holds revenue flat");
    }
    // The scenario compounds 10% a month from the latest month with revenue (June at the
    // latest, so July is at least one step on).
    for pair in grown.windows(2) {
        let expected = (pair[0].2 as f64 * 1.1).round() as i64;
        assert!((pair[1].2 - expected).abs() <= 1, "{pair:?}");
    }
    assert!(grown[0].2 >= (held as f64 * 1.1).round() as i64);

    // The ratio dashboard draws both ratios, and its table holds both sets of figures.
    let (status, csv) = get(
        &state,
        "/api/dashboards/ratio/ratio-outlook.csv?as_of=2026-06-30&scenario=Growth",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    let header = csv.lines().next().unwrap();
    assert!(
        header.contains("Baseline ratio") && header.contains("Scenario: Growth ratio"),
        "{header}"
    );
    let (status, table) = get(
        &state,
        "/api/dashboards/ratio/ratio-outlook-table.csv?as_of=2026-06-30&scenario=Growth",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{table}");
    assert_eq!(
        table.lines().next(),
        Some(
            "month,infra_spend,revenue,ratio,scenario_infra_spend,scenario_revenue,scenario_ratio"
        )
    );
    assert_eq!(table.lines().count(), 13);
    let (_, without) = get(
        &state,
        "/api/dashboards/ratio/ratio-outlook.csv?as_of=2026-06-30",
    )
    .await;
    assert!(!without.lines().next().unwrap().contains("Scenario"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alert_rule_made_on_the_page_fires_into_the_inbox_and_is_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _db) = demo_state(&dir).await;
    let rule = |name: &'static str, scope: &'static str| {
        [
            ("name", name),
            ("kind", "commitment_hhi"),
            ("threshold", "1"),
            ("scope", scope),
            ("webhook", ""),
            ("email", ""),
        ]
    };
    assert_eq!(
        columns(
            &refused(
                &state,
                "create_alert_rule",
                &rule("Concentrated", "vendor:AWS")
            )
            .await
        ),
        ["scope"],
        "concentration is portfolio-wide"
    );
    saved(&state, "create_alert_rule", &rule("Concentrated", "all")).await;
    assert_eq!(
        columns(&refused(&state, "create_alert_rule", &rule("Concentrated", "all")).await),
        ["name"],
        "names are not reused"
    );
    let rules = read(&state, "list_alert_rules", &[]).await;
    assert_eq!(rules[0]["name"], "Concentrated");
    assert_eq!(rules[0]["threshold"], "1");
    assert_eq!(read(&state, "unacknowledged_alerts", &[]).await, 0);

    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let settings = server::alerts::runner::AlertSettings::default();
    let fired = server::alerts::runner::evaluate_all(&state.state, &settings, as_of)
        .await
        .unwrap();
    assert_eq!(fired, 1, "any portfolio's commitment HHI is above 1");
    assert_eq!(read(&state, "unacknowledged_alerts", &[]).await, 1);
    let events = read(&state, "list_alert_events", &[]).await;
    assert_eq!(events[0]["rule"], "Concentrated");
    let id = events[0]["id"].to_string();
    saved(&state, "acknowledge_alert", &[("id", id.as_str())]).await;
    assert_eq!(read(&state, "unacknowledged_alerts", &[]).await, 0);
    let events = read(&state, "list_alert_events", &[]).await;
    assert!(events[0]["acknowledged"]
        .as_str()
        .unwrap()
        .ends_with("by admin"));
    saved(&state, "remove_alert_rule", &[("name", "Concentrated")]).await;
    assert_eq!(
        read(&state, "list_alert_rules", &[]).await,
        serde_json::json!([])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exchange_rates_are_entered_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _db) = demo_state(&dir).await;
    let form = |date, currency, rate| {
        vec![
            ("date", date),
            ("base", "EUR"),
            ("currency", currency),
            ("rate", rate),
        ]
    };
    let answer = saved(&state, "add_rate", &form("2026-11-30", "USD", "1.0812")).await;
    assert_eq!(answer, "1.0812 USD per EUR on 2026-11-30 recorded.");
    let answer = saved(&state, "add_rate", &form("2026-11-30", "USD", "1.08120")).await;
    assert!(answer.ends_with("was already recorded."), "{answer}");
    let answer = saved(&state, "add_rate", &form("2026-11-30", "USD", "1.0813")).await;
    assert!(
        answer.ends_with("replaces the rate before (audited)."),
        "{answer}"
    );
    assert_eq!(
        columns(&refused(&state, "add_rate", &form("2026-11-31", "usd", "0")).await),
        ["date", "currency", "rate"]
    );
    assert_eq!(
        columns(&refused(&state, "add_rate", &form("2026-11-30", "EUR", "1")).await),
        ["currency"]
    );
    // Newest first: the demo's rates end on 2026-11-23, the one recorded here is a week later.
    let rates = read(&state, "list_rates", &[]).await;
    let recorded: Vec<&Value> = rates
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["date"] == "2026-11-30")
        .collect();
    assert_eq!(recorded.len(), 1);
    assert_eq!(rates[0], *recorded[0]);
    assert_eq!(rates[0]["currency"], "USD");
    assert_eq!(rates[0]["scaled"], 10_813_000_000_i64);
    let (status, _) = common::call_as(
        &state,
        Some(domain::Role::Viewer),
        "add_rate",
        &form("2026-11-30", "GBP", "0.85"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_cards_are_entered_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _db) = demo_state(&dir).await;
    // A day after anything the demo may hold, so the card is new and listed first.
    let form = |contract, price, utilisation| {
        vec![
            ("contract", contract),
            ("resource", "GB300"),
            ("from", "2030-01-05"),
            ("price", price),
            ("utilisation", utilisation),
        ]
    };
    let answer = saved(
        &state,
        "add_rate_card",
        &form("AWS-2025-38B", "11.50", "85"),
    )
    .await;
    assert_eq!(
        answer,
        "AWS-2025-38B GB300 from 2030-01-05: 11.5 per unit-hour at 85% utilisation recorded."
    );
    let answer = saved(
        &state,
        "add_rate_card",
        &form("AWS-2025-38B", "11.5", "85%"),
    )
    .await;
    assert!(answer.ends_with("was already recorded."), "{answer}");
    let answer = saved(&state, "add_rate_card", &form("AWS-2025-38B", "11.5", "")).await;
    assert!(
        answer.ends_with("at 100% utilisation replaces the card before (audited)."),
        "{answer}"
    );
    assert_eq!(
        columns(&refused(&state, "add_rate_card", &form("", "0", "120")).await),
        ["contract", "price", "utilisation"]
    );
    let unknown = refused(&state, "add_rate_card", &form("NO-SUCH-1", "11.50", "85")).await;
    assert_eq!(
        unknown,
        [(
            "contract".to_owned(),
            "no contract \"NO-SUCH-1\"".to_owned()
        )]
    );
    let cards = read(&state, "list_rate_cards", &[]).await;
    assert_eq!(cards[0]["contract"], "AWS-2025-38B");
    assert_eq!(cards[0]["resource"], "GB300");
    assert_eq!(cards[0]["from"], "2030-01-05");
    assert_eq!(cards[0]["price_e6"], 11_500_000);
    assert_eq!(cards[0]["utilisation_bp"], 10_000);
    let (status, _) = common::call_as(
        &state,
        Some(domain::Role::Viewer),
        "add_rate_card",
        &form("AWS-2025-38B", "9.00", "85"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
