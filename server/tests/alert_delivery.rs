//! The alert senders against real receivers on loopback: an axum endpoint that records each
//! webhook request, and Python's aiosmtpd as the SMTP relay (scripts/install-tools.sh installs
//! it). Nothing of the sending code is replaced.

mod common;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use chrono::{TimeZone, Utc};
use common::free_port;
use common::smtp_relay::Relay;
use hmac::{Hmac, Mac};
use server::alerts::email::{self, SmtpSettings};
use server::alerts::outgoing::Outgoing;
use server::alerts::webhook;
use sha2::Sha256;
use std::sync::{Arc, Mutex};

const SECRET: &str = "whsec-for-the-test";

fn alert() -> Outgoing {
    Outgoing {
        event_id: 4711,
        rule: "Pace <MSFT> & co".into(),
        kind: "pace".into(),
        subject: "MSFT-2025/initial".into(),
        figure: "burned 41.2% vs 25.0% of term".into(),
        message: "MSFT-2025/initial is burning faster than its term.".into(),
        link: "https://ledger.example/dashboards/pace?contract=MSFT-2025%2Finitial".into(),
        fired_at: Utc.with_ymd_and_hms(2025, 3, 14, 9, 26, 53).unwrap(),
    }
}

// ---------------------------------------------------------------------------------------------
// Webhook

/// What the receiver saw of one request.
struct Received {
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Clone)]
struct Receiver {
    answer: (StatusCode, &'static str),
    seen: Arc<Mutex<Vec<Received>>>,
}

async fn record(
    State(receiver): State<Receiver>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    receiver
        .seen
        .lock()
        .unwrap()
        .push(Received { headers, body });
    receiver.answer
}

/// Starts a receiver on a free loopback port; returns its URL and what it records.
async fn start_receiver(answer: (StatusCode, &'static str)) -> (String, Arc<Mutex<Vec<Received>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new()
        .route("/hooks/{token}", post(record))
        .with_state(Receiver {
            answer,
            seen: seen.clone(),
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://127.0.0.1:{port}/hooks/T0K3N-IN-PATH"), seen)
}

/// The receiver's check, written from the documentation rather than from the sender.
fn signature_verifies(secret: &str, headers: &HeaderMap, body: &[u8]) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(signature), Some(timestamp)) =
        (header("x-ledger-signature"), header("x-ledger-timestamp"))
    else {
        return false;
    };
    let Some(hex) = signature.strip_prefix("sha256=") else {
        return false;
    };
    let Ok(expected) = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("zz"), 16))
        .collect::<Result<Vec<u8>, _>>()
    else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

#[tokio::test]
async fn webhook_posts_the_alert_signed() {
    let (url, seen) = start_receiver((StatusCode::OK, "ok")).await;
    let client = reqwest::Client::new();
    let alert = alert();
    webhook::send(&client, &url, Some(SECRET), &alert)
        .await
        .unwrap();

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    let Received { headers, body } = &seen[0];

    let json: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert_eq!(json["event_id"], 4711);
    assert_eq!(json["rule"], "Pace <MSFT> & co");
    assert_eq!(json["kind"], "pace");
    assert_eq!(json["subject"], "MSFT-2025/initial");
    assert_eq!(json["figure"], "burned 41.2% vs 25.0% of term");
    assert_eq!(
        json["message"],
        "MSFT-2025/initial is burning faster than its term."
    );
    assert_eq!(json["link"], alert.link);
    assert_eq!(json["fired_at"], "2025-03-14T09:26:53Z");
    // One line for Slack, with its three characters escaped so "<MSFT>" is not read as a link.
    assert_eq!(
        json["text"],
        "⚠ Pace &lt;MSFT&gt; &amp; co: MSFT-2025/initial is burning faster than its term. \
         (burned 41.2% vs 25.0% of term) \
         <https://ledger.example/dashboards/pace?contract=MSFT-2025%2Finitial>"
    );

    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["x-ledger-event"], "4711");
    let timestamp: i64 = headers["x-ledger-timestamp"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (Utc::now().timestamp() - timestamp).abs() < 60,
        "timestamp {timestamp} is not now"
    );

    assert!(
        signature_verifies(SECRET, headers, body),
        "the signature must verify with the secret"
    );
    assert!(
        !signature_verifies("another-secret", headers, body),
        "and not with another secret"
    );
    // A replay with a fresh timestamp does not verify: the timestamp is part of what is signed.
    let mut replayed = headers.clone();
    replayed.insert(
        "x-ledger-timestamp",
        (timestamp + 600).to_string().parse().unwrap(),
    );
    assert!(!signature_verifies(SECRET, &replayed, body));
    // Nor does a body changed on the way.
    let tampered = String::from_utf8(body.to_vec())
        .unwrap()
        .replace("4711", "4712");
    assert!(!signature_verifies(SECRET, headers, tampered.as_bytes()));
}

