//! Alert rules: created, listed and removed (a removed rule stays for its events' sake).

use crate::entities::alert_rule;
use crate::ledger::WriteError;
use crate::write::EntityWrite;
use chrono::Utc;
use domain::alerts::{AlertKind, AlertRule, AlertRuleView, AlertScope};
use domain::{AuditEntity, FieldError};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};

/// A rule in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRow {
    pub id: i64,
    pub rule: AlertRule,
    pub created_by: String,
}

impl RuleRow {
    pub fn view(&self) -> AlertRuleView {
        AlertRuleView {
            name: self.rule.name.clone(),
            kind: self.rule.kind,
            threshold: self.rule.threshold_text(),
            scope: self.rule.scope.to_string(),
            webhook: self
                .rule
                .webhook
                .as_deref()
                .map(domain::alerts::webhook_label),
            email: self.rule.email.clone(),
            created_by: self.created_by.clone(),
        }
    }
}

fn audited(rule: &AlertRule) -> serde_json::Value {
    serde_json::json!({
        "name": rule.name,
        "kind": rule.kind.as_str(),
        "threshold": rule.threshold_text(),
        "scope": rule.scope.to_string(),
        "webhook": rule.webhook,
        "email": rule.email.join(","),
    })
}

/// A rule as typed (the Alerts page, the CLI): parsed, then created.
pub async fn create_from(
    db: &DatabaseConnection,
    actor: &str,
    raw: &domain::alerts::RawAlertRule<'_>,
) -> Result<i64, WriteError> {
    create(db, actor, AlertRule::parse(raw)?).await
}

pub async fn create(
    db: &DatabaseConnection,
    actor: &str,
    rule: AlertRule,
) -> Result<i64, WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let taken = alert_rule::Entity::find()
        .filter(alert_rule::Column::Name.eq(rule.name.as_str()))
        .one(&w.txn)
        .await?;
    if taken.is_some() {
        return Err(WriteError::Conflict(FieldError::new(
            "name",
            format!(
                "a rule named {:?} exists (rule names are never reused)",
                rule.name
            ),
        )));
    }
    let saved = alert_rule::ActiveModel {
        name: Set(rule.name.clone()),
        kind: Set(rule.kind.as_str().to_owned()),
        threshold_e6: Set(rule.threshold_e6),
        scope: Set(rule.scope.to_string()),
        webhook_url: Set(rule.webhook.clone()),
        email_to: Set(rule.email.join(",")),
        created_at: Set(Utc::now()),
        created_by: Set(actor.to_owned()),
        removed_at: Set(None),
        ..Default::default()
    }
    .insert(&w.txn)
    .await?;
    let after = audited(&rule);
    w.commit(
        AuditEntity::AlertRule,
        Some(rule.name),
        "create",
        None,
        Some(after),
    )
    .await?;
    Ok(saved.id)
}

/// The rules in force, oldest first.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<RuleRow>, DbErr> {
    alert_rule::Entity::find()
        .filter(alert_rule::Column::RemovedAt.is_null())
        .order_by_asc(alert_rule::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect()
}

pub async fn remove(db: &DatabaseConnection, actor: &str, name: &str) -> Result<(), WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let found = alert_rule::Entity::find()
        .filter(alert_rule::Column::Name.eq(name))
        .filter(alert_rule::Column::RemovedAt.is_null())
        .one(&w.txn)
        .await?
        .ok_or_else(|| WriteError::NotFound(format!("no alert rule {name:?}")))?;
    let before = audited(&row(found.clone())?.rule);
    crate::entities::alert_firing::Entity::delete_many()
        .filter(crate::entities::alert_firing::Column::RuleId.eq(found.id))
        .exec(&w.txn)
        .await?;
    let mut active = found.into_active_model();
    active.removed_at = Set(Some(Utc::now()));
    active.update(&w.txn).await?;
    w.commit(
        AuditEntity::AlertRule,
        Some(name.to_owned()),
        "remove",
        Some(before),
        None,
    )
    .await
}

fn row(m: alert_rule::Model) -> Result<RuleRow, DbErr> {
    let bad = |what: String| DbErr::Custom(format!("alert rule {}: {what}", m.name));
    let rule = AlertRule {
        kind: AlertKind::parse(&m.kind).map_err(bad)?,
        scope: AlertScope::parse(&m.scope).map_err(bad)?,
        threshold_e6: m.threshold_e6,
        webhook: m.webhook_url.clone(),
        email: m
            .email_to
            .split(',')
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect(),
        name: m.name.clone(),
    };
    Ok(RuleRow {
        id: m.id,
        rule,
        created_by: m.created_by,
    })
}

/// Moves whenever the ledger or a rule changes (sign-ins aside): the evaluator looks again then.
pub async fn watched_version(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    let row = db
        .query_one(
            Query::select()
                .expr(crate::db::total_or_zero(Expr::col("id").max()))
                .from("audit_log")
                .and_where(Expr::col("entity").ne(domain::AuditEntity::Session.as_str())),
        )
        .await?;
    Ok(row
        .map(|r| r.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0))
}
