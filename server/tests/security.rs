//! Nobody gets in where they don't belong: every route and server function as anonymous and as
//! each role, sign-in (wrong password, rate limit, expiry), CSRF, API tokens, formula
//! injection in exports, security headers.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{call_as, demo_state, get_as, send_full, server_fn_method, ROLES};
use domain::{Permission, Role};
use store::ledger::table_counts;
use tower::ServiceExt;

/// What a route needs. Pages are readable by every role; writes need their permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Needs {
    Nothing,
    Permission(Permission),
}

use Needs::*;
use Permission::*;

/// Every page and server function. A route that is added to the app but not here fails
/// `the_access_table_names_every_route`.
const PAGES: &[(&str, Needs)] = &[
    ("/", Permission(Read)),
    ("/login", Nothing),
    ("/account", Permission(Read)),
    ("/contracts", Permission(Read)),
    ("/contracts/new", Permission(Read)),
    ("/contracts/{reference}", Permission(Read)),
    ("/contracts/{reference}/edit", Permission(Read)),
    ("/vendors", Permission(Read)),
    ("/deliveries", Permission(Read)),
    ("/usage", Permission(Read)),
    ("/revenue", Permission(Read)),
    ("/import", Permission(Read)),
    ("/reports", Permission(Read)),
    ("/formats", Permission(Read)),
    ("/audit", Permission(Read)),
    ("/dashboards/burndown", Permission(Read)),
    ("/dashboards/ratio", Permission(Read)),
    ("/dashboards/concentration", Permission(Read)),
    ("/dashboards/deliveries", Permission(Read)),
    ("/dashboards/capacity", Permission(Read)),
    ("/periods", Permission(Read)),
    ("/scenarios", Permission(Read)),
    ("/alerts", Permission(Read)),
    ("/board-pack", Permission(Read)),
    ("/rates", Permission(Read)),
    ("/rate-cards", Permission(Read)),
];

const SERVER_FNS: &[(&str, Needs)] = &[
    ("current_user", Permission(Read)),
    ("list_contracts", Permission(Read)),
    ("get_contract", Permission(Read)),
    ("create_contract", Permission(WriteEntries)),
    ("update_contract", Permission(WriteEntries)),
    ("archive_contract", Permission(WriteEntries)),
    ("list_vendors", Permission(Read)),
    ("create_vendor", Permission(WriteEntries)),
    ("update_vendor", Permission(WriteEntries)),
    ("list_deliveries", Permission(Read)),
    ("add_phase", Permission(WriteEntries)),
    ("log_receipt", Permission(WriteEntries)),
    ("list_usage", Permission(Read)),
    ("contract_references", Permission(Read)),
    ("add_usage", Permission(WriteEntries)),
    ("correct_usage", Permission(WriteEntries)),
    ("list_revenue", Permission(Read)),
    ("add_revenue", Permission(WriteEntries)),
    ("correct_revenue", Permission(WriteEntries)),
    ("list_audit", Permission(Read)),
    ("upload_limit", Permission(Read)),
    ("list_tokens", Permission(Read)),
    ("create_token", Permission(Read)),
    ("revoke_token", Permission(Read)),
    ("dashboard", Permission(Read)),
    ("list_periods", Permission(Read)),
    ("close_period", Permission(ClosePeriods)),
    ("reopen_period", Permission(ClosePeriods)),
    ("list_statements", Permission(Read)),
    ("list_scenarios", Permission(Read)),
    ("create_scenario", Permission(WriteEntries)),
    ("get_trueup", Permission(Read)),
    ("get_commitment_burndown", Permission(Read)),
    ("get_formats", Permission(Read)),
    ("add_commitment", Permission(WriteEntries)),
    ("record_statement", Permission(WriteEntries)),
    ("list_alert_rules", Permission(Read)),
    ("create_alert_rule", Permission(WriteEntries)),
    ("remove_alert_rule", Permission(WriteEntries)),
    ("list_alert_events", Permission(Read)),
    ("unacknowledged_alerts", Permission(Read)),
    ("acknowledge_alert", Permission(Read)),
    ("board_pack", Permission(Read)),
    ("save_pack_commentary", Permission(WriteEntries)),
    ("publish_board_pack", Permission(WriteEntries)),
    ("list_rates", Permission(Read)),
    ("add_rate", Permission(WriteEntries)),
    ("list_rate_cards", Permission(Read)),
    ("add_rate_card", Permission(WriteEntries)),
];

