//! Delivers an alert to an HTTP endpoint: a JSON POST that a Slack incoming webhook accepts as
//! it is (the `text` field) and that any other receiver can verify and de-duplicate.

use super::outgoing::Outgoing;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::time::Duration;

/// `sha256=<hex>`: HMAC-SHA256, keyed with the shared secret, of `{timestamp}.{body}`.
pub const SIGNATURE_HEADER: &str = "X-Ledger-Signature";
/// Unix seconds at which the request was signed.
pub const TIMESTAMP_HEADER: &str = "X-Ledger-Timestamp";
/// The alert event's id, the same as `event_id` in the body.
pub const EVENT_HEADER: &str = "X-Ledger-Event";

/// A receiver that hangs must not hold up the delivery queue; the queue retries later.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How much of a refusing receiver's answer goes into the error: enough to read its reason.
const REASON_CHARS: usize = 200;

/// The request body: the alert's fields plus `text`.
#[derive(serde::Serialize)]
struct Payload<'a> {
    #[serde(flatten)]
    alert: &'a Outgoing,
    text: String,
}

/// POSTs `alert` as JSON to `url`.
///
/// The body is the [`Outgoing`] fields plus `text`, one line for chat tools. Every request
/// carries `X-Ledger-Event: <event_id>` and `X-Ledger-Timestamp: <unix seconds>`. With a
/// `secret`, it also carries `X-Ledger-Signature: sha256=<hex>`, the HMAC-SHA256 with the secret
/// of the timestamp, a `.`, and the exact body bytes (`{timestamp}.{body}`). The timestamp is
/// signed so that a captured request cannot be replayed later: a receiver should recompute the
/// HMAC over the header's timestamp and the raw body, compare in constant time, and refuse a
/// timestamp more than a few minutes from its clock (and may refuse an `X-Ledger-Event` it has
/// already seen).
///
/// A transport error, a timeout (10 s) or an answer outside 2xx is an `Err` with a short reason
/// (the status and up to 200 characters of the answer). The reason never contains the URL:
/// webhook URLs such as Slack's carry their secret in the path, and the reason is stored and
/// shown with the delivery.
pub async fn send(
    client: &reqwest::Client,
    url: &str,
    secret: Option<&str>,
    alert: &Outgoing,
) -> Result<(), String> {
    let payload = Payload {
        alert,
        text: chat_line(alert),
    };
    let body =
        serde_json::to_vec(&payload).map_err(|e| format!("could not encode the alert: {e}"))?;
    let timestamp = chrono::Utc::now().timestamp().to_string();

    let mut request = client
        .post(url)
        .timeout(TIMEOUT)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(EVENT_HEADER, alert.event_id.to_string())
        .header(TIMESTAMP_HEADER, &timestamp);
    if let Some(secret) = secret {
        request = request.header(SIGNATURE_HEADER, signature(secret, &timestamp, &body));
    }
    // Sent as bytes, not through `.json()`, so the signed bytes are exactly the bytes sent.
    let mut response = request.body(body).send().await.map_err(describe)?;

    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    // Read only the start of the answer: an error page can be large, and the reason is short.
    let mut head = Vec::new();
    while head.len() < REASON_CHARS * 4 {
        match response.chunk().await {
            Ok(Some(chunk)) => head.extend_from_slice(&chunk),
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&head);
    // One line, so the reason fits a table cell and a log line.
    let reason: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(REASON_CHARS)
        .collect();
    Err(if reason.is_empty() {
        format!("webhook answered {status}")
    } else {
        format!("webhook answered {status}: {reason}")
    })
}

/// The one-line `text` a Slack (or Mattermost, Discord-with-/slack) incoming webhook shows.
fn chat_line(alert: &Outgoing) -> String {
    format!(
        "⚠ {}: {} ({}) <{}>",
        slack_escape(&alert.rule),
        slack_escape(&alert.message),
        slack_escape(&alert.figure),
        alert.link
    )
}

/// Slack reads `<…>` as links and mentions and `&` as the start of an entity, so a rule named
/// "<!channel>" would otherwise ping everyone; its documented escaping is these three entities.
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn signature(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256={hex}")
}

/// The error and its causes ("error sending request: connection refused"), without the URL.
fn describe(error: reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "webhook timed out"
    } else {
        "could not reach the webhook"
    };
    let error = error.without_url();
    let mut reason = format!("{kind}: {error}");
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        // hyper and reqwest repeat their cause's text in their own; say each part once.
        if !reason.contains(&cause_text) {
            reason.push_str(": ");
            reason.push_str(&cause_text);
        }
        source = cause.source();
    }
    reason
}
