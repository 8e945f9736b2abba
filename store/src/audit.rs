//! The audit trail: who changed what, when, from what, to what. Every write to the ledger
//! records an entry in the same transaction as the change itself.

use crate::entities::audit_log;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseTransaction, DbErr, Set};
use serde_json::Value as Json;

pub struct Change<'a> {
    pub actor: &'a str,
    pub entity: domain::AuditEntity,
    pub entity_id: Option<String>,
    pub action: &'a str,
    pub before: Option<Json>,
    pub after: Option<Json>,
}

pub async fn record(conn: &impl ConnectionTrait, change: Change<'_>) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        at: Set(chrono::Utc::now()),
        actor: Set(change.actor.to_owned()),
        entity: Set(change.entity.as_str().to_owned()),
        entity_id: Set(change.entity_id),
        action: Set(change.action.to_owned()),
        before: Set(change.before),
        after: Set(change.after),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map(|_| ())
}

/// Records the change and commits the transaction that made it: how every single-entry write
/// ends, so none can commit without its audit entry.
pub async fn commit_with(txn: DatabaseTransaction, change: Change<'_>) -> Result<(), DbErr> {
    record(&txn, change).await?;
    txn.commit().await
}
