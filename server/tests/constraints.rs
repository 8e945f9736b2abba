//! Every table's constraints (CHECKs, UNIQUE keys, NOT NULL columns, foreign keys), fed a
//! violating entry through each path that writes the table: the CSV upload, the forms (server
//! functions) and the JSON API. Each must be refused in words that name the line or field,
//! never in the database's own (a FOCUS file once got `CHECK constraint failed` back), never
//! as a server error, and with nothing written.
//!
//! One valid record per table, encoded three ways (a CSV row, a form, a JSON body: the same
//! column names), is broken one rule at a time. The constraints still in force after
//! migrations 8 and 9: vendors (name unique, kind one of four), contracts (reference unique,
//! term, vendor), commitments (term, amount ≥ 0, category/model/interval, reference unique in
//! its contract), delivery phases (quantity ≥ 0, phase unique in its contract), receipts
//! (quantity ≥ 0), revenue (amount ≥ 0, one per month and currency), imports (one per file
//! content), scenarios (name unique), closed periods (one per month). Usage keeps only its
//! foreign keys: its quantities are signed since migration 8, so a refund must go through.
//! Free text is checked too: PostgreSQL refuses a NUL in any text column (SQLite stores it).

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{call_as, demo_state, send_full, Ctx};
use domain::Role;
use serde_json::{Map, Value};
use store::ledger::{table_counts, TableCounts};

/// Words from the databases' own error messages; none may reach a user.
const DATABASE_WORDS: &[&str] = &[
    "constraint",
    "check",
    "unique",
    "violates",
    "sql",
    "sqlite",
    "postgres",
    "duplicate key",
    "sqlx",
    "dberr",
];

fn database_words(body: &str) -> Vec<&'static str> {
    let lower = body.to_lowercase();
    DATABASE_WORDS
        .iter()
        .copied()
        .filter(|w| lower.contains(w))
        .collect()
}

/// How an entry reaches the ledger.
#[derive(Debug, Clone)]
enum Route {
    /// `POST /api/imports{query}` with the CSV as the body, from an editor's session.
    Import { query: String, csv: String },
    /// A server function, posted as the browser's form posts it.
    Form {
        role: Role,
        endpoint: &'static str,
        fields: Vec<(String, String)>,
    },
    /// `/api/v1/…` with a JSON body, from an editor's session with its CSRF token.
    Api {
        method: Method,
        path: String,
        body: Value,
    },
}

fn import(file: &str, header: &str, rows: &[&str]) -> Route {
    import_as(&format!("?name={file}"), header, rows)
}

fn import_as(query: &str, header: &str, rows: &[&str]) -> Route {
    let mut csv = format!("{header}\n");
    for row in rows {
        csv.push_str(row);
        csv.push('\n');
    }
    Route::Import {
        query: query.to_owned(),
        csv,
    }
}