/// API routes outside the server functions (method, path, needs).
const API: &[(&str, &str, Needs)] = &[
    ("GET", "/healthz", Nothing),
    ("GET", "/api/reports/burndown.csv", Permission(Read)),
    ("GET", "/api/formats/usage.csv", Permission(Read)),
    (
        "GET",
        "/api/focus/contract-commitments.csv",
        Permission(Read),
    ),
    (
        "GET",
        "/api/dashboards/overview/ratio.csv",
        Permission(Read),
    ),
    (
        "POST",
        "/api/imports?name=vendors.csv&check=1",
        Permission(Import),
    ),
];

/// Downloads a browser opens like a page (signed out, they lead to the sign-in page).
const DOWNLOADS: &[(&str, Needs)] = &[("/board-pack/2026-10.pdf?draft", Permission(Read))];

/// The JSON API (method, path template, needs). The OpenAPI document lists exactly what the
/// router serves under `/api/v1`; `the_access_table_names_every_api_route` fails on one missing
/// here.
const API_V1: &[(&str, &str, Needs)] = &[
    ("GET", "/api/v1/openapi.json", Permission(Read)),
    ("GET", "/api/v1/vendors", Permission(Read)),
    ("POST", "/api/v1/vendors", Permission(WriteEntries)),
    ("GET", "/api/v1/vendors/{id}", Permission(Read)),
    ("PUT", "/api/v1/vendors/{id}", Permission(WriteEntries)),
    (
        "POST",
        "/api/v1/vendors/{id}/archive",
        Permission(WriteEntries),
    ),
    ("GET", "/api/v1/contracts", Permission(Read)),
    ("POST", "/api/v1/contracts", Permission(WriteEntries)),
    ("GET", "/api/v1/contracts/{reference}", Permission(Read)),
    (
        "PUT",
        "/api/v1/contracts/{reference}",
        Permission(WriteEntries),
    ),
    (
        "POST",
        "/api/v1/contracts/{reference}/archive",
        Permission(WriteEntries),
    ),
    (
        "GET",
        "/api/v1/contracts/{reference}/commitments",
        Permission(Read),
    ),
    (
        "POST",
        "/api/v1/contracts/{reference}/commitments",
        Permission(WriteEntries),
    ),
    (
        "GET",
        "/api/v1/contracts/{reference}/commitments/{commitment}",
        Permission(Read),
    ),
    (
        "PUT",
        "/api/v1/contracts/{reference}/commitments/{commitment}",
        Permission(WriteEntries),
    ),
    (
        "DELETE",
        "/api/v1/contracts/{reference}/commitments/{commitment}",
        Permission(WriteEntries),
    ),
    (
        "GET",
        "/api/v1/contracts/{reference}/phases",
        Permission(Read),
    ),
    (
        "POST",
        "/api/v1/contracts/{reference}/phases",
        Permission(WriteEntries),
    ),
    (
        "GET",
        "/api/v1/contracts/{reference}/phases/{phase}",
        Permission(Read),
    ),
    (
        "PUT",
        "/api/v1/contracts/{reference}/phases/{phase}",
        Permission(WriteEntries),
    ),
    (
        "DELETE",
        "/api/v1/contracts/{reference}/phases/{phase}",
        Permission(WriteEntries),
    ),
    (
        "GET",
        "/api/v1/contracts/{reference}/phases/{phase}/receipts",
        Permission(Read),
    ),
    (
        "POST",
        "/api/v1/contracts/{reference}/phases/{phase}/receipts",
        Permission(WriteEntries),
    ),
    (
        "GET",
        "/api/v1/contracts/{reference}/phases/{phase}/receipts/{id}",
        Permission(Read),
    ),
    (
        "PUT",
        "/api/v1/contracts/{reference}/phases/{phase}/receipts/{id}",
        Permission(WriteEntries),
    ),
    (
        "DELETE",
        "/api/v1/contracts/{reference}/phases/{phase}/receipts/{id}",
        Permission(WriteEntries),
    ),
    ("GET", "/api/v1/usage", Permission(Read)),
    ("POST", "/api/v1/usage", Permission(WriteEntries)),
    ("GET", "/api/v1/usage/{id}", Permission(Read)),
    ("PUT", "/api/v1/usage/{id}", Permission(WriteEntries)),
    ("DELETE", "/api/v1/usage/{id}", Permission(WriteEntries)),
    ("GET", "/api/v1/revenue", Permission(Read)),
    ("POST", "/api/v1/revenue", Permission(WriteEntries)),
    ("GET", "/api/v1/revenue/{id}", Permission(Read)),
    ("PUT", "/api/v1/revenue/{id}", Permission(WriteEntries)),
    ("DELETE", "/api/v1/revenue/{id}", Permission(WriteEntries)),
    ("GET", "/api/v1/scenarios", Permission(Read)),
    ("POST", "/api/v1/scenarios", Permission(WriteEntries)),
    ("GET", "/api/v1/scenarios/{name}", Permission(Read)),
    ("PUT", "/api/v1/scenarios/{name}", Permission(WriteEntries)),
    (
        "DELETE",
        "/api/v1/scenarios/{name}",
        Permission(WriteEntries),
    ),
];

