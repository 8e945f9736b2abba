//! `/api/v1` end to end through the real router: every resource's life with an API token,
//! each class of error as problem details, idempotent retries, and the OpenAPI document
//! (validated by an OpenAPI 3.1 schema validator, and checked against what the router serves).

mod common;

use app::state::AppState;
use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use common::{options, send_full, Ctx};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use store::testing::{fresh_database, TestDatabase};

/// A script's view of the API: a token and the answers it gets.
struct Script<'a> {
    ctx: &'a Ctx,
    token: String,
    /// Writes answered 2xx: each must have left one audit entry.
    writes: usize,
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

impl Answer {
    fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn location(&self) -> String {
        self.headers[header::LOCATION].to_str().unwrap().to_owned()
    }

    /// The field → message map of a problem.
    fn errors(&self) -> &serde_json::Map<String, Value> {
        self.body["errors"]
            .as_object()
            .unwrap_or_else(|| panic!("no errors in {}", self.body))
    }
}

async fn token_for(ctx: &Ctx, username: &str) -> String {
    let user = store::auth::find_user(&ctx.db, username)
        .await
        .unwrap()
        .unwrap();
    store::auth::create_token(&ctx.db, "admin", user.id, &format!("{username}'s script"))
        .await
        .unwrap()
        .1
}

impl<'a> Script<'a> {
    async fn as_user(ctx: &'a Ctx, username: &str) -> Self {
        Self {
            ctx,
            token: token_for(ctx, username).await,
            writes: 0,
        }
    }

    async fn send(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Value>,
        key: Option<&str>,
    ) -> Answer {
        let mut request = Request::builder()
            .method(method.clone())
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token));
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        let request = match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        }
        .unwrap();
        let (status, headers, text) = send_full(self.ctx, request).await;
        let replayed = headers.contains_key("idempotent-replayed");
        if method != Method::GET && status.is_success() && !replayed {
            self.writes += 1;
        }
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{method} {path}: {e}: {text}"))
        };
        Answer {
            status,
            headers,
            body,
        }
    }

    async fn get(&mut self, path: &str) -> Answer {
        self.send(Method::GET, path, None, None).await
    }

    async fn post(&mut self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(body), None).await
    }

    /// POST with an `Idempotency-Key`.
    async fn post_keyed(&mut self, path: &str, body: &Value, key: &str) -> Answer {
        self.send(Method::POST, path, Some(body.clone()), Some(key))
            .await
    }

    async fn put(&mut self, path: &str, body: Value) -> Answer {
        self.send(Method::PUT, path, Some(body), None).await
    }

    /// Created: 201, and the Location answers with the same entry.
    async fn create(&mut self, path: &str, body: Value) -> Value {
        let created = self.post(path, body).await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "POST {path}: {}",
            created.body
        );
        let fetched = self.get(&created.location()).await;
        assert_eq!(fetched.status, StatusCode::OK, "GET {}", created.location());
        assert_eq!(
            fetched.body, created.body,
            "the Location serves what was created"
        );
        created.body
    }

    /// The items of a list, which must hold one whose `key` is `value`.
    async fn listed(&mut self, path: &str, key: &str, value: &Value) -> Vec<Value> {
        let list = self.get(path).await;
        assert_eq!(list.status, StatusCode::OK, "GET {path}: {}", list.body);
        let items = list.body["items"].as_array().unwrap().clone();
        assert!(
            items.iter().any(|i| &i[key] == value),
            "{path} lists no {key} = {value}: {}",
            list.body
        );
        assert_eq!(
            list.body["total"].as_u64().unwrap() as usize >= items.len(),
            true
        );
        items
    }
}

/// An empty ledger with a session per role (users `viewer`, `editor`, …).
async fn empty_ledger(dir: &tempfile::TempDir) -> (Ctx, TestDatabase) {
    let database = fresh_database().await.unwrap();
    let db = store::connect(&database.url).await.unwrap();
    (Ctx::new(AppState::new(options(dir), db)).await, database)
}

async fn audit_entries_by(ctx: &Ctx, actor: &str) -> u64 {
    store::entities::audit_log::Entity::find()
        .filter(store::entities::audit_log::Column::Actor.eq(actor))
        .count(&ctx.db)
        .await
        .unwrap()
}

