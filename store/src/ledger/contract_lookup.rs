//! Finding the contract an entry names: what every writer of phases, receipts, usage,
//! commitments and statements does first.

use super::WriteError;
use crate::entities::contract;
use domain::FieldError;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

pub(crate) async fn find(
    conn: &impl ConnectionTrait,
    reference: &str,
) -> Result<Option<contract::Model>, DbErr> {
    contract::Entity::find()
        .filter(contract::Column::Reference.eq(reference))
        .one(conn)
        .await
}

/// The contract an entry names, or an error on that form field.
pub(crate) async fn require(
    conn: &impl ConnectionTrait,
    reference: &str,
    column: &str,
) -> Result<contract::Model, WriteError> {
    find(conn, reference)
        .await?
        .ok_or_else(|| FieldError::new(column, format!("no contract {reference:?}")).into())
}