/// An API path with names that exist nowhere: allowed callers get 404 or 422, and nothing is
/// written.
fn nowhere(template: &str) -> String {
    template
        .replace("{reference}", "NONE")
        .replace("{commitment}", "none")
        .replace("{phase}", "none")
        .replace("{name}", "none")
        .replace("{id}", "999999999")
}

/// Server functions that only read: GET, no CSRF token.
fn is_read(endpoint: &str) -> bool {
    endpoint.starts_with("list_")
        || endpoint.starts_with("get_")
        || [
            "current_user",
            "unacknowledged_alerts",
            "contract_references",
            "upload_limit",
            "dashboard",
            "board_pack",
        ]
        .contains(&endpoint)
}

/// The argument names of each server function (a call missing one is refused before any
/// check runs, so the access test sends them all, empty).
fn fields(endpoint: &str) -> Vec<&'static str> {
    const CONTRACT: &[&str] = &[
        "contract[reference]",
        "contract[vendor]",
        "contract[title]",
        "contract[start_date]",
        "contract[end_date]",
        "contract[committed_amount]",
        "contract[currency]",
        "contract[commitment_model]",
        "contract[fulfillment_interval]",
        "contract[notes]",
    ];
    const USAGE: &[&str] = &[
        "usage[contract]",
        "usage[date]",
        "usage[amount]",
        "usage[quantity]",
        "usage[unit]",
        "usage[sku]",
        "usage[commitment]",
    ];
    let mut f: Vec<&'static str> = match endpoint {
        "list_contracts" => vec!["vendor", "status", "page"],
        "get_contract" | "archive_contract" => vec!["reference"],
        "create_contract" => CONTRACT.to_vec(),
        "update_contract" => [&["original_reference"][..], CONTRACT].concat(),
        "create_vendor" => vec!["name", "kind"],
        "update_vendor" => vec!["id", "name", "kind"],
        "add_phase" => vec![
            "contract",
            "phase",
            "resource",
            "region",
            "planned_date",
            "planned_quantity",
            "planned_power_mw",
        ],
        "log_receipt" => vec!["contract", "phase", "date", "quantity", "note", "power_mw"],
        "list_usage" => vec!["contract", "vendor", "from", "to", "page"],
        "dashboard" => vec![
            "view",
            "as_of",
            "from",
            "to",
            "vendor",
            "contract",
            "scenario",
            "currency",
            "commitments_at",
        ],
        "create_scenario" => vec![
            "name",
            "run_rate_change_percent",
            "revenue_growth_percent",
            "utilisation_percent",
            "delay_contract",
            "delay_phase",
            "delay_months",
            "new_reference",
            "new_vendor",
            "new_start_date",
            "new_end_date",
            "new_committed_amount",
            "new_currency",
            "new_daily_spend",
        ],
        "add_usage" => USAGE.to_vec(),
        "correct_usage" => [&["id"][..], USAGE].concat(),
        "list_revenue" => vec!["from", "to"],
        "add_revenue" => vec!["period_start", "amount", "currency"],
        "correct_revenue" => vec!["id", "period_start", "amount", "currency"],
        "list_audit" => vec!["entity", "page"],
        "create_token" => vec!["name"],
        "revoke_token" => vec!["id"],
        "close_period" | "reopen_period" => vec!["month"],
        "list_statements" | "get_trueup" | "get_commitment_burndown" => vec!["contract"],
        "add_commitment" => vec![
            "contract",
            "commitment",
            "category",
            "committed_amount",
            "quantity",
            "unit",
            "commitment_model",
            "fulfillment_interval",
            "start_date",
            "end_date",
            "scope",
        ],
        "record_statement" => vec!["contract", "as_of", "consumed", "tolerance", "note"],
        "create_alert_rule" => vec!["name", "kind", "threshold", "scope", "webhook", "email"],
        "remove_alert_rule" => vec!["name"],
        "acknowledge_alert" => vec!["id"],
        "board_pack" | "publish_board_pack" => vec!["month"],
        "save_pack_commentary" => vec!["month", "section", "text"],
        "add_rate" => vec!["date", "base", "currency", "rate"],
        "add_rate_card" => vec!["contract", "resource", "from", "price", "utilisation"],
        _ => vec![],
    };
    if !is_read(endpoint) {
        f.push("csrf_token");
    }
    f.dedup();
    f
}