#[tokio::test]
async fn webhook_without_a_secret_is_unsigned() {
    let (url, seen) = start_receiver((StatusCode::NO_CONTENT, "")).await;
    webhook::send(&reqwest::Client::new(), &url, None, &alert())
        .await
        .unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].headers.get("x-ledger-signature").is_none());
    assert_eq!(seen[0].headers["x-ledger-event"], "4711");
    assert!(seen[0].headers.get("x-ledger-timestamp").is_some());
}

#[tokio::test]
async fn webhook_refused_is_an_error_with_status_and_reason() {
    const LONG: &str = concat!(
        "database on fire\n",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    );
    let (url, seen) = start_receiver((StatusCode::INTERNAL_SERVER_ERROR, LONG)).await;
    let err = webhook::send(&reqwest::Client::new(), &url, Some(SECRET), &alert())
        .await
        .unwrap_err();
    assert_eq!(seen.lock().unwrap().len(), 1);
    assert!(err.contains("500"), "{err}");
    assert!(err.contains("database on fire"), "{err}");
    assert!(!err.contains('\n'), "one line: {err}");
    assert!(
        err.chars().count() < 260,
        "at most 200 characters of the answer: {err}"
    );
    assert!(
        !err.contains("T0K3N-IN-PATH"),
        "the URL's secret path stays out: {err}"
    );
}

#[tokio::test]
async fn webhook_to_a_closed_port_is_an_error() {
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/hooks/T0K3N-IN-PATH");
    let err = webhook::send(&reqwest::Client::new(), &url, Some(SECRET), &alert())
        .await
        .unwrap_err();
    assert!(err.contains("could not reach"), "{err}");
    assert!(
        !err.contains("T0K3N-IN-PATH"),
        "the URL's secret path stays out: {err}"
    );
}

// ---------------------------------------------------------------------------------------------
// E-mail

#[tokio::test]
async fn email_reaches_the_relay() {
    let relay = Relay::start();
    let to = vec![
        "finops@example.com".to_string(),
        "Ana Lyst <ana@example.org>".to_string(),
    ];
    email::send(&relay.settings(false), &to, &alert())
        .await
        .unwrap();

    let messages = relay.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let m = &messages[0];
    assert_eq!(m["mail_from"], "ledger@example.com");
    assert_eq!(
        m["rcpt_tos"],
        serde_json::json!(["finops@example.com", "ana@example.org"])
    );
    assert_eq!(m["from"], "Compute Ledger <ledger@example.com>");
    assert!(m["to"].as_str().unwrap().contains("ana@example.org"), "{m}");
    assert_eq!(
        m["subject"],
        "[Compute Ledger] Pace <MSFT> & co: MSFT-2025/initial"
    );
    assert_eq!(m["content_type"], "text/plain");
    let body = m["body"].as_str().unwrap();
    for part in [
        "MSFT-2025/initial is burning faster than its term.",
        "burned 41.2% vs 25.0% of term",
        "https://ledger.example/dashboards/pace?contract=MSFT-2025%2Finitial",
        "2025-03-14 09:26 UTC",
    ] {
        assert!(body.contains(part), "body lacks {part:?}:\n{body}");
    }
}

#[tokio::test]
async fn email_with_starttls_is_not_sent_in_clear() {
    // aiosmtpd here offers no STARTTLS: a sender that wants it must give up, not fall back.
    let relay = Relay::start();
    let err = email::send(
        &relay.settings(true),
        &["finops@example.com".into()],
        &alert(),
    )
    .await
    .unwrap_err();
    assert!(
        relay.messages().is_empty(),
        "sent in clear despite STARTTLS: {err}"
    );
    assert!(err.contains("127.0.0.1"), "{err}");
}

#[tokio::test]
async fn email_names_a_bad_address_and_sends_nothing() {
    let relay = Relay::start();
    let to = vec![
        "finops@example.com".to_string(),
        "finops at example".to_string(),
    ];
    let err = email::send(&relay.settings(false), &to, &alert())
        .await
        .unwrap_err();
    assert!(err.contains("finops at example"), "{err}");
    assert!(relay.messages().is_empty());

    let mut bad_from = relay.settings(false);
    bad_from.from = "ledger@".into();
    let err = email::send(&bad_from, &["finops@example.com".into()], &alert())
        .await
        .unwrap_err();
    assert!(err.contains("ledger@"), "{err}");

    let err = email::send(&relay.settings(false), &[], &alert())
        .await
        .unwrap_err();
    assert!(err.contains("no recipients"), "{err}");
    assert!(relay.messages().is_empty());
}

#[tokio::test]
async fn email_to_a_closed_port_is_an_error() {
    let settings = SmtpSettings {
        host: "127.0.0.1".into(),
        port: free_port(),
        starttls: false,
        username: None,
        password: None,
        from: "ledger@example.com".into(),
    };
    let err = email::send(&settings, &["finops@example.com".into()], &alert())
        .await
        .unwrap_err();
    assert!(err.contains(&settings.port.to_string()), "{err}");
}
