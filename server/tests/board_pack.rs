//! The board pack end to end on the demo ledger: the PDF read back with poppler (`pdftotext`,
//! `pdfinfo`, `pdftoppm`; scripts/install-tools.sh installs them) holds the overview's
//! headline figures exactly; commentary is saved, audited and printed; a published pack stays
//! byte for byte what it was after a correction, and a re-issue lists the change; the
//! published pack is e-mailed through a real SMTP relay on loopback.

mod common;

use axum::http::StatusCode;
use common::smtp_relay::Relay;
use common::{call, call_as, demo_state, get_bytes, Ctx};
use domain::Role;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::process::Command;

const MONTH: &str = "2026-10";

fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} is missing ({e}): run scripts/install-tools.sh"));
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The PDF's text, as `pdftotext` reads it (reading order, one line per line).
fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pack.pdf");
    std::fs::write(&file, bytes).unwrap();
    poppler("pdftotext", &[file.to_str().unwrap(), "-"])
}

async fn download(ctx: &Ctx, query: &str) -> Vec<u8> {
    let (status, headers, bytes) = get_bytes(ctx, &format!("/board-pack/{MONTH}.pdf{query}")).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    bytes
}

async fn saved(ctx: &Ctx, endpoint: &str, form: &[(&str, &str)]) -> String {
    let (status, body) = call(ctx, endpoint, form).await;
    assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
    let answer: Value = serde_json::from_str(&body).unwrap();
    answer["Ok"]
        .as_str()
        .unwrap_or_else(|| panic!("{endpoint} refused: {body}"))
        .to_owned()
}

/// The overview dashboard as of the month's last day: what the pack's cover must repeat.
async fn overview(ctx: &Ctx) -> Value {
    overview_in(ctx, "").await
}