/// A vendor and a contract with a phase, for the tests that need something to write against.
async fn seeded(script: &mut Script<'_>) {
    script
        .create(
            "/api/v1/vendors",
            json!({"name": "CoreWeave", "kind": "neocloud"}),
        )
        .await;
    script
        .create(
            "/api/v1/contracts",
            json!({"reference": "CW-2025-1", "vendor": "CoreWeave", "start_date": "2026-01-01",
                   "end_date": "2027-12-31", "committed_amount": "1000000.00", "currency": "USD"}),
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_resource_lives_through_the_api_with_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = empty_ledger(&dir).await;
    let mut s = Script::as_user(&ctx, "editor").await;

    // Vendors: create, get, list, update, archive.
    let nebius = s
        .create(
            "/api/v1/vendors",
            json!({"name": "Nebius", "kind": "neocloud"}),
        )
        .await;
    let at = format!("/api/v1/vendors/{}", nebius["id"]);
    s.listed("/api/v1/vendors", "name", &json!("Nebius")).await;
    let renamed = s
        .put(&at, json!({"name": "Nebius Group", "kind": "neocloud"}))
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    assert_eq!(renamed.body["name"], "Nebius Group");
    let archived = s.post(&format!("{at}/archive"), json!({})).await;
    assert_eq!(archived.body["archived"], true, "{}", archived.body);
    let active = s.get("/api/v1/vendors").await;
    assert_eq!(
        active.body["total"], 0,
        "archived vendors leave the default list"
    );
    s.listed("/api/v1/vendors?status=all", "name", &json!("Nebius Group"))
        .await;
    let refused = s
        .post(
            "/api/v1/contracts",
            json!({"reference": "NB-1", "vendor": "Nebius Group", "start_date": "2026-01-01",
                   "end_date": "2026-12-31", "committed_amount": "1.00", "currency": "EUR"}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.errors()["vendor"]
        .as_str()
        .unwrap()
        .contains("archived"));

    // Contracts: create, get, list, update, (archive at the end).
    seeded(&mut s).await;
    let contract = s.get("/api/v1/contracts/CW-2025-1").await.body;
    assert_eq!(contract["committed"], "1000000.00");
    assert_eq!(contract["commitments"].as_array().unwrap().len(), 1);
    s.listed(
        "/api/v1/contracts?vendor=CoreWeave",
        "reference",
        &json!("CW-2025-1"),
    )
    .await;
    let updated = s
        .put(
            "/api/v1/contracts/CW-2025-1",
            json!({"vendor": "CoreWeave", "title": "GB200 cluster", "start_date": "2026-01-01",
                   "end_date": "2027-12-31", "committed_amount": "1200000.00", "currency": "USD"}),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    assert_eq!(updated.body["title"], "GB200 cluster");
    assert_eq!(updated.body["committed"], "1200000.00");

    // Commitments of the contract.
    let commitment = s
        .create(
            "/api/v1/contracts/CW-2025-1/commitments",
            json!({"commitment": "gpu-hours-2026", "category": "usage", "quantity": "100000",
                   "unit": "GPU-hours", "start_date": "2026-01-01", "end_date": "2026-12-31"}),
        )
        .await;
    assert_eq!(commitment["quantity"], "100000");
    let all = s
        .listed(
            "/api/v1/contracts/CW-2025-1/commitments",
            "reference",
            &json!("gpu-hours-2026"),
        )
        .await;
    assert_eq!(all.len(), 2, "its own commitment and the new one");
    let at = "/api/v1/contracts/CW-2025-1/commitments/gpu-hours-2026";
    let raised = s
        .put(
            at,
            json!({"category": "usage", "quantity": "120000", "unit": "GPU-hours",
                   "start_date": "2026-01-01", "end_date": "2026-12-31"}),
        )
        .await;
    assert_eq!(raised.status, StatusCode::OK, "{}", raised.body);
    assert_eq!(raised.body["quantity"], "120000");
    let own = s
        .put(
            "/api/v1/contracts/CW-2025-1/commitments/CW-2025-1",
            json!({"category": "spend"}),
        )
        .await;
    assert_eq!(
        own.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the own one changes with the contract"
    );
    s.create(
        "/api/v1/contracts/CW-2025-1/commitments",
        json!({"commitment": "typo", "category": "spend", "committed_amount": "5.00",
               "start_date": "2026-01-01", "end_date": "2026-06-30"}),
    )
    .await;
    let gone = s
        .send(
            Method::DELETE,
            "/api/v1/contracts/CW-2025-1/commitments/typo",
            None,
            None,
        )
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert_eq!(
        s.get("/api/v1/contracts/CW-2025-1/commitments/typo")
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Delivery phases and receipts.
    s.create(
        "/api/v1/contracts/CW-2025-1/phases",
        json!({"phase": "P1", "resource": "GB200", "region": "us-east", "planned_date": "2026-03-01",
               "planned_quantity": "512", "planned_power_mw": "0.7"}),
    )
    .await;
    s.listed("/api/v1/contracts/CW-2025-1/phases", "phase", &json!("P1"))
        .await;
    let receipt = s
        .create(
            "/api/v1/contracts/CW-2025-1/phases/P1/receipts",
            json!({"date": "2026-03-11", "quantity": "256", "note": "first racks"}),
        )
        .await;
    assert_eq!(receipt["days_late"], 10);
    s.listed(
        "/api/v1/contracts/CW-2025-1/phases/P1/receipts",
        "id",
        &receipt["id"],
    )
    .await;
    let phase = s.get("/api/v1/contracts/CW-2025-1/phases/P1").await.body;
    assert_eq!(phase["received_quantity"], "256");
    // Half the GPUs bring half the stated power when the receipt states none.
    assert_eq!(
        (&phase["planned_power_mw"], &phase["received_power_mw"]),
        (&json!("0.7"), &json!("0.35"))
    );
    assert_eq!(phase["receipts"][0]["power_mw"], Value::Null);
    let replanned = s
        .put(
            "/api/v1/contracts/CW-2025-1/phases/P1",
            json!({"resource": "GB200", "region": "us-east", "planned_date": "2026-03-08",
                   "planned_quantity": "600"}),
        )
        .await;
    assert_eq!(
        replanned.body["planned_quantity"], "600",
        "{}",
        replanned.body
    );
    let at = format!(
        "/api/v1/contracts/CW-2025-1/phases/P1/receipts/{}",
        receipt["id"]
    );
    let corrected = s
        .put(&at, json!({"date": "2026-03-10", "quantity": "300"}))
        .await;
    assert_eq!(corrected.status, StatusCode::OK, "{}", corrected.body);
    assert_eq!(
        (&corrected.body["quantity"], &corrected.body["days_late"]),
        (&json!("300"), &json!(2))
    );
    let held = s
        .send(
            Method::DELETE,
            "/api/v1/contracts/CW-2025-1/phases/P1",
            None,
            None,
        )
        .await;
    assert_eq!(
        held.status,
        StatusCode::CONFLICT,
        "a phase with receipts stays: {}",
        held.body
    );
    assert_eq!(
        s.send(Method::DELETE, &at, None, None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(s.get(&at).await.status, StatusCode::NOT_FOUND);
    let gone = s
        .send(
            Method::DELETE,
            "/api/v1/contracts/CW-2025-1/phases/P1",
            None,
            None,
        )
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.body);

    // Usage: sub-cent amounts are kept exactly; a correction replaces the values.
    let usage = s
        .create(
            "/api/v1/usage",
            json!({"contract": "CW-2025-1", "date": "2026-03-12", "amount": "0.015907",
                   "quantity": "1", "unit": "GPU-hours", "sku": "gb200",
                   "commitment": "gpu-hours-2026"}),
        )
        .await;
    assert_eq!(usage["amount"], "0.015907");
    assert_eq!(usage["currency"], "USD");
    assert_eq!(
        usage["commitment"], "gpu-hours-2026",
        "applied to the commitment it names"
    );
    s.listed(
        "/api/v1/usage?contract=CW-2025-1&from=2026-03-01",
        "id",
        &usage["id"],
    )
    .await;
    let at = format!("/api/v1/usage/{}", usage["id"]);
    let corrected = s
        .put(
            &at,
            json!({"contract": "CW-2025-1", "date": "2026-03-12", "amount": "-12.50",
                   "quantity": "-1", "unit": "GPU-hours", "sku": "gb200",
                   "commitment": "gpu-hours-2026"}),
        )
        .await;
    assert_eq!(corrected.status, StatusCode::OK, "{}", corrected.body);
    assert_eq!(corrected.body["amount"], "-12.50");
    let held = s
        .send(
            Method::DELETE,
            "/api/v1/contracts/CW-2025-1/commitments/gpu-hours-2026",
            None,
            None,
        )
        .await;
    assert_eq!(
        held.status,
        StatusCode::CONFLICT,
        "spend is applied to it: {}",
        held.body
    );
    let mistake = s
        .create(
            "/api/v1/usage",
            json!({"contract": "CW-2025-1", "date": "2026-03-13", "amount": "99.00",
                   "quantity": "1", "unit": "GPU-hours"}),
        )
        .await;
    let at = format!("/api/v1/usage/{}", mistake["id"]);
    assert_eq!(
        s.send(Method::DELETE, &at, None, None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(s.get(&at).await.status, StatusCode::NOT_FOUND);
    let burned = s.get("/api/v1/contracts/CW-2025-1").await.body["burned"].clone();
    assert_eq!(burned, "-12.50", "the deleted entry left the rollup too");

    // Revenue.
    let revenue = s
        .create(
            "/api/v1/revenue",
            json!({"period_start": "2026-03-01", "amount": "250000.00", "currency": "USD"}),
        )
        .await;
    assert_eq!(revenue["period_start"], "2026-03-01");
    s.listed("/api/v1/revenue", "id", &revenue["id"]).await;
    let at = format!("/api/v1/revenue/{}", revenue["id"]);
    let corrected = s
        .put(
            &at,
            json!({"period_start": "2026-03-01", "amount": "260000.00", "currency": "USD"}),
        )
        .await;
    assert_eq!(corrected.body["amount"], "260000.00", "{}", corrected.body);
    assert_eq!(
        s.send(Method::DELETE, &at, None, None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(s.get("/api/v1/revenue").await.body["total"], 0);

    // Scenarios: create, get, list, update, delete.
    let scenario = s
        .create(
            "/api/v1/scenarios",
            json!({"name": "slower ramp", "run_rate_change_percent": "-25"}),
        )
        .await;
    assert_eq!(scenario["run_rate_change_percent"], "-25");
    s.listed("/api/v1/scenarios", "name", &json!("slower ramp"))
        .await;
    let changed = s
        .put(
            "/api/v1/scenarios/slower%20ramp",
            json!({"run_rate_change_percent": "-10"}),
        )
        .await;
    assert_eq!(
        changed.body["run_rate_change_percent"], "-10",
        "{}",
        changed.body
    );
    let deleted = s
        .send(
            Method::DELETE,
            "/api/v1/scenarios/slower%20ramp",
            None,
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        s.get("/api/v1/scenarios/slower%20ramp").await.status,
        StatusCode::NOT_FOUND
    );

    // Archive the contract: it leaves the default list, nothing is deleted.
    let archived = s
        .post("/api/v1/contracts/CW-2025-1/archive", json!({}))
        .await;
    assert_eq!(archived.body["archived"], true, "{}", archived.body);
    assert_eq!(s.get("/api/v1/contracts").await.body["total"], 0);
    s.listed(
        "/api/v1/contracts?status=archived",
        "reference",
        &json!("CW-2025-1"),
    )
    .await;
    assert_eq!(
        s.get("/api/v1/usage?contract=CW-2025-1").await.body["total"],
        1
    );

    // The same audit trail as the forms: one entry per write, attributed to the token's user.
    assert_eq!(audit_entries_by(&ctx, "editor").await, s.writes as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_problem_details_that_name_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = empty_ledger(&dir).await;
    let mut s = Script::as_user(&ctx, "editor").await;
    seeded(&mut s).await;
    let problem = |a: &Answer, status: StatusCode| {
        assert_eq!(a.status, status, "{}", a.body);
        assert_eq!(a.content_type(), "application/problem+json");
        assert_eq!(a.body["status"], status.as_u16());
        assert!(
            a.body["title"].is_string() && a.body["detail"].is_string(),
            "{}",
            a.body
        );
    };

    // 422: every broken rule of the entry, by field.
    let bad = s
        .post(
            "/api/v1/usage",
            json!({"contract": "CW-2025-1", "date": "2026-13-01", "amount": "twelve", "unit": ""}),
        )
        .await;
    problem(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["date", "amount", "quantity", "unit"] {
        assert!(bad.errors().contains_key(field), "{field}: {}", bad.body);
    }
    // 422: a rule that needs the ledger (a date outside the contract's term).
    let outside = s
        .post(
            "/api/v1/usage",
            json!({"contract": "CW-2025-1", "date": "2030-01-01", "amount": "1", "quantity": "1",
                   "unit": "GPU-hours"}),
        )
        .await;
    problem(&outside, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(outside.errors().contains_key("date"), "{}", outside.body);
    // 422: a number where exact text belongs, and an unknown property.
    let float = s
        .post(
            "/api/v1/revenue",
            json!({"period_start": "2026-01-01", "amount": 12.5, "currency": "USD"}),
        )
        .await;
    problem(&float, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(float.errors().contains_key("amount"), "{}", float.body);
    let typo = s
        .post("/api/v1/vendors", json!({"name": "X", "knd": "neocloud"}))
        .await;
    problem(&typo, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        typo.body["errors"].to_string().contains("knd"),
        "{}",
        typo.body
    );

    // 400 and 415: not JSON at all.
    let request = |content_type: &str, body: &str| {
        Request::post("/api/v1/vendors")
            .header(header::AUTHORIZATION, format!("Bearer {}", s.token))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body.to_owned()))
            .unwrap()
    };
    let (status, headers, _) = send_full(&ctx, request("application/json", "{\"name\": ")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
    let (status, _, _) = send_full(&ctx, request("text/csv", "name,kind\n")).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // 404 for an entry that does not exist, read or written.
    for path in [
        "/api/v1/contracts/NOPE",
        "/api/v1/vendors/999999",
        "/api/v1/usage/999999",
        "/api/v1/revenue/999999",
        "/api/v1/contracts/CW-2025-1/phases/none",
        "/api/v1/contracts/CW-2025-1/commitments/none",
        "/api/v1/scenarios/none",
    ] {
        problem(&s.get(path).await, StatusCode::NOT_FOUND);
    }
    let missing = s
        .put(
            "/api/v1/usage/999999",
            json!({"contract": "CW-2025-1", "date": "2026-03-12", "amount": "1", "quantity": "1",
                   "unit": "GPU-hours"}),
        )
        .await;
    problem(&missing, StatusCode::NOT_FOUND);
    problem(
        &s.post("/api/v1/contracts/NOPE/phases", json!({"phase": "P"}))
            .await,
        StatusCode::NOT_FOUND,
    );

    // 409 when a natural key is taken.
    let again = s
        .post(
            "/api/v1/vendors",
            json!({"name": "CoreWeave", "kind": "neocloud"}),
        )
        .await;
    problem(&again, StatusCode::CONFLICT);
    assert!(again.errors().contains_key("name"));
    let again = s
        .post(
            "/api/v1/contracts",
            json!({"reference": "CW-2025-1", "vendor": "CoreWeave", "start_date": "2026-01-01",
                   "end_date": "2026-12-31", "committed_amount": "1.00", "currency": "USD"}),
        )
        .await;
    problem(&again, StatusCode::CONFLICT);
    assert!(again.errors().contains_key("reference"));
    let month = json!({"period_start": "2026-01-01", "amount": "1.00", "currency": "USD"});
    let first = s.post("/api/v1/revenue", month.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    problem(
        &s.post("/api/v1/revenue", month).await,
        StatusCode::CONFLICT,
    );

    // A page number past any list is an empty page, not an overflow.
    let far = s
        .get("/api/v1/usage?page=18446744073709551615&page_size=500")
        .await;
    assert_eq!(far.status, StatusCode::OK, "{}", far.body);
    assert_eq!(far.body["items"], json!([]));

    // A contract stays editable after its vendor is archived (no new contracts for it).
    let vendors = s.get("/api/v1/vendors").await.body;
    let id = vendors["items"][0]["id"].clone();
    assert_eq!(
        s.post(&format!("/api/v1/vendors/{id}/archive"), json!({}))
            .await
            .status,
        StatusCode::OK
    );
    let edited = s
        .put(
            "/api/v1/contracts/CW-2025-1",
            json!({"vendor": "CoreWeave", "title": "renamed", "start_date": "2026-01-01",
                   "end_date": "2027-12-31", "committed_amount": "1000000.00", "currency": "USD"}),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);

    // 401 without credentials, 403 for a role that may not write.
    let (status, headers, body) = send_full(
        &ctx,
        Request::get("/api/v1/contracts")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
    let mut viewer = Script::as_user(&ctx, "viewer").await;
    assert_eq!(viewer.get("/api/v1/contracts").await.status, StatusCode::OK);
    problem(
        &viewer
            .post(
                "/api/v1/vendors",
                json!({"name": "Lambda", "kind": "neocloud"}),
            )
            .await,
        StatusCode::FORBIDDEN,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_post_with_the_same_idempotency_key_is_recorded_once() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = empty_ledger(&dir).await;
    let mut s = Script::as_user(&ctx, "editor").await;
    seeded(&mut s).await;
    let entry = json!({"contract": "CW-2025-1", "date": "2026-02-01", "amount": "1234.56",
                       "quantity": "10", "unit": "GPU-hours"});
    let first = s.post_keyed("/api/v1/usage", &entry, "k-1").await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert!(!first.headers.contains_key("idempotent-replayed"));
    let retry = s.post_keyed("/api/v1/usage", &entry, "k-1").await;
    assert_eq!(retry.status, StatusCode::CREATED);
    assert_eq!(retry.headers["idempotent-replayed"], "true");
    assert_eq!(retry.body, first.body, "the first answer, again");
    assert_eq!(retry.location(), first.location());
    assert_eq!(
        s.get("/api/v1/usage").await.body["total"],
        1,
        "recorded once"
    );

    // The same key for another request is refused; a new key records a second entry.
    let other = json!({"contract": "CW-2025-1", "date": "2026-02-02", "amount": "1.00",
                       "quantity": "1", "unit": "GPU-hours"});
    let reused = s.post_keyed("/api/v1/usage", &other, "k-1").await;
    assert_eq!(
        reused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reused.body
    );
    let fresh = s.post_keyed("/api/v1/usage", &other, "k-2").await;
    assert_eq!(fresh.status, StatusCode::CREATED);
    assert_eq!(s.get("/api/v1/usage").await.body["total"], 2);

    // A refusal is an answer too: the retry gets it again.
    let bad = json!({"contract": "CW-2025-1", "date": "nope", "amount": "1", "quantity": "1", "unit": "h"});
    let refused = s.post_keyed("/api/v1/usage", &bad, "k-3").await;
    let again = s.post_keyed("/api/v1/usage", &bad, "k-3").await;
    assert_eq!(
        (refused.status, again.status),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            StatusCode::UNPROCESSABLE_ENTITY
        )
    );
    assert_eq!(again.body, refused.body);
    assert_eq!(again.content_type(), "application/problem+json");

    // Keys belong to their token: another token's "k-1" is its own request.
    let mut other_script = Script::as_user(&ctx, "admin").await;
    let theirs = other_script
        .post_keyed("/api/v1/usage", &entry, "k-1")
        .await;
    assert_eq!(theirs.status, StatusCode::CREATED);
    assert!(!theirs.headers.contains_key("idempotent-replayed"));
    assert_eq!(s.get("/api/v1/usage").await.body["total"], 3);

    // A day later the key is forgotten: the same request records a new entry.
    ctx.db
        .execute_raw(sea_orm::Statement::from_string(
            ctx.db.get_database_backend(),
            "UPDATE api_idempotency SET created_at = '2000-01-01 00:00:00+00:00'",
        ))
        .await
        .unwrap();
    let later = s.post_keyed("/api/v1/usage", &entry, "k-1").await;
    assert_eq!(later.status, StatusCode::CREATED);
    assert!(!later.headers.contains_key("idempotent-replayed"));
    assert_eq!(s.get("/api/v1/usage").await.body["total"], 4);
}

/// Each path template with values that exist after [`seeded`] plus a phase.
fn concrete(path: &str) -> String {
    path.replace("{reference}", "CW-2025-1")
        .replace("{commitment}", "CW-2025-1")
        .replace("{phase}", "P1")
        .replace("{name}", "none")
        .replace("{id}", "1")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_is_valid_and_describes_every_route() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = empty_ledger(&dir).await;
    let mut s = Script::as_user(&ctx, "admin").await;
    seeded(&mut s).await;
    let served = s.get("/api/v1/openapi.json").await;
    assert_eq!(served.status, StatusCode::OK);
    let doc = served.body;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );

    // A schema validator for OpenAPI 3.1 from the npm registry (installed with the tools).
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    let validator = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tools/node_modules/.bin/validate-api");
    let out = std::process::Command::new(&validator)
        .arg(&file)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (scripts/install-tools.sh installs it)",
                validator.display()
            )
        });
    assert!(
        out.status.success(),
        "the OpenAPI document is invalid:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Every documented operation is served (a router 404/405 has no problem body), and no
    // other method is served on a documented path.
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 15, "{}", paths.len());
    for (template, operations) in paths {
        assert!(template.starts_with("/api/v1/"), "{template}");
        let path = concrete(template);
        for method in ["get", "post", "put", "delete"] {
            let documented = operations.get(method).is_some();
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let body = (m == Method::POST || m == Method::PUT).then(|| json!({}));
            let answer = s.send(m, &path, body, None).await;
            if documented {
                assert_ne!(
                    answer.status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {template}"
                );
                if answer.status == StatusCode::NOT_FOUND {
                    assert_eq!(
                        answer.content_type(),
                        "application/problem+json",
                        "{method} {template} is not routed"
                    );
                }
                for response in operations[method]["responses"].as_object().unwrap().keys() {
                    assert!(
                        response.parse::<u16>().is_ok(),
                        "{method} {template}: {response}"
                    );
                }
            } else {
                assert_eq!(
                    answer.status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {template} is served but not documented"
                );
            }
        }
    }
}

/// Shell words of one command line: quotes group and are removed (enough for the README).
fn shell_words(line: &str) -> Vec<String> {
    let (mut words, mut word, mut quote) = (Vec::new(), String::new(), None);
    let mut in_word = false;
    for ch in line.chars() {
        match (quote, ch) {
            (None, '\'' | '"') => {
                quote = Some(ch);
                in_word = true;
            }
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (_, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_curl_examples_work_on_the_demo_ledger() {
    let readme = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"),
    )
    .unwrap();
    let block = readme
        .split("Logging a receipt and a day's usage from a script:")
        .nth(1)
        .and_then(|rest| rest.split("```sh").nth(1))
        .and_then(|rest| rest.split("```").next())
        .expect("the README's API example");
    // A command runs on over continued lines and over a line break inside its quoted body.
    let mut commands: Vec<String> = Vec::new();
    for line in block.replace("\\\n", " ").lines().map(str::trim) {
        if line.starts_with("curl ") {
            commands.push(line.to_owned());
        } else if !line.starts_with('#') && !line.is_empty() {
            if let Some(last) = commands.last_mut() {
                last.push(' ');
                last.push_str(line);
            }
        }
    }
    let commands: Vec<Vec<String>> = commands.iter().map(|c| shell_words(c)).collect();
    assert!(commands.len() >= 3, "{block}");
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = common::demo_state(&dir).await;
    let mut s = Script::as_user(&ctx, "editor").await;
    for words in commands {
        let (mut method, mut url, mut body, mut key) = (Method::GET, String::new(), None, None);
        let mut args = words.iter().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "-X" => method = Method::from_bytes(args.next().unwrap().as_bytes()).unwrap(),
                "-d" => body = Some(serde_json::from_str::<Value>(args.next().unwrap()).unwrap()),
                "-H" => {
                    let header = args.next().unwrap();
                    if let Some(k) = header.strip_prefix("Idempotency-Key: ") {
                        key = Some(k.to_owned());
                    }
                }
                a if a.starts_with("http") => url = a.to_owned(),
                _ => {}
            }
        }
        let path = url.trim_start_matches("http://127.0.0.1:3000").to_owned();
        let answer = s.send(method.clone(), &path, body, key.as_deref()).await;
        assert!(
            answer.status.is_success(),
            "{method} {path}: {}",
            answer.body
        );
    }
    let recent = s
        .get("/api/v1/usage?contract=AWS-2025-38B&from=2026-12-02&to=2026-12-02")
        .await;
    assert!(
        recent.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["amount"] == "4178903.515907"),
        "{}",
        recent.body
    );
}