fn form(endpoint: &'static str, fields: &[(&str, &str)]) -> Route {
    Route::Form {
        role: Role::Editor,
        endpoint,
        fields: fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

fn api(method: Method, path: &str, body: Value) -> Route {
    Route::Api {
        method,
        path: path.to_owned(),
        body,
    }
}

async fn send(ctx: &Ctx, route: &Route) -> (StatusCode, String) {
    let editor = ctx.caller(Role::Editor);
    match route {
        Route::Import { query, csv } => {
            let request = Request::post(format!("/api/imports{query}"))
                .header(header::COOKIE, &editor.cookie)
                .header("x-csrf-token", &editor.csrf)
                .header(header::CONTENT_TYPE, "text/csv")
                .body(Body::from(csv.clone()))
                .unwrap();
            let (status, _, body) = send_full(ctx, request).await;
            (status, body)
        }
        Route::Form {
            role,
            endpoint,
            fields,
        } => {
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            call_as(ctx, Some(*role), endpoint, &fields).await
        }
        Route::Api { method, path, body } => {
            let request = Request::builder()
                .method(method.clone())
                .uri(path)
                .header(header::COOKIE, &editor.cookie)
                .header("x-csrf-token", &editor.csrf)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap();
            let (status, _, body) = send_full(ctx, request).await;
            (status, body)
        }
    }
}

/// GET as the editor: the answer's body.
async fn read(ctx: &Ctx, path: &str) -> Value {
    let (status, body) = common::get_as(ctx, Some(Role::Editor), path).await;
    assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
}

/// A violating entry and what its refusal must point at: `file:line: column` for an upload,
/// the field for a form or the API.
struct Case {
    what: String,
    route: Route,
    names: String,
}

impl Case {
    fn new(what: impl Into<String>, route: Route, names: impl Into<String>) -> Self {
        Self {
            what: what.into(),
            route,
            names: names.into(),
        }
    }
}

async fn counts(ctx: &Ctx) -> TableCounts {
    table_counts(&ctx.db).await.unwrap()
}

/// Sends the case; what is wrong with the answer, if anything.
async fn check_refused(ctx: &Ctx, case: &Case) -> Option<String> {
    let before = counts(ctx).await;
    // A refused update leaves the entry as it was.
    let watched = match &case.route {
        Route::Api { method, path, .. } if *method == Method::PUT => {
            Some((path.clone(), read(ctx, path).await))
        }
        _ => None,
    };
    let (status, body) = send(ctx, &case.route).await;
    let mut wrong = Vec::new();
    let words = database_words(&body);
    if !words.is_empty() {
        wrong.push(format!("the database's words {words:?} reached the user"));
    }
    let json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let names = &case.names;
    match &case.route {
        Route::Import { .. } => {
            let errors: Vec<&str> = json["errors"]
                .as_array()
                .map(|e| e.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if status != StatusCode::UNPROCESSABLE_ENTITY {
                wrong.push(format!("answered {status}, not 422"));
            }
            if !errors.iter().any(|e| e.contains(names.as_str())) {
                wrong.push(format!("no error names {names:?}"));
            }
        }
        Route::Form { .. } => {
            let columns: Vec<&str> = json["Err"]
                .as_array()
                .map(|e| e.iter().filter_map(|e| e["column"].as_str()).collect())
                .unwrap_or_default();
            if status != StatusCode::OK || columns.is_empty() {
                wrong.push(format!("answered {status} without field errors"));
            } else if !columns.contains(&names.as_str()) {
                wrong.push(format!(
                    "the field errors {columns:?} do not name {names:?}"
                ));
            }
        }
        Route::Api { .. } => {
            let refusal = [
                StatusCode::BAD_REQUEST,
                StatusCode::CONFLICT,
                StatusCode::UNPROCESSABLE_ENTITY,
            ];
            if !refusal.contains(&status) {
                wrong.push(format!("answered {status}, not 400, 409 or 422"));
            }
            let fields = json["errors"].as_object().cloned().unwrap_or_default();
            if !fields.contains_key(names.as_str()) {
                wrong.push(format!("the problem's errors do not name {names:?}"));
            }
        }
    }
    let after = counts(ctx).await;
    if after != before {
        wrong.push(format!("the ledger changed: {before:?} → {after:?}"));
    }
    if let Some((path, was)) = watched {
        if read(ctx, &path).await != was {
            wrong.push(format!("{path} changed"));
        }
    }
    (!wrong.is_empty()).then(|| {
        format!(
            "{} via {}: {}\n    answer: {status} {body}",
            case.what,
            route_name(&case.route),
            wrong.join("; ")
        )
    })
}

fn route_name(route: &Route) -> String {
    match route {
        Route::Import { query, .. } => format!("upload {query}"),
        Route::Form { endpoint, .. } => format!("form {endpoint}"),
        Route::Api { method, path, .. } => format!("{method} {path}"),
    }
}

/// Every case refused as it should be, or the test fails listing every one that was not.
async fn all_refused(ctx: &Ctx, cases: &[Case]) {
    let mut failures = Vec::new();
    for case in cases {
        if let Some(failure) = check_refused(ctx, case).await {
            failures.push(failure);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases were not refused cleanly:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// A valid entry goes through (2xx, and the audit trail grows): the routes really reach the
/// ledger, so a refusal above is the ledger's, not a broken request's. The answer's body.
async fn accepted(ctx: &Ctx, what: &str, route: &Route) -> String {
    let before = counts(ctx).await;
    let (status, body) = send(ctx, route).await;
    let ok = match route {
        Route::Form { .. } => {
            status == StatusCode::OK
                && serde_json::from_str::<Value>(&body).is_ok_and(|v| v.get("Ok").is_some())
        }
        _ => status.is_success(),
    };
    assert!(ok, "{what} via {}: {status} {body}", route_name(route));
    assert!(
        counts(ctx).await.audit_log > before.audit_log,
        "{what} via {}: nothing recorded",
        route_name(route)
    );
    body
}

/// The ledger's tables that single entries are written to, each with one valid record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    Vendors,
    Contracts,
    Commitments,
    Phases,
    Receipts,
    Usage,
    Revenue,
}

type Record = Vec<(&'static str, String)>;

impl Table {
    /// The upload's file name (its kind).
    fn file(self) -> &'static str {
        match self {
            Table::Vendors => "vendors.csv",
            Table::Contracts => "contracts.csv",
            Table::Commitments => "commitments.csv",
            Table::Phases => "deliveries.csv",
            Table::Receipts => "receipts.csv",
            Table::Usage => "usage.csv",
            Table::Revenue => "revenue.csv",
        }
    }

    /// A record the demo ledger takes, in the file's column order.
    fn valid(self) -> Record {
        let fields: &[(&'static str, &str)] = match self {
            Table::Vendors => &[("name", "Nscale"), ("kind", "neocloud")],
            Table::Contracts => &[
                ("reference", "NSCALE-2026"),
                ("vendor", "CoreWeave"),
                ("start_date", "2026-01-01"),
                ("end_date", "2026-12-31"),
                ("committed_amount", "1000.00"),
                ("currency", "USD"),
                ("title", "H200 pool"),
                ("commitment_model", "build_up"),
                ("fulfillment_interval", "term"),
                ("notes", ""),
            ],
            Table::Commitments => &[
                ("contract", "LAMBDA-2026-1B"),
                ("commitment", "LAMBDA-H2"),
                ("start_date", "2026-07-01"),
                ("end_date", "2026-12-31"),
                ("category", "spend"),
                ("committed_amount", "1000.00"),
                ("quantity", ""),
                ("unit", ""),
                ("commitment_model", "build_up"),
                ("fulfillment_interval", "term"),
                ("scope", ""),
            ],
            Table::Phases => &[
                ("contract", "LAMBDA-2026-1B"),
                ("phase", "burst-2"),
                ("resource", "B200"),
                ("region", "us-west"),
                ("planned_date", "2026-12-01"),
                ("planned_quantity", "100"),
            ],
            Table::Receipts => &[
                ("contract", "LAMBDA-2026-1B"),
                ("phase", "burst"),
                ("date", "2026-11-02"),
                ("quantity", "1"),
                ("note", ""),
            ],
            Table::Usage => &[
                ("contract", "LAMBDA-2026-1B"),
                ("date", "2026-11-02"),
                ("amount", "1.00"),
                ("quantity", "1"),
                ("unit", "GPU-hours"),
                ("sku", "b200"),
                ("vendor", ""),
                ("currency", ""),
                ("commitment", ""),
            ],
            Table::Revenue => &[
                ("period_start", "2026-12-01"),
                ("amount", "100.00"),
                ("currency", "USD"),
            ],
        };
        fields.iter().map(|(k, v)| (*k, v.to_string())).collect()
    }

    /// The valid record with some fields replaced.
    fn with(self, changes: &[(&str, &str)]) -> Record {
        let mut record = self.valid();
        for (field, value) in changes {
            let slot = record
                .iter_mut()
                .find(|(k, _)| k == field)
                .unwrap_or_else(|| panic!("{self:?} has no field {field}"));
            slot.1 = value.to_string();
        }
        record
    }

    fn header(self) -> String {
        let names: Vec<&str> = self.valid().iter().map(|(k, _)| *k).collect();
        names.join(",")
    }

    fn csv_row(record: &Record) -> String {
        let values: Vec<&str> = record.iter().map(|(_, v)| v.as_str()).collect();
        values.join(",")
    }

    /// The record as the only row of an upload (line 2).
    fn upload(self, record: &Record) -> Route {
        import(self.file(), &self.header(), &[&Self::csv_row(record)])
    }

    /// The record as its "add" form posts it.
    fn add_form(self, record: &Record) -> Route {
        let (endpoint, prefix) = match self {
            Table::Vendors => ("create_vendor", None),
            Table::Contracts => ("create_contract", Some("contract")),
            Table::Commitments => ("add_commitment", None),
            Table::Phases => ("add_phase", None),
            Table::Receipts => ("log_receipt", None),
            Table::Usage => ("add_usage", Some("usage")),
            Table::Revenue => ("add_revenue", None),
        };
        let fields: Vec<(String, &str)> = record
            .iter()
            .map(|(k, v)| match prefix {
                Some(p) => (format!("{p}[{k}]"), v.as_str()),
                None => (k.to_string(), v.as_str()),
            })
            .collect();
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        form(endpoint, &fields)
    }

    /// The record POSTed to its collection; fields the path names are left out of the body.
    fn api_create(self, record: &Record) -> Route {
        let field = |name: &str| {
            let value = &record.iter().find(|(k, _)| *k == name).unwrap().1;
            domain::links::path_segment(value)
        };
        let (path, in_path): (String, &[&str]) = match self {
            Table::Vendors => ("/api/v1/vendors".into(), &[]),
            Table::Contracts => ("/api/v1/contracts".into(), &[]),
            Table::Commitments => (
                format!("/api/v1/contracts/{}/commitments", field("contract")),
                &["contract"],
            ),
            Table::Phases => (
                format!("/api/v1/contracts/{}/phases", field("contract")),
                &["contract"],
            ),
            Table::Receipts => (
                format!(
                    "/api/v1/contracts/{}/phases/{}/receipts",
                    field("contract"),
                    field("phase")
                ),
                &["contract", "phase"],
            ),
            Table::Usage => ("/api/v1/usage".into(), &[]),
            Table::Revenue => ("/api/v1/revenue".into(), &[]),
        };
        api(Method::POST, &path, json_body(record, in_path))
    }
}

fn json_body(record: &Record, leave_out: &[&str]) -> Value {
    let object: Map<String, Value> = record
        .iter()
        .filter(|(k, _)| !leave_out.contains(k))
        .map(|(k, v)| (k.to_string(), Value::String(v.clone())))
        .collect();
    Value::Object(object)
}

/// Which paths a violation is sent through: the API names the contract and phase in its path,
/// so an unknown one there is a 404 before any rule is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Through {
    Every,
    UploadAndForm,
}

/// (table, what is wrong, the fields changed, the field the refusal must name, paths)
type Violation = (
    Table,
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
    Through,
);

#[rustfmt::skip]
const VIOLATIONS: &[Violation] = &[
    (Table::Vendors, "a vendor name taken", &[("name", "Lambda")], "name", Through::Every),
    (Table::Vendors, "an unknown vendor kind", &[("kind", "cloud")], "kind", Through::Every),
    (Table::Vendors, "a vendor without a name", &[("name", "")], "name", Through::Every),

    (Table::Contracts, "a contract ending before it starts", &[("start_date", "2026-12-31"), ("end_date", "2026-01-01")], "end_date", Through::Every),
    (Table::Contracts, "a negative commitment", &[("committed_amount", "-1000.00")], "committed_amount", Through::Every),
    (Table::Contracts, "an unknown commitment model", &[("commitment_model", "fixed")], "commitment_model", Through::Every),
    (Table::Contracts, "an unknown fulfilment interval", &[("fulfillment_interval", "weekly")], "fulfillment_interval", Through::Every),
    (Table::Contracts, "a contract reference taken", &[("reference", "LAMBDA-2026-1B")], "reference", Through::Every),
    (Table::Contracts, "a vendor the ledger does not hold", &[("vendor", "Nobody Cloud")], "vendor", Through::Every),
    (Table::Contracts, "a contract without a reference", &[("reference", "")], "reference", Through::Every),
    (Table::Contracts, "a contract without a start date", &[("start_date", "")], "start_date", Through::Every),
    (Table::Contracts, "a contract without a currency", &[("currency", "")], "currency", Through::Every),

    (Table::Commitments, "a commitment ending before it starts", &[("start_date", "2026-12-31"), ("end_date", "2026-07-01")], "end_date", Through::Every),
    (Table::Commitments, "a negative commitment amount", &[("committed_amount", "-1.00")], "committed_amount", Through::Every),
    (Table::Commitments, "an unknown commitment category", &[("category", "capex")], "category", Through::Every),
    (Table::Commitments, "an unknown commitment model", &[("commitment_model", "fixed")], "commitment_model", Through::Every),
    (Table::Commitments, "an unknown fulfilment interval", &[("fulfillment_interval", "weekly")], "fulfillment_interval", Through::Every),
    (Table::Commitments, "a commitment reference taken in its contract (the contract's own)", &[("commitment", "LAMBDA-2026-1B")], "commitment", Through::Every),
    (Table::Commitments, "a negative usage commitment", &[("category", "usage"), ("committed_amount", ""), ("quantity", "-5"), ("unit", "GPU-hours")], "quantity", Through::Every),
    (Table::Commitments, "a NUL in a commitment's scope (PostgreSQL refuses it in text)", &[("scope", "p5.\u{0}")], "scope", Through::Every),
    (Table::Commitments, "a commitment without a name", &[("commitment", "")], "commitment", Through::Every),
    (Table::Commitments, "a commitment of a contract the ledger does not hold", &[("contract", "NOPE-1")], "contract", Through::UploadAndForm),

    (Table::Phases, "a negative planned quantity", &[("planned_quantity", "-100")], "planned_quantity", Through::Every),
    (Table::Phases, "a phase name taken in its contract", &[("phase", "burst")], "phase", Through::Every),
    (Table::Phases, "a phase without a resource", &[("resource", "")], "resource", Through::Every),
    (Table::Phases, "a NUL in a phase's region", &[("region", "us\u{0}")], "region", Through::Every),
    (Table::Phases, "a phase of a contract the ledger does not hold", &[("contract", "NOPE-1")], "contract", Through::UploadAndForm),

    (Table::Receipts, "a negative received quantity", &[("quantity", "-1")], "quantity", Through::Every),
    (Table::Receipts, "a receipt without a date", &[("date", "")], "date", Through::Every),
    (Table::Receipts, "a receipt against a phase the contract does not have", &[("phase", "nowhere")], "phase", Through::UploadAndForm),

    (Table::Usage, "usage on a contract the ledger does not hold", &[("contract", "NOPE-1")], "contract", Through::Every),
    (Table::Usage, "usage without a unit", &[("unit", "")], "unit", Through::Every),
    (Table::Usage, "usage under no contract naming no vendor", &[("contract", ""), ("currency", "USD")], "contract", Through::Every),
    (Table::Usage, "usage from a vendor the ledger does not hold", &[("contract", ""), ("vendor", "Nobody Cloud"), ("currency", "USD")], "vendor", Through::Every),

    (Table::Revenue, "negative revenue", &[("amount", "-100.00")], "amount", Through::Every),
    (Table::Revenue, "a second revenue entry for a month and currency", &[("period_start", "2026-01-01")], "period_start", Through::Every),
    (Table::Revenue, "revenue without a currency", &[("currency", "")], "currency", Through::Every),
];

/// Each violation through each path that writes its table.
fn violation_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (table, what, changes, field, through) in VIOLATIONS {
        let record = table.with(changes);
        cases.push(Case::new(
            *what,
            table.upload(&record),
            format!("{}:2: {field}:", table.file()),
        ));
        cases.push(Case::new(*what, table.add_form(&record), *field));
        if *through == Through::Every {
            cases.push(Case::new(*what, table.api_create(&record), *field));
        }
    }
    cases
}

/// An upload is all or nothing, and a key repeated inside one file is caught there too.
fn upload_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (table, field) in [
        (Table::Vendors, "name"),
        (Table::Contracts, "reference"),
        (Table::Commitments, "commitment"),
        (Table::Phases, "phase"),
        (Table::Revenue, "period_start"),
    ] {
        let row = Table::csv_row(&table.valid());
        cases.push(Case::new(
            format!("a key twice in one {}", table.file()),
            import(table.file(), &table.header(), &[&row, &row]),
            format!("{}:3: {field}:", table.file()),
        ));
    }
    let good = Table::csv_row(&Table::Vendors.valid());
    let bad = Table::csv_row(&Table::Vendors.with(&[("name", "Nscale Two"), ("kind", "cloud")]));
    cases.push(Case::new(
        "a good row, then a bad one (nothing of the good one is written)",
        import("vendors.csv", &Table::Vendors.header(), &[&good, &bad]),
        "vendors.csv:3: kind:",
    ));
    // FOCUS contract commitment files become contracts and commitments.
    let header = store::focus::commitments::COLUMNS.join(",");
    let focus = |cost: &str, commitment_end: &str, contract_end: &str| {
        format!(
            "USD,Spend,{cost},,FC-1,{commitment_end},2027-01-01T00:00:00Z,,,,FC-1,{contract_end},2027-01-01T00:00:00Z,CoreWeave,,"
        )
    };
    let year = "2028-01-01T00:00:00Z";
    let focus_contracts = "?name=fc.csv&kind=focus-contracts";
    for (what, row, names) in [
        (
            "a negative FOCUS commitment",
            focus("-5000.00", year, year),
            "fc.csv:2: ContractCommitmentCost:",
        ),
        (
            "a FOCUS commitment ending before it starts",
            focus("5000.00", "2026-06-01T00:00:00Z", year),
            "fc.csv:2: ContractCommitmentPeriodEnd:",
        ),
        (
            "a FOCUS contract ending before it starts",
            focus("5000.00", year, "2026-06-01T00:00:00Z"),
            "fc.csv:2: ContractPeriodEnd:",
        ),
    ] {
        cases.push(Case::new(
            what,
            import_as(focus_contracts, &header, &[&row]),
            names,
        ));
    }
    cases
}

/// The id of the first item a list answers.
async fn first_id(ctx: &Ctx, list: &str) -> String {
    let page = read(ctx, list).await;
    page["items"][0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{list}: no items in {page}"))
        .to_string()
}

/// Updates and corrections of entries the demo ledger holds, through the forms and the API.
async fn update_cases(ctx: &Ctx) -> Vec<Case> {
    let vendors = read(ctx, "/api/v1/vendors?page_size=500").await;
    let coreweave = vendors["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "CoreWeave")
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let receipt = first_id(
        ctx,
        "/api/v1/contracts/AWS-2025-38B/phases/initial/receipts",
    )
    .await;
    let usage = first_id(ctx, "/api/v1/usage?contract=LAMBDA-2026-1B&page_size=1").await;
    let january = first_id(ctx, "/api/v1/revenue?from=2026-01-01&to=2026-01-01").await;

    let contract = |changes: &[(&str, &str)]| {
        let mut record =
            Table::Contracts.with(&[("reference", "LAMBDA-2026-1B"), ("vendor", "Lambda")]);
        for (field, value) in changes {
            record.iter_mut().find(|(k, _)| k == field).unwrap().1 = value.to_string();
        }
        record
    };
    let contract_form = |record: &Record| {
        let mut fields = vec![("original_reference".to_owned(), "LAMBDA-2026-1B".to_owned())];
        fields.extend(
            record
                .iter()
                .map(|(k, v)| (format!("contract[{k}]"), v.clone())),
        );
        Route::Form {
            role: Role::Editor,
            endpoint: "update_contract",
            fields,
        }
    };
    let usage_form = |record: &Record| {
        let mut fields = vec![("id".to_owned(), usage.clone())];
        fields.extend(
            record
                .iter()
                .map(|(k, v)| (format!("usage[{k}]"), v.clone())),
        );
        Route::Form {
            role: Role::Editor,
            endpoint: "correct_usage",
            fields,
        }
    };
    let gpu_hours = |changes: &[(&str, &str)]| {
        let mut record = Table::Commitments.with(&[
            ("contract", "AWS-2025-38B"),
            ("commitment", "gb300-gpu-hours"),
        ]);
        for (field, value) in changes {
            record.iter_mut().find(|(k, _)| k == field).unwrap().1 = value.to_string();
        }
        json_body(&record, &["contract"])
    };
    let end_before_start = [("start_date", "2026-12-31"), ("end_date", "2026-01-01")];
    let negative = [("committed_amount", "-1.00")];
    let unknown_usage_contract = Table::Usage.with(&[("contract", "NOPE-1")]);

    vec![
        Case::new(
            "renaming a vendor onto another's name",
            form(
                "update_vendor",
                &[
                    ("id", coreweave.as_str()),
                    ("name", "Lambda"),
                    ("kind", "neocloud"),
                ],
            ),
            "name",
        ),
        Case::new(
            "renaming a vendor onto another's name",
            api(
                Method::PUT,
                &format!("/api/v1/vendors/{coreweave}"),
                serde_json::json!({"name": "Lambda", "kind": "neocloud"}),
            ),
            "name",
        ),
        Case::new(
            "re-classifying a vendor as an unknown kind",
            api(
                Method::PUT,
                &format!("/api/v1/vendors/{coreweave}"),
                serde_json::json!({"name": "CoreWeave", "kind": "cloud"}),
            ),
            "kind",
        ),
        Case::new(
            "a contract changed to end before it starts",
            contract_form(&contract(&end_before_start)),
            "end_date",
        ),
        Case::new(
            "a contract changed to end before it starts",
            api(
                Method::PUT,
                "/api/v1/contracts/LAMBDA-2026-1B",
                json_body(&contract(&end_before_start), &[]),
            ),
            "end_date",
        ),
        Case::new(
            "a contract's commitment made negative",
            contract_form(&contract(&negative)),
            "committed_amount",
        ),
        Case::new(
            "a contract's commitment made negative",
            api(
                Method::PUT,
                "/api/v1/contracts/LAMBDA-2026-1B",
                json_body(&contract(&negative), &[]),
            ),
            "committed_amount",
        ),
        Case::new(
            "a contract moved to a vendor the ledger does not hold",
            api(
                Method::PUT,
                "/api/v1/contracts/LAMBDA-2026-1B",
                json_body(&contract(&[("vendor", "Nobody Cloud")]), &[]),
            ),
            "vendor",
        ),
        Case::new(
            "a commitment made negative",
            api(
                Method::PUT,
                "/api/v1/contracts/AWS-2025-38B/commitments/gb300-gpu-hours",
                gpu_hours(&[
                    ("category", "usage"),
                    ("committed_amount", "-1.00"),
                    ("quantity", "1000"),
                    ("unit", "GPU-hours"),
                ]),
            ),
            "committed_amount",
        ),
        Case::new(
            "a commitment changed to end before it starts",
            api(
                Method::PUT,
                "/api/v1/contracts/AWS-2025-38B/commitments/gb300-gpu-hours",
                gpu_hours(&[("start_date", "2026-12-31"), ("end_date", "2026-07-01")]),
            ),
            "end_date",
        ),
        Case::new(
            "a commitment given an unknown interval",
            api(
                Method::PUT,
                "/api/v1/contracts/AWS-2025-38B/commitments/gb300-gpu-hours",
                gpu_hours(&[("fulfillment_interval", "weekly")]),
            ),
            "fulfillment_interval",
        ),
        Case::new(
            "a commitment given an unknown category",
            api(
                Method::PUT,
                "/api/v1/contracts/AWS-2025-38B/commitments/gb300-gpu-hours",
                gpu_hours(&[("category", "capex")]),
            ),
            "category",
        ),
        Case::new(
            "a phase re-planned to a negative quantity",
            api(
                Method::PUT,
                "/api/v1/contracts/AWS-2025-38B/phases/initial",
                serde_json::json!({
                    "resource": "GB200", "region": "us-east-1",
                    "planned_date": "2025-12-15", "planned_quantity": "-1"
                }),
            ),
            "planned_quantity",
        ),
        Case::new(
            "a receipt corrected to a negative quantity",
            api(
                Method::PUT,
                &format!("/api/v1/contracts/AWS-2025-38B/phases/initial/receipts/{receipt}"),
                serde_json::json!({"date": "2025-12-20", "quantity": "-1", "note": ""}),
            ),
            "quantity",
        ),
        Case::new(
            "usage moved to a contract the ledger does not hold",
            usage_form(&unknown_usage_contract),
            "contract",
        ),
        Case::new(
            "usage moved to a contract the ledger does not hold",
            api(
                Method::PUT,
                &format!("/api/v1/usage/{usage}"),
                json_body(&unknown_usage_contract, &[]),
            ),
            "contract",
        ),
        Case::new(
            "usage corrected to no unit",
            usage_form(&Table::Usage.with(&[("unit", "")])),
            "unit",
        ),
        Case::new(
            "revenue moved onto a month that has some",
            form(
                "correct_revenue",
                &[
                    ("id", january.as_str()),
                    ("period_start", "2026-02-01"),
                    ("amount", "1.00"),
                    ("currency", "USD"),
                ],
            ),
            "period_start",
        ),
        Case::new(
            "revenue moved onto a month that has some",
            api(
                Method::PUT,
                &format!("/api/v1/revenue/{january}"),
                serde_json::json!({"period_start": "2026-02-01", "amount": "1.00", "currency": "USD"}),
            ),
            "period_start",
        ),
        Case::new(
            "revenue corrected to a negative amount",
            form(
                "correct_revenue",
                &[
                    ("id", january.as_str()),
                    ("period_start", "2026-01-01"),
                    ("amount", "-1.00"),
                    ("currency", "USD"),
                ],
            ),
            "amount",
        ),
        Case::new(
            "revenue corrected to a negative amount",
            api(
                Method::PUT,
                &format!("/api/v1/revenue/{january}"),
                serde_json::json!({"period_start": "2026-01-01", "amount": "-1.00", "currency": "USD"}),
            ),
            "amount",
        ),
        Case::new(
            "a vendor statement of a contract the ledger does not hold",
            form(
                "record_statement",
                &[
                    ("contract", "NOPE-1"),
                    ("as_of", "2026-10-31"),
                    ("consumed", "1.00"),
                    ("tolerance", ""),
                    ("note", ""),
                ],
            ),
            "contract",
        ),
        Case::new(
            "a NUL in a vendor statement's note",
            form(
                "record_statement",
                &[
                    ("contract", "LAMBDA-2026-1B"),
                    ("as_of", "2026-10-31"),
                    ("consumed", "1.00"),
                    ("tolerance", ""),
                    ("note", "a\u{0}b"),
                ],
            ),
            "note",
        ),
        Case::new(
            "a vendor statement without a date",
            form(
                "record_statement",
                &[
                    ("contract", "LAMBDA-2026-1B"),
                    ("as_of", ""),
                    ("consumed", "1.00"),
                    ("tolerance", ""),
                    ("note", ""),
                ],
            ),
            "as_of",
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_constraint_broken_through_every_path_is_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    let mut cases = violation_cases();
    cases.extend(upload_cases());
    cases.extend(update_cases(&ctx).await);
    all_refused(&ctx, &cases).await;
}

/// The valid variants go through on each path (so the refusals above are the ledger's), and
/// a second copy of what they wrote is refused like any other taken key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn valid_entries_go_through_and_their_second_copies_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    for table in [
        Table::Vendors,
        Table::Contracts,
        Table::Commitments,
        Table::Phases,
        Table::Receipts,
        Table::Usage,
        Table::Revenue,
    ] {
        accepted(&ctx, table.file(), &table.upload(&table.valid())).await;
    }
    // The file name is attribution only: a NUL in it is dropped, not sent to the database.
    let nul_named = import_as(
        "?kind=vendors&name=v%00.csv",
        "name,kind",
        &["Nul Co,other"],
    );
    let outcome = accepted(&ctx, "a NUL in the upload's name", &nul_named).await;
    assert!(outcome.contains("from v.csv."), "{outcome}");
    // The second copy of a file: the imports table keeps one per content.
    let again = Table::Receipts.upload(&Table::Receipts.valid());
    let mut cases = vec![Case::new(
        "the same receipts file twice",
        again,
        "receipts.csv: ",
    )];
    // A refund: usage quantities are signed since migration 8 (its CHECK is gone).
    let refund = Table::Usage.with(&[("amount", "-1.00"), ("quantity", "-1")]);
    accepted(&ctx, "a refund", &Table::Usage.add_form(&refund)).await;
    accepted(&ctx, "a refund", &Table::Usage.api_create(&refund)).await;
    // Quarterly: allowed for commitments, not by the retired contract column's CHECK.
    let quarterly = |reference: &str| {
        Table::Contracts.with(&[
            ("reference", reference),
            ("fulfillment_interval", "quarterly"),
        ])
    };
    accepted(
        &ctx,
        "a quarterly contract",
        &Table::Contracts.add_form(&quarterly("Q-FORM")),
    )
    .await;
    accepted(
        &ctx,
        "a quarterly contract",
        &Table::Contracts.api_create(&quarterly("Q-API")),
    )
    .await;
    cases.push(Case::new(
        "a contract reference just taken",
        Table::Contracts.add_form(&quarterly("Q-API")),
        "reference",
    ));
    cases.push(Case::new(
        "a contract reference just taken",
        Table::Contracts.api_create(&quarterly("Q-FORM")),
        "reference",
    ));
    // What the first upload added, through the other paths.
    for table in [
        Table::Vendors,
        Table::Contracts,
        Table::Commitments,
        Table::Phases,
        Table::Revenue,
    ] {
        let field = match table {
            Table::Vendors => "name",
            Table::Contracts => "reference",
            Table::Commitments => "commitment",
            Table::Phases => "phase",
            _ => "period_start",
        };
        let what = format!("the {} row just imported, again", table.file());
        cases.push(Case::new(&what, table.add_form(&table.valid()), field));
        cases.push(Case::new(&what, table.api_create(&table.valid()), field));
    }

    // Scenarios: one name each.
    let scenario = [("name", "Slower ramp"), ("run_rate_change_percent", "-10")];
    accepted(&ctx, "a scenario", &form("create_scenario", &scenario)).await;
    cases.push(Case::new(
        "a scenario name taken",
        form("create_scenario", &scenario),
        "name",
    ));
    cases.push(Case::new(
        "a scenario name taken",
        api(
            Method::POST,
            "/api/v1/scenarios",
            serde_json::json!({"name": "Slower ramp", "run_rate_change_percent": "-5"}),
        ),
        "name",
    ));

    // Closed periods: one row per month.
    let close = Route::Form {
        role: Role::Admin,
        endpoint: "close_period",
        fields: vec![("month".into(), "2030-01".into())],
    };
    accepted(&ctx, "closing a month", &close).await;
    cases.push(Case::new("closing a month twice", close, "month"));

    // A FOCUS contract commitment file: the contract, its commitment; again, nothing new.
    let header = store::focus::commitments::COLUMNS.join(",");
    let row = "USD,Spend,5000.00,,FC-1,2028-01-01T00:00:00Z,2027-01-01T00:00:00Z,,,,FC-1,2028-01-01T00:00:00Z,2027-01-01T00:00:00Z,CoreWeave,,";
    let focus = import_as("?name=fc.csv&kind=focus-contracts", &header, &[row]);
    accepted(&ctx, "a FOCUS contract commitment file", &focus).await;
    cases.push(Case::new(
        "the FOCUS contract's reference, taken",
        Table::Contracts.api_create(&Table::Contracts.with(&[("reference", "FC-1")])),
        "reference",
    ));

    all_refused(&ctx, &cases).await;
}

/// The check above can fail: the databases' own messages are caught.
#[test]
fn the_databases_own_words_are_recognised() {
    for raw in [
        "CHECK constraint failed: end_date >= start_date",
        "UNIQUE constraint failed: vendors.name",
        "error returned from database: duplicate key value violates unique constraint \"vendors_name_key\"",
        "new row for relation \"commitments\" violates check constraint",
        "NOT NULL constraint failed: vendors.kind",
    ] {
        assert!(!database_words(raw).is_empty(), "{raw}");
    }
    assert!(database_words("a vendor named \"Lambda\" already exists").is_empty());
}