async fn overview_in(ctx: &Ctx, currency: &str) -> Value {
    let query = serde_urlencoded::to_string([
        ("view", "overview"),
        ("as_of", "2026-10-31"),
        ("from", ""),
        ("to", ""),
        ("vendor", ""),
        ("contract", ""),
        ("currency", currency),
    ])
    .unwrap();
    let (status, headers, body) = get_bytes(ctx, &format!("/api/dashboard?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{headers:?}");
    serde_json::from_slice(&body).unwrap()
}

/// The "Burned to date" card's exact figure as of the month's last day.
async fn burned(ctx: &Ctx) -> String {
    let dashboard = overview(ctx).await;
    let card = dashboard["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == "burned");
    card.unwrap()["value"].as_str().unwrap().to_owned()
}

/// `board-pack --currency EUR`: the cover's money cards are the overview's in euros.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_pack_in_another_currency() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, db) = demo_state(&dir).await;
    let output = dir.path().join("pack-eur.pdf");
    let args = server::board_pack::BoardPackArgs {
        month: Some(MONTH.to_owned()),
        output: output.clone(),
        pack_version: None,
        draft: true,
        scenario: String::new(),
        publish_as: None,
        currency: domain::Currency::parse("EUR").unwrap(),
    };
    let conn = store::connect(&db.url).await.unwrap();
    server::board_pack::cli(conn, args).await.unwrap();
    let text = pdf_text(&std::fs::read(&output).unwrap());
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let dashboard = overview_in(&ctx, "EUR").await;
    for id in ["committed", "burned"] {
        let card = dashboard["kpis"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["id"] == id)
            .unwrap();
        let value = card["value"].as_str().unwrap();
        assert!(value.starts_with("EUR "), "{value}");
        assert!(flat.contains(value), "{value} not in the pack");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_pack_repeats_the_dashboards_figures_and_every_page_renders() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    let bytes = download(&ctx, "?draft").await;
    let text = pdf_text(&bytes);
    // pdftotext may break a line where the layout placed two runs side by side; compare
    // without line breaks.
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");

    let dashboard = overview(&ctx).await;
    let kpis = dashboard["kpis"].as_array().unwrap();
    assert!(kpis.len() >= 8, "{dashboard}");
    for kpi in kpis {
        let (title, value) = (
            kpi["title"].as_str().unwrap(),
            kpi["value"].as_str().unwrap(),
        );
        assert!(flat.contains(title), "the cover lacks the card {title:?}");
        if !value.is_empty() {
            let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flat.contains(&value), "the cover lacks {title} = {value:?}");
        }
    }
    for heading in [
        "Board pack — October 2026",
        "Commitments by vendor",
        "Burn-down and infrastructure ÷ revenue",
        "Vendor concentration",
        "Deliveries and slippage",
        "Changes since the previous month",
        "AWS-2025-38B",
        "Draft",
    ] {
        assert!(flat.contains(heading), "the pack lacks {heading:?}");
    }

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pack.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let info = poppler("pdfinfo", &[file.to_str().unwrap()]);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(|n| n.trim().parse().unwrap())
        .unwrap();
    assert!(pages >= 6, "{pages} pages");
    let prefix = dir.path().join("page");
    poppler(
        "pdftoppm",
        &[
            "-r",
            "40",
            "-png",
            file.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let rendered: Vec<u64> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "png"))
        .map(|e| e.metadata().unwrap().len())
        .collect();
    assert_eq!(rendered.len(), pages, "every page renders");
    assert!(rendered.iter().all(|size| *size > 1000), "{rendered:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commentary_is_checked_audited_and_printed() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    let note = "Burn is on plan.\nThe Azure ramp slipped a quarter; see deliveries.";
    let answer = saved(
        &ctx,
        "save_pack_commentary",
        &[("month", MONTH), ("section", "deliveries"), ("text", note)],
    )
    .await;
    assert!(answer.contains("Deliveries and slippage"), "{answer}");
    let (_, body) = call(&ctx, "board_pack", &[("month", MONTH)]).await;
    let view: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        view["commentary"],
        serde_json::json!([["deliveries", note]])
    );
    let flat = pdf_text(&download(&ctx, "?draft").await)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains("The Azure ramp slipped a quarter; see deliveries."),
        "{flat}"
    );

    let (_, audit) = call(
        &ctx,
        "list_audit",
        &[("entity", "board_pack"), ("page", "1")],
    )
    .await;
    assert!(
        audit.contains("2026-10 deliveries") && audit.contains("Azure ramp"),
        "{audit}"
    );

    for (form, field) in [
        (
            vec![("month", MONTH), ("section", "appendix"), ("text", "x")],
            "section",
        ),
        (
            vec![("month", MONTH), ("section", "cover"), ("text", "a\u{0}b")],
            "text",
        ),
        (
            vec![("month", "2026-13"), ("section", "cover"), ("text", "x")],
            "month",
        ),
        (
            vec![("month", ""), ("section", "cover"), ("text", "x")],
            "month",
        ),
    ] {
        let (status, body) = call(&ctx, "save_pack_commentary", &form).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let answer: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(answer["Err"][0]["column"], field, "{body}");
    }
    // A viewer reads the pack but writes no commentary.
    let (status, _) = call_as(
        &ctx,
        Some(Role::Viewer),
        "save_pack_commentary",
        &[("month", MONTH), ("section", "cover"), ("text", "x")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = common::get_bytes(&ctx, "/board-pack/2026-10.pdf?version=9").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = common::get_bytes(&ctx, "/board-pack/october.pdf").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_published_pack_is_frozen_and_a_reissue_lists_the_correction() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    let answer = saved(&ctx, "publish_board_pack", &[("month", MONTH)]).await;
    assert!(answer.contains("Version 1"), "{answer}");
    let first = download(&ctx, "").await;
    assert!(pdf_text(&first).contains("Version 1, published"));
    let burned_before = burned(&ctx).await;

    // A correction to October after publishing.
    saved(
        &ctx,
        "add_usage",
        &[
            ("usage[contract]", "AWS-2025-38B"),
            ("usage[date]", "2026-10-15"),
            ("usage[amount]", "1234.56"),
            ("usage[quantity]", "10"),
            ("usage[unit]", "gpu_hour"),
            ("usage[sku]", "h200"),
        ],
    )
    .await;
    assert_eq!(
        download(&ctx, "").await,
        first,
        "the published pack changed"
    );
    assert_eq!(download(&ctx, "?version=1").await, first);
    let draft = pdf_text(&download(&ctx, "?draft").await);
    let burned_after = burned(&ctx).await;
    assert_ne!(burned_before, burned_after);
    assert!(
        draft.replace('\n', " ").contains(&burned_after),
        "the draft shows the correction"
    );

    let answer = saved(&ctx, "publish_board_pack", &[("month", MONTH)]).await;
    assert!(answer.contains("Version 2"), "{answer}");
    let (_, body) = call(&ctx, "board_pack", &[("month", MONTH)]).await;
    let view: Value = serde_json::from_str(&body).unwrap();
    let versions = view["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["version"], 2);
    let changes: Vec<&str> = versions[0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let expected = format!("Burned to date: {burned_before} → {burned_after}");
    assert!(changes.contains(&expected.as_str()), "{changes:#?}");
    assert!(
        changes
            .iter()
            .any(|c| c.starts_with("Commitments by vendor: ")
                && c.contains("AWS-2025-38B")
                && c.contains("burned")),
        "{changes:#?}"
    );
    assert_eq!(
        download(&ctx, "?version=1").await,
        first,
        "version 1 is kept as it was"
    );
    assert_ne!(download(&ctx, "").await, first, "the newest is version 2");
    assert!(versions[1]["changes"].as_array().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_packs_are_emailed_once_from_their_day() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    let relay = Relay::start();
    let mail = server::board_pack_mail::PackMail {
        smtp: relay.settings(false),
        to: vec!["board@example.com".into(), "cfo@example.com".into()],
        day: 3,
    };
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    assert_eq!(
        server::board_pack_mail::send_due(&ctx, &mail, day(3)).await,
        0,
        "nothing published"
    );
    saved(&ctx, "publish_board_pack", &[("month", MONTH)]).await;
    assert_eq!(
        server::board_pack_mail::send_due(&ctx, &mail, day(2)).await,
        0,
        "before its day"
    );
    assert_eq!(
        server::board_pack_mail::send_due(&ctx, &mail, day(3)).await,
        1
    );
    assert_eq!(
        server::board_pack_mail::send_due(&ctx, &mail, day(4)).await,
        0,
        "sent once"
    );

    let pdf = download(&ctx, "?version=1").await;
    let messages = relay.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let m = &messages[0];
    assert_eq!(
        m["rcpt_tos"],
        serde_json::json!(["board@example.com", "cfo@example.com"])
    );
    assert_eq!(m["subject"], "[Compute Ledger] Board pack October 2026");
    assert_eq!(
        m["attachments"],
        serde_json::json!([{
            "filename": "board-pack-2026-10-v1.pdf",
            "content_type": "application/pdf",
            "sha256": format!("{:x}", Sha256::digest(&pdf)),
        }])
    );
    let (_, body) = call(&ctx, "board_pack", &[("month", MONTH)]).await;
    let view: Value = serde_json::from_str(&body).unwrap();
    assert!(view["versions"][0]["emailed_at"].is_string(), "{view}");

    // A re-issue goes out again, saying it is one.
    saved(
        &ctx,
        "save_pack_commentary",
        &[
            ("month", MONTH),
            ("section", "cover"),
            ("text", "Restated."),
        ],
    )
    .await;
    saved(&ctx, "publish_board_pack", &[("month", MONTH)]).await;
    assert_eq!(
        server::board_pack_mail::send_due(&ctx, &mail, day(20)).await,
        1
    );
    let messages = relay.messages();
    assert_eq!(messages.len(), 2);
    assert_eq!(
        messages[1]["subject"],
        "[Compute Ledger] Board pack October 2026, version 2 (re-issued)"
    );
    let body = messages[1]["body"].as_str().unwrap();
    assert!(
        body.contains("Headline figures: commentary revised"),
        "{body}"
    );
}
