//! The alerts' background work inside the server (no external cron): rules are evaluated when
//! the ledger or a rule changes and once a day, and due deliveries are sent every few seconds.
//! A write never waits for either.

use super::email::{self, SmtpSettings};
use super::outgoing::Outgoing;
use super::webhook;
use app::state::AppState;
use chrono::{NaiveDate, Utc};
use std::time::Duration;
use store::alerts::deliveries::{self, Due};
use store::alerts::firing::{settle, Channels};
use store::alerts::rules;

/// How alerts reach people besides the inbox (from the environment, see the README).
#[derive(Debug, Clone, Default)]
pub struct AlertSettings {
    /// Where links in webhooks and e-mails point (LEDGER_PUBLIC_URL).
    pub public_url: String,
    /// Every event also goes here (LEDGER_ALERT_WEBHOOK_URL, LEDGER_ALERT_EMAIL_TO).
    pub channels: Channels,
    /// Signs webhook bodies (LEDGER_ALERT_WEBHOOK_SECRET).
    pub webhook_secret: Option<String>,
    pub smtp: Option<SmtpSettings>,
}

impl AlertSettings {
    /// Refuses bad SMTP settings (named by variable) rather than leave alerts unsent.
    pub fn from_env(public_url: Option<&str>) -> Result<Self, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Ok(Self {
            public_url: public_url
                .map(|u| u.trim_end_matches('/').to_owned())
                .unwrap_or_else(|| "http://127.0.0.1:3000".into()),
            channels: Channels {
                webhook: var("LEDGER_ALERT_WEBHOOK_URL"),
                email: var("LEDGER_ALERT_EMAIL_TO")
                    .map(|list| {
                        list.split(',')
                            .map(|a| a.trim().to_owned())
                            .filter(|a| !a.is_empty())
                            .collect()
                    })
                    .unwrap_or_default(),
            },
            webhook_secret: var("LEDGER_ALERT_WEBHOOK_SECRET"),
            smtp: SmtpSettings::try_from_env()?,
        })
    }
}

/// Evaluates every rule as of `as_of`; the number of new events. A rule that cannot be
/// evaluated is logged and skipped, so one bad rule does not silence the others.
pub async fn evaluate_all(
    state: &AppState,
    settings: &AlertSettings,
    as_of: NaiveDate,
) -> anyhow::Result<usize> {
    let mut fired = 0;
    let rules = rules::list(&state.db).await?;
    if rules.is_empty() {
        return Ok(0);
    }
    let contracts = store::ledger::overview::all_contract_overviews(&state.db).await?;
    for rule in rules {
        match super::evaluate::findings(state, &rule, &contracts, as_of).await {
            Ok(findings) => {
                let events = settle(&state.db, &rule, &findings, &settings.channels).await?;
                if !events.is_empty() {
                    tracing::info!(rule = %rule.rule.name, events = events.len(), "alert fired");
                }
                fired += events.len();
            }
            Err(e) => {
                tracing::warn!(rule = %rule.rule.name, error = %e, "alert rule could not be evaluated")
            }
        }
    }
    Ok(fired)
}

/// Sends the deliveries due at `now`; (sent, failed attempts).
pub async fn deliver_due(
    state: &AppState,
    settings: &AlertSettings,
    client: &reqwest::Client,
    now: chrono::DateTime<Utc>,
) -> anyhow::Result<(usize, usize)> {
    let (mut sent, mut failed) = (0, 0);
    for due in deliveries::take_due(&state.db, now, 50).await? {
        let outcome = send(settings, client, &due).await;
        match &outcome {
            Ok(()) => {
                sent += 1;
                tracing::info!(channel = %due.channel, target = %due.target, event = due.event.id, "alert delivered");
            }
            Err(reason) => {
                failed += 1;
                tracing::warn!(channel = %due.channel, target = %due.target, event = due.event.id, attempt = due.attempts + 1, %reason, "alert delivery failed");
            }
        }
        deliveries::record(&state.db, &due, outcome, Utc::now().max(now)).await?;
    }
    Ok((sent, failed))
}

async fn send(settings: &AlertSettings, client: &reqwest::Client, due: &Due) -> Result<(), String> {
    let e = &due.event;
    let alert = Outgoing {
        event_id: e.id,
        rule: e.rule_name.clone(),
        kind: e.kind.clone(),
        subject: e.subject.clone(),
        figure: e.figure.clone(),
        message: e.message.clone(),
        link: format!("{}{}", settings.public_url, e.link),
        fired_at: e.fired_at,
    };
    match due.channel.as_str() {
        "webhook" => {
            webhook::send(
                client,
                &due.target,
                settings.webhook_secret.as_deref(),
                &alert,
            )
            .await
        }
        "email" => match &settings.smtp {
            Some(smtp) => email::send(smtp, std::slice::from_ref(&due.target), &alert).await,
            None => Err("no SMTP server is configured (LEDGER_SMTP_HOST)".into()),
        },
        other => Err(format!("unknown channel {other}")),
    }
}

/// Runs for the life of the server.
pub async fn run(state: AppState, settings: AlertSettings) {
    let client = match reqwest::Client::builder().build() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "alerts are off: cannot build the HTTP client");
            return;
        }
    };
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut seen: Option<(i64, NaiveDate)> = None;
    let mut last_delivery: Option<std::time::Instant> = None;
    loop {
        tick.tick().await;
        let today = Utc::now().date_naive();
        match rules::watched_version(&state.db).await {
            Ok(version) if seen != Some((version, today)) => {
                match evaluate_all(&state, &settings, today).await {
                    Ok(_) => seen = Some((version, today)),
                    Err(e) => tracing::warn!(error = %e, "evaluating alerts failed; will retry"),
                }
                // Events just fired go out now rather than at the next round.
                last_delivery = None;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "alerts: cannot read the ledger version"),
        }
        if last_delivery.is_none_or(|at| at.elapsed() >= DELIVER_EVERY) {
            last_delivery = Some(std::time::Instant::now());
            if let Err(e) = deliver_due(&state, &settings, &client, Utc::now()).await {
                tracing::warn!(error = %e, "sending alerts failed; will retry");
            }
        }
    }
}

const DELIVER_EVERY: Duration = Duration::from_secs(5);
