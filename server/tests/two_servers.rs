//! Two server processes on one database (the PostgreSQL deployment behind a load balancer;
//! also SQLite on one machine): a session signed in on one works on the other, a write through
//! one shows in the other's reports and dashboards at once (its cached reports are dropped when
//! the ledger version moves), and signing out on one ends the session on both. Within one
//! server whose views are coalesced, a writer's next view includes their write.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{call_as, demo_state, get_as, send};
use domain::Role;

/// A usage entry that moves LAMBDA-2026-1B's burn-down visibly.
const MILLION_ON_NOV_20: [(&str, &str); 6] = [
    ("usage[contract]", "LAMBDA-2026-1B"),
    ("usage[date]", "2026-11-20"),
    ("usage[amount]", "1000000.00"),
    ("usage[quantity]", "10"),
    ("usage[unit]", "gpu_hour"),
    ("usage[sku]", "b200"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_sessions_and_see_each_others_writes() {
    let dir = tempfile::tempdir().unwrap();
    let (a, database) = demo_state(&dir).await;
    let b = a.other_server(&dir, &database.url).await;

    // B answers A's sessions.
    let (status, body) = get_as(&b, Some(Role::Viewer), "/api/current_user").await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Warm B's caches, then write through A.
    let path = "/api/reports/burndown.csv?contract=LAMBDA-2026-1B";
    let (_, before) = get_as(&b, Some(Role::Viewer), path).await;
    let dashboard = "/api/dashboards/burndown/contracts.csv?contract=LAMBDA-2026-1B";
    let (_, dashboard_before) = get_as(&b, Some(Role::Viewer), dashboard).await;
    let (status, body) = call_as(&a, Some(Role::Editor), "add_usage", &MILLION_ON_NOV_20).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("Ok"), "{body}");

    let (_, after) = get_as(&b, Some(Role::Viewer), path).await;
    assert_ne!(after, before, "B's report moved with A's write");
    let spent = |csv: &str| -> i64 {
        let last = csv.lines().last().unwrap();
        domain::decimal::parse_scaled(last.split(',').nth(3).unwrap(), 2, false).unwrap()
    };
    let nov20 = |csv: &str| {
        csv.lines()
            .find(|l| l.contains(",2026-11-20,"))
            .map(str::to_owned)
    };
    assert!(nov20(&after).is_some());
    assert!(
        spent(&after) >= spent(&before) + 100_000_000,
        "{before}\n{after}"
    );
    let (_, dashboard_after) = get_as(&b, Some(Role::Viewer), dashboard).await;
    assert_ne!(dashboard_after, dashboard_before, "B's dashboard moved too");

    // Signing out on A ends the session on B.
    let editor = a.caller(Role::Editor).clone();
    let request = Request::post("/logout")
        .header(header::COOKIE, &editor.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf_token={}", editor.csrf)))
        .unwrap();
    let (status, _) = send(&a, request).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = get_as(&b, Some(Role::Editor), "/api/current_user").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// As `serve` runs it: views within the max age share the version last confirmed, so another
/// user may see figures a moment old, but whoever wrote sees their write at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_sees_their_write_at_once_while_views_are_coalesced() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, _database) = demo_state(&dir).await;
    server.state.reports = reports::ReportCache::coalescing(std::time::Duration::from_secs(3600));
    let path = "/api/reports/burndown.csv?contract=LAMBDA-2026-1B";
    let (_, viewer_before) = get_as(&server, Some(Role::Viewer), path).await;
    let (_, editor_before) = get_as(&server, Some(Role::Editor), path).await;
    assert_eq!(viewer_before, editor_before);

    let (status, body) =
        call_as(&server, Some(Role::Editor), "add_usage", &MILLION_ON_NOV_20).await;
    assert!(status == StatusCode::OK && body.contains("Ok"), "{body}");

    let (_, viewer_coalesced) = get_as(&server, Some(Role::Viewer), path).await;
    assert_eq!(
        viewer_coalesced, viewer_before,
        "within the max age another user is served the version already confirmed"
    );
    let (_, editor_after) = get_as(&server, Some(Role::Editor), path).await;
    assert_ne!(editor_after, editor_before, "the writer sees their write");
    let (_, viewer_after) = get_as(&server, Some(Role::Viewer), path).await;
    assert_eq!(
        viewer_after, editor_after,
        "once confirmed, the newer version is everyone's"
    );
}

/// Failed sign-ins are counted in the database: five wrong passwords spread over two servers
/// lock the account on both, where each server counting its own would have allowed ten.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_limit_holds_across_servers() {
    let dir = tempfile::tempdir().unwrap();
    let (a, database) = demo_state(&dir).await;
    let b = a.other_server(&dir, &database.url).await;
    let password = "the right password, long enough";
    store::auth::add_user(&a.db, "test", "cfo", Role::Viewer, password)
        .await
        .unwrap();
    let sign_in = |server: &common::Ctx, password: &str| {
        let state = server.state.clone();
        let body = format!("username=cfo&password={}", password.replace(' ', "+"));
        async move {
            let request = Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap();
            let response = tower::ServiceExt::oneshot(server::web::router(state), request)
                .await
                .unwrap();
            response.headers()[header::LOCATION]
                .to_str()
                .unwrap()
                .to_owned()
        }
    };
    for i in 0..5 {
        let server = if i % 2 == 0 { &a } else { &b };
        let location = sign_in(server, "wrong password!").await;
        assert!(location.starts_with("/login?error=invalid"), "{location}");
    }
    for server in [&a, &b] {
        let location = sign_in(server, password).await;
        assert!(
            location.starts_with("/login?error=locked&retry="),
            "{location}"
        );
    }
}