fn expected(needs: Needs, role: Option<Role>) -> &'static str {
    match (needs, role) {
        (Nothing, _) => "allow",
        (Permission(_), None) => "401",
        (Permission(p), Some(r)) if !r.allows(p) => "403",
        _ => "allow",
    }
}

fn outcome(status: StatusCode, page: bool) -> &'static str {
    match status {
        StatusCode::UNAUTHORIZED => "401",
        StatusCode::FORBIDDEN => "403",
        // An anonymous page request is sent to the sign-in page.
        StatusCode::SEE_OTHER | StatusCode::TEMPORARY_REDIRECT if page => "401",
        _ => "allow",
    }
}

fn concrete(page: &str) -> String {
    page.replace("{reference}", "AWS-2025-38B")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_allows_exactly_the_roles_it_should() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    let before = table_counts(&ctx.db).await.unwrap();
    let mut mismatches = Vec::new();
    let callers: Vec<Option<Role>> = std::iter::once(None).chain(ROLES.map(Some)).collect();
    for role in &callers {
        for (page, needs) in PAGES.iter().chain(DOWNLOADS) {
            let (status, _) = get_as(&ctx, *role, &concrete(page)).await;
            let (want, got) = (expected(*needs, *role), outcome(status, true));
            if want != got {
                mismatches.push(format!(
                    "{role:?} GET {page}: want {want}, got {got} ({status})"
                ));
            }
        }
        for (endpoint, needs) in SERVER_FNS {
            // Every field present but empty: allowed callers get field errors or "not found",
            // never 401/403.
            let form: Vec<(&str, &str)> = fields(endpoint)
                .iter()
                .map(|f| (*f, if *f == "page" { "1" } else { "" }))
                .collect();
            let (status, _) = call_as(&ctx, *role, endpoint, &form).await;
            let (want, got) = (expected(*needs, *role), outcome(status, false));
            if want != got {
                mismatches.push(format!(
                    "{role:?} {endpoint}: want {want}, got {got} ({status})"
                ));
            }
        }
        for (method, path, needs) in API {
            let mut request = Request::builder().method(*method).uri(*path);
            if let Some(r) = role {
                let caller = ctx.caller(*r);
                request = request
                    .header(header::COOKIE, &caller.cookie)
                    .header("x-csrf-token", &caller.csrf);
            }
            let request = request.body(Body::from("name,kind\n")).unwrap();
            let (status, _, _) = send_full(&ctx, request).await;
            let (want, got) = (expected(*needs, *role), outcome(status, false));
            if want != got {
                mismatches.push(format!(
                    "{role:?} {method} {path}: want {want}, got {got} ({status})"
                ));
            }
        }
    }
    for role in &callers {
        for (method, template, needs) in API_V1 {
            let mut request = Request::builder().method(*method).uri(nowhere(template));
            if let Some(r) = role {
                let caller = ctx.caller(*r);
                request = request
                    .header(header::COOKIE, &caller.cookie)
                    .header("x-csrf-token", &caller.csrf);
            }
            let request = request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap();
            let (status, _, _) = send_full(&ctx, request).await;
            let (want, got) = (expected(*needs, *role), outcome(status, false));
            if want != got {
                mismatches.push(format!(
                    "{role:?} {method} {template}: want {want}, got {got} ({status})"
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "access table violated:\n{}",
        mismatches.join("\n")
    );
    let after = table_counts(&ctx.db).await.unwrap();
    assert_eq!(
        after.vendors, before.vendors,
        "no empty-input call wrote anything"
    );
}

#[test]
fn the_access_table_names_every_api_route() {
    let doc = serde_json::to_value(server::api::document()).unwrap();
    let mut served: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .filter(|m| ["get", "post", "put", "delete", "patch"].contains(&m.as_str()))
                .map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect();
    served.sort();
    let mut listed: Vec<String> = API_V1.iter().map(|(m, p, _)| format!("{m} {p}")).collect();
    listed.sort();
    assert_eq!(served, listed, "routes under /api/v1 vs the access table");
}

// On a runtime: rendering the app to list its routes creates the top bar's resources.
#[tokio::test]
async fn the_access_table_names_every_route() {
    let mut pages: Vec<String> = leptos_axum::generate_route_list(app::App)
        .into_iter()
        .map(|r| r.path().to_owned())
        .collect();
    pages.sort();
    pages.dedup();
    let mut listed: Vec<String> = PAGES.iter().map(|(p, _)| p.to_string()).collect();
    listed.sort();
    assert_eq!(pages, listed, "pages in the app vs the access table");
    let mut fns: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p.trim_start_matches("/api/").to_owned())
        .collect();
    fns.sort();
    let mut listed: Vec<String> = SERVER_FNS.iter().map(|(f, _)| f.to_string()).collect();
    listed.sort();
    assert_eq!(fns, listed, "server functions vs the access table");
    // Reads are GET (no CSRF needed, nothing changes); writes are POST.
    for (endpoint, needs) in SERVER_FNS {
        let method = server_fn_method(&format!("/api/{endpoint}"));
        let is_read = is_read(endpoint);
        assert_eq!(
            method == Method::GET,
            is_read,
            "{endpoint} ({needs:?}) uses {method}"
        );
    }
}

const PASSWORD: &str = "correct horse battery staple";

async fn sign_in(
    router: &axum::Router,
    username: &str,
    password: &str,
) -> (StatusCode, String, Option<String>) {
    let body = serde_urlencoded::to_string([
        ("username", username),
        ("password", password),
        ("next", "/usage"),
    ])
    .unwrap();
    let request = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-proto", "https")
        .body(Body::from(body))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .map(|v| v.to_str().unwrap().to_owned());
    (response.status(), location, cookie)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_checks_the_password_sets_a_safe_cookie_and_rate_limits() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    store::auth::add_user(&ctx.db, "test", "cfo", Role::Viewer, PASSWORD)
        .await
        .unwrap();
    let short = store::auth::add_user(&ctx.db, "test", "x", Role::Viewer, "short").await;
    assert!(short
        .unwrap_err()
        .to_string()
        .contains("at least 12 characters"));
    let router = server::web::router(ctx.state.clone());

    let (status, location, cookie) = sign_in(&router, "cfo", "wrong password!").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/login?error=invalid"), "{location}");
    assert!(cookie.is_none(), "no session for a wrong password");
    let (_, location, _) = sign_in(&router, "nobody", PASSWORD).await;
    assert!(
        location.starts_with("/login?error=invalid"),
        "unknown users look the same"
    );
    // A NUL byte (which PostgreSQL refuses to store) is a wrong name, not a database error.
    let (status, location, _) = sign_in(&router, "cf\0o", "wrong password!").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/login?error=invalid"), "{location}");
    let nul_token = store::auth::create_token(&ctx.db, "test", 1, "script\0").await;
    assert!(nul_token
        .unwrap_err()
        .to_string()
        .contains("control characters"));

    let (status, location, cookie) = sign_in(&router, "cfo", PASSWORD).await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/usage")
    );
    let cookie = cookie.expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    let session = cookie.split(';').next().unwrap().to_owned();
    let request = Request::get("/api/current_user")
        .header(header::COOKIE, &session)
        .body(Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    // Sign-ins and failed ones are in the audit trail (who, when, from where), without
    // moving the ledger's version (they change no figure).
    let sessions = store::ledger::history::list(
        &ctx.db,
        Some(domain::AuditEntity::Session),
        store::ledger::PageRequest::new(1, 50),
    )
    .await
    .unwrap();
    let actions: Vec<(String, String)> = sessions
        .rows
        .iter()
        .map(|r| (r.actor.clone(), r.action.clone()))
        .collect();
    for expected in [
        ("cfo", "failed sign-in"),
        ("nobody", "failed sign-in"),
        ("cfo", "sign-in"),
    ] {
        assert!(
            actions.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} in {actions:?}"
        );
    }
    let version = store::reports::ledger_version(&ctx.db).await.unwrap();
    sign_in(&router, "cfo", PASSWORD).await;
    assert_eq!(
        store::reports::ledger_version(&ctx.db).await.unwrap(),
        version
    );

    // Five failures lock the account, even against the right password, with a clear message.
    for _ in 0..5 {
        sign_in(&router, "cfo", "wrong password!").await;
    }
    let (_, location, cookie) = sign_in(&router, "cfo", PASSWORD).await;
    assert!(
        location.starts_with("/login?error=locked&retry="),
        "{location}"
    );
    assert!(cookie.is_none());
    let (status, html) = get_as(&ctx, None, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Too many failed sign-ins. Try again in"),
        "the page says why"
    );

    // Sign-out ends the session on the server, not only in the browser.
    let csrf =
        store::auth::session_principal(&ctx.db, session.trim_start_matches("ledger_session="))
            .await
            .unwrap()
            .unwrap()
            .csrf_token
            .unwrap();
    let request = Request::post("/logout")
        .header(header::COOKIE, &session)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf_token={csrf}")))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let request = Request::get("/api/current_user")
        .header(header::COOKIE, &session)
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        router.clone().oneshot(request).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_sessions_and_disabled_users_are_signed_out() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    let user = store::auth::find_user(&ctx.db, "viewer")
        .await
        .unwrap()
        .unwrap();
    let expired = store::auth::create_session(&ctx.db, user.id, chrono::Duration::seconds(-1))
        .await
        .unwrap();
    let request = Request::get("/contracts")
        .header(header::COOKIE, format!("ledger_session={}", expired.secret))
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = send_full(&ctx, request).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/login?next=%2Fcontracts");

    assert!(store::auth::disable_user(&ctx.db, "test", "editor")
        .await
        .unwrap());
    let (status, _) = call_as(&ctx, Some(Role::Editor), "list_vendors", &[]).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a disabled user's session ends"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_without_the_right_csrf_token_are_refused_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    let before = table_counts(&ctx.db).await.unwrap();
    let editor = ctx.caller(Role::Editor).clone();
    for token in [
        None,
        Some("0".repeat(64)),
        Some(ctx.caller(Role::Admin).csrf.clone()),
    ] {
        let mut fields = vec![
            ("name", "Nebius".to_owned()),
            ("kind", "neocloud".to_owned()),
        ];
        if let Some(t) = &token {
            fields.push(("csrf_token", t.clone()));
        }
        let request = Request::post("/api/create_vendor")
            .header(header::COOKIE, &editor.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(serde_urlencoded::to_string(&fields).unwrap()))
            .unwrap();
        let (status, _, body) = send_full(&ctx, request).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "token {token:?}");
        assert!(body.contains("CSRF"), "{body}");
    }
    // The upload takes the token in a header.
    let request = Request::post("/api/imports?name=vendors.csv")
        .header(header::COOKIE, &editor.cookie)
        .header("x-csrf-token", "nope")
        .body(Body::from("name,kind\nX,other\n"))
        .unwrap();
    assert_eq!(send_full(&ctx, request).await.0, StatusCode::FORBIDDEN);
    assert_eq!(table_counts(&ctx.db).await.unwrap(), before);
    // With the session's own token the same write goes through.
    let (status, body) = call_as(
        &ctx,
        Some(Role::Editor),
        "create_vendor",
        &[("name", "Nebius"), ("kind", "neocloud")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_tokens_act_with_their_owners_role_until_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    let (status, body) = call_as(
        &ctx,
        Some(Role::Analyst),
        "create_token",
        &[("name", "nightly export")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = body
        .split("again: ")
        .nth(1)
        .unwrap()
        .trim_end_matches(['"', '}'])
        .to_owned();
    assert!(token.starts_with("cl_"), "{token}");
    let with_token = |method: &str, path: &str, body: &'static str| {
        Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from(body))
            .unwrap()
    };
    let (status, _, csv) =
        send_full(&ctx, with_token("GET", "/api/reports/burndown.csv", "")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        csv.starts_with("contract,commitment,date,cumulative_spend"),
        "{}",
        &csv[..40.min(csv.len())]
    );
    // An analyst may import (no CSRF for a token: it is not sent by browsers on their own)…
    let (status, _, _) = send_full(
        &ctx,
        with_token(
            "POST",
            "/api/imports?name=vendors.csv&check=1",
            "name,kind\nX,other\n",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // …but not write single entries.
    let request = Request::post("/api/create_vendor")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("name=X&kind=other&csrf_token="))
        .unwrap();
    assert_eq!(send_full(&ctx, request).await.0, StatusCode::FORBIDDEN);

    let tokens = call_as(&ctx, Some(Role::Analyst), "list_tokens", &[])
        .await
        .1;
    let id = serde_json::from_str::<serde_json::Value>(&tokens).unwrap()[0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let (status, _) = call_as(&ctx, Some(Role::Viewer), "revoke_token", &[("id", &id)]).await;
    assert_ne!(status, StatusCode::OK, "another user cannot revoke it");
    let (status, body) = call_as(&ctx, Some(Role::Analyst), "revoke_token", &[("id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, _) = send_full(&ctx, with_token("GET", "/api/reports/burndown.csv", "")).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a revoked token is refused"
    );
    let (status, _, _) = send_full(
        &ctx,
        Request::get("/api/reports/burndown.csv")
            .header(header::AUTHORIZATION, "Bearer cl_made_up")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_formula_in_a_vendor_name_is_escaped_in_csv_exports() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    let evil = "=HYPERLINK(\"http://evil.example\",\"x\")";
    let (status, body) = call_as(
        &ctx,
        Some(Role::Editor),
        "create_vendor",
        &[("name", evil), ("kind", "other")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let contract = [
        ("contract[reference]", "EVIL-1"),
        ("contract[vendor]", evil),
        ("contract[title]", "@SUM(A1)"),
        ("contract[start_date]", "2026-01-01"),
        ("contract[end_date]", "2026-12-31"),
        ("contract[committed_amount]", "1000.00"),
        ("contract[currency]", "USD"),
        ("contract[commitment_model]", ""),
        ("contract[fulfillment_interval]", ""),
        ("contract[notes]", ""),
    ];
    let (status, body) = call_as(&ctx, Some(Role::Editor), "create_contract", &contract).await;
    assert!(
        status.is_success() || status.is_redirection(),
        "{status} {body}"
    );
    let (status, csv) = get_as(
        &ctx,
        Some(Role::Viewer),
        "/api/reports/commitment-concentration.csv?as_of=2026-06-30",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        csv.contains("'=HYPERLINK"),
        "escaped with a leading quote:\n{csv}"
    );
    assert!(
        !csv.lines().any(|l| l.starts_with('=') || l.contains(",=")),
        "no cell starts with =:\n{csv}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_carry_security_headers_and_no_internals() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    let (status, headers, _) =
        send_full(&ctx, Request::get("/login").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let csp = headers["content-security-policy"].to_str().unwrap();
    for directive in [
        "default-src 'self'",
        "frame-ancestors 'none'",
        "'wasm-unsafe-eval'",
    ] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    // Scripts: this origin, or inline with the page's own nonce; never 'unsafe-inline'.
    let scripts = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap();
    assert!(!scripts.contains("'unsafe-inline'"), "{csp}");
    let (status, body) = call_as(
        &ctx,
        Some(Role::Admin),
        "correct_usage",
        &[("id", "1"), ("usage[contract]", "'; DROP TABLE x; --")],
    )
    .await;
    assert_ne!(status, StatusCode::OK);
    assert!(
        !body.contains("SELECT") && !body.contains("sqlx") && !body.contains("panicked"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_imports_only_as_a_user_allowed_to_import() {
    use clap::Parser;
    let dir = tempfile::tempdir().unwrap();
    let (ctx, database) = demo_state(&dir).await;
    let file = dir.path().join("vendors.csv");
    std::fs::write(&file, "name,kind\nNebius,neocloud\n").unwrap();
    let import_as = |who: &str| {
        server::cli::Cli::parse_from([
            "compute-ledger",
            "--database-url",
            &database.url,
            "import",
            file.to_str().unwrap(),
            "--as",
            who,
        ])
    };
    for refused in ["viewer", "nobody"] {
        let code = server::cli::run(import_as(refused)).await.unwrap();
        assert_eq!(code, std::process::ExitCode::from(2), "--as {refused}");
    }
    assert_eq!(
        server::cli::run(import_as("analyst")).await.unwrap(),
        std::process::ExitCode::SUCCESS
    );
    let history = call_as(
        &ctx,
        Some(Role::Viewer),
        "list_audit",
        &[("entity", "import"), ("page", "1")],
    )
    .await
    .1;
    let newest = &serde_json::from_str::<serde_json::Value>(&history).unwrap()["rows"][0];
    assert_eq!(newest["actor"], "analyst");
    let changes = newest["changes"].to_string();
    assert!(
        changes.contains("vendors.csv") && changes.contains("sha256") && changes.contains("rows"),
        "{changes}"
    );
}

/// Each page gets a fresh nonce, named in its CSP and carried by every inline script of its
/// HTML (the hydration bootstrap and the data Leptos streams); anything else is refused by the
/// browser (end2end/tests/csp.spec.js shows an injected script blocked).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_inline_script_carries_the_pages_csp_nonce() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    let mut seen = Vec::new();
    for path in ["/", "/contracts", "/login"] {
        let request = Request::get(path)
            .header(header::COOKIE, &ctx.caller(Role::Viewer).cookie)
            .body(Body::empty())
            .unwrap();
        let (status, headers, html) = send_full(&ctx, request).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let csp = headers["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("{path}: no nonce in {csp}"))
            .to_owned();
        assert!(nonce.len() >= 16, "{nonce}");
        let scripts: Vec<&str> = html.split("<script").skip(1).collect();
        assert!(!scripts.is_empty(), "{path} has the hydration script");
        for script in scripts {
            let tag = script.split('>').next().unwrap();
            if !tag.contains(" src=") {
                assert!(
                    tag.contains(&format!("nonce=\"{nonce}\"")),
                    "{path}: <script{tag}>"
                );
            }
        }
        seen.push(nonce);
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 3, "a fresh nonce for each response");
}

/// Guesses sent in parallel cannot all pass a count below the limit: each is counted before
/// its password is checked, so at most the limit of them are checked at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_guesses_are_limited_like_serial_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    store::auth::add_user(&ctx.db, "test", "cfo", Role::Viewer, PASSWORD)
        .await
        .unwrap();
    let router = server::web::router(ctx.state.clone());
    let guesses: Vec<_> = (0..12)
        .map(|_| {
            let router = router.clone();
            tokio::spawn(async move { sign_in(&router, "cfo", "wrong password!").await.1 })
        })
        .collect();
    let mut checked = 0;
    for guess in guesses {
        let location = guess.await.unwrap();
        if location.starts_with("/login?error=invalid") {
            checked += 1;
        } else {
            assert!(location.starts_with("/login?error=locked"), "{location}");
        }
    }
    assert!(
        checked <= store::login_limit::MAX_FAILURES_PER_ACCOUNT,
        "{checked} guesses checked"
    );
    // Guesses refused unchecked are not failures; serial ones then reach the same limit.
    for _ in 0..store::login_limit::MAX_FAILURES_PER_ACCOUNT * 2 {
        let (_, location, _) = sign_in(&router, "cfo", "wrong password!").await;
        if location.starts_with("/login?error=locked") {
            break;
        }
        checked += 1;
    }
    assert_eq!(checked, store::login_limit::MAX_FAILURES_PER_ACCOUNT);
    let (_, location, _) = sign_in(&router, "cfo", PASSWORD).await;
    assert!(location.starts_with("/login?error=locked"), "{location}");
}
