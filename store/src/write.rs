//! The one way an entity is written: a write transaction, the row found or a NotFound that
//! names it, and the change committed together with its audit entry (who, what, before, after)
//! so that nothing is stored without one.

use crate::audit::{self, Change};
use crate::ledger::WriteError;
use domain::AuditEntity;
use sea_orm::{DatabaseConnection, DatabaseTransaction, EntityTrait, PrimaryKeyTrait};
use serde_json::Value as Json;

pub(crate) struct EntityWrite<'a> {
    pub txn: DatabaseTransaction,
    actor: &'a str,
    /// Held until the write commits or is dropped.
    _turn: crate::db::WriteTurn,
}

impl<'a> EntityWrite<'a> {
    pub async fn begin(db: &DatabaseConnection, actor: &'a str) -> Result<Self, WriteError> {
        let (txn, turn) = crate::db::begin_write(db).await?;
        Ok(Self {
            txn,
            actor,
            _turn: turn,
        })
    }

    /// The row with this id; `what` names it in the NotFound ("no revenue entry #7").
    pub async fn existing<E>(&self, id: i64, what: &str) -> Result<E::Model, WriteError>
    where
        E: EntityTrait,
        <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
    {
        E::find_by_id(id)
            .one(&self.txn)
            .await?
            .ok_or_else(|| WriteError::NotFound(format!("no {what} #{id}")))
    }

    /// Records the change in the audit trail and commits it with the write.
    pub async fn commit(
        self,
        entity: AuditEntity,
        entity_id: Option<String>,
        action: &str,
        before: Option<Json>,
        after: Option<Json>,
    ) -> Result<(), WriteError> {
        let change = Change {
            actor: self.actor,
            entity,
            entity_id,
            action,
            before,
            after,
        };
        Ok(audit::commit_with(self.txn, change).await?)
    }
}
