//! A rule fires once when its condition becomes true for a subject, and again only after it
//! cleared: the subjects firing now are kept, and each evaluation is settled against them.

use super::rules::RuleRow;
use crate::entities::{alert_delivery, alert_event, alert_firing};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
};
use std::collections::HashSet;

/// What a rule's condition holds for right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What it is about ("MSFT-1/initial", "portfolio", "MSFT-1/initial/2026-11-18"); a rule
    /// fires once per subject.
    pub subject: String,
    /// The number that tripped it, as shown.
    pub figure: String,
    pub message: String,
    /// The dashboard to look at (a path; the sender makes it absolute).
    pub link: String,
}

/// Where every event goes besides the rule's own webhook and addresses (server settings).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Channels {
    pub webhook: Option<String>,
    pub email: Vec<String>,
}

/// Records the subjects that started firing (an event each, queued for delivery) and forgets
/// those that cleared. Returns the new events' ids.
pub async fn settle(
    db: &DatabaseConnection,
    rule: &RuleRow,
    findings: &[Finding],
    global: &Channels,
) -> Result<Vec<i64>, DbErr> {
    let (txn, _turn) = crate::db::begin_write(db).await?;
    let firing: Vec<alert_firing::Model> = alert_firing::Entity::find()
        .filter(alert_firing::Column::RuleId.eq(rule.id))
        .all(&txn)
        .await?;
    let now_true: HashSet<&str> = findings.iter().map(|f| f.subject.as_str()).collect();
    let cleared: Vec<i64> = firing
        .iter()
        .filter(|f| !now_true.contains(f.subject.as_str()))
        .map(|f| f.id)
        .collect();
    if !cleared.is_empty() {
        alert_firing::Entity::delete_many()
            .filter(alert_firing::Column::Id.is_in(cleared))
            .exec(&txn)
            .await?;
    }
    let was: HashSet<&str> = firing.iter().map(|f| f.subject.as_str()).collect();
    let now = Utc::now();
    let mut targets: Vec<(&str, String)> = Vec::new();
    for url in rule.rule.webhook.iter().chain(global.webhook.iter()) {
        targets.push(("webhook", url.clone()));
    }
    for address in rule.rule.email.iter().chain(global.email.iter()) {
        targets.push(("email", address.clone()));
    }
    targets.sort();
    targets.dedup();
    let mut events = Vec::new();
    let mut seen = HashSet::new();
    for finding in findings {
        if was.contains(finding.subject.as_str()) || !seen.insert(finding.subject.as_str()) {
            continue;
        }
        alert_firing::ActiveModel {
            rule_id: Set(rule.id),
            subject: Set(finding.subject.clone()),
            since: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let event = alert_event::ActiveModel {
            rule_id: Set(rule.id),
            rule_name: Set(rule.rule.name.clone()),
            kind: Set(rule.rule.kind.as_str().to_owned()),
            subject: Set(finding.subject.clone()),
            figure: Set(finding.figure.clone()),
            message: Set(finding.message.clone()),
            link: Set(finding.link.clone()),
            fired_at: Set(now),
            acknowledged_at: Set(None),
            acknowledged_by: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for (channel, target) in &targets {
            alert_delivery::ActiveModel {
                event_id: Set(event.id),
                channel: Set((*channel).to_owned()),
                target: Set(target.clone()),
                attempts: Set(0),
                state: Set(super::deliveries::PENDING.to_owned()),
                last_error: Set(None),
                next_attempt_at: Set(now),
                sent_at: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        events.push(event.id);
    }
    txn.commit().await?;
    Ok(events)
}
