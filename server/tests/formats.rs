//! The Formats page and its downloads: each template is served and imports cleanly (check
//! only), and the documented report columns are the reports' own headers.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{call, demo_state, get, send, send_full};
use reports::docs::ReportDoc;
use store::formats::FileFormat;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_template_downloads_and_the_vendors_one_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    for format in FileFormat::all() {
        let path = format!("/api/formats/{}.csv", format.kind.as_str());
        let request = Request::get(&path)
            .header(header::COOKIE, &ctx.caller(domain::Role::Viewer).cookie)
            .body(Body::empty())
            .unwrap();
        let (status, headers, body) = send_full(&ctx, request).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(body, format.template_csv(), "{path}");
        let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(
            disposition.contains(format.kind.file_name()),
            "{disposition}"
        );
    }
    let (status, _) = get(&ctx, "/api/formats/nonsense.csv").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // On the demo ledger the vendors template is new; check=1 validates and writes nothing.
    let editor = ctx.caller(domain::Role::Editor);
    let vendors = FileFormat::of(store::import::LedgerFile::Vendors)
        .unwrap()
        .template_csv();
    let request = Request::post("/api/imports?name=vendors.csv&check=1")
        .header("cookie", &editor.cookie)
        .header("x-csrf-token", &editor.csrf)
        .header("content-type", "text/csv")
        .header("content-length", vendors.len())
        .body(Body::from(vendors))
        .unwrap();
    let (status, body) = send(&ctx, request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documented_report_columns_are_the_reports_headers() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    for name in domain::ReportName::ALL {
        let doc = ReportDoc::of(*name).unwrap();
        let path = format!("/api/reports/{}.csv?as_of=2026-11-23", name.as_str());
        let (status, body) = get(&ctx, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let header_line = body.lines().next().unwrap_or_default();
        assert_eq!(header_line, doc.columns.join(","), "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_formats_page_lists_every_file_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    let (status, page) = get(&ctx, "/formats").await;
    assert_eq!(status, StatusCode::OK);
    for format in FileFormat::all() {
        assert!(page.contains(format.title), "{}", format.title);
        assert!(page.contains(&format!("/api/formats/{}.csv", format.kind.as_str())));
    }
    for name in domain::ReportName::ALL {
        assert!(page.contains(&format!("id=\"report-{}\"", name.as_str())));
    }
    let (status, body) = call(&ctx, "get_formats", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
