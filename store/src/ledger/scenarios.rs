//! Named what-if scenarios. They change no ledger entry; saving or deleting one is audited
//! like any other change so that the history says who set up which assumptions.

use super::WriteError;
use crate::write::EntityWrite;
use chrono::Utc;
use domain::scenario::Scenario;
use domain::FieldError;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

/// Every scenario, by name.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Scenario>, DbErr> {
    select(db, "SELECT definition FROM scenarios ORDER BY name", vec![]).await
}

/// The scenario named `name`; asked for on every report or dashboard view under one.
pub async fn get(db: &impl ConnectionTrait, name: &str) -> Result<Option<Scenario>, DbErr> {
    let found = select(
        db,
        "SELECT definition FROM scenarios WHERE name = ?",
        vec![name.into()],
    )
    .await?;
    Ok(found.into_iter().next())
}

async fn select(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> Result<Vec<Scenario>, DbErr> {
    let rows = db
        .query_all_raw(crate::db::statement(db.get_database_backend(), sql, values))
        .await?;
    rows.iter()
        .map(|row| {
            let text: String = row.try_get_by_index(0)?;
            serde_json::from_str(&text).map_err(|e| DbErr::Custom(format!("scenario: {e}")))
        })
        .collect()
}

pub async fn create(
    db: &DatabaseConnection,
    actor: &str,
    scenario: Scenario,
) -> Result<i64, WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    if get(&w.txn, &scenario.name).await?.is_some() {
        return Err(WriteError::Conflict(FieldError::new(
            "name",
            format!("a scenario named {:?} already exists", scenario.name),
        )));
    }
    let definition = serde_json::to_value(&scenario).map_err(|e| DbErr::Custom(e.to_string()))?;
    let id = crate::db::insert_returning_id(
        &w.txn,
        "INSERT INTO scenarios (name, definition, created_at, created_by) VALUES (?, ?, ?, ?) RETURNING id",
        vec![
            scenario.name.clone().into(),
            definition.to_string().into(),
            Utc::now().into(),
            actor.into(),
        ],
    )
    .await?;
    w.commit(
        domain::AuditEntity::Scenario,
        Some(scenario.name.clone()),
        "create",
        None,
        Some(definition),
    )
    .await?;
    Ok(id)
}

/// Replaces the assumptions of the scenario named `name` (the name stays).
pub async fn update(
    db: &DatabaseConnection,
    actor: &str,
    name: &str,
    scenario: Scenario,
) -> Result<(), WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let Some(before) = get(&w.txn, name).await? else {
        return Err(WriteError::NotFound(format!("no scenario named {name:?}")));
    };
    if scenario.name != name {
        return Err(FieldError::new("name", "a scenario's name cannot be changed").into());
    }
    let definition = serde_json::to_value(&scenario).map_err(|e| DbErr::Custom(e.to_string()))?;
    w.txn
        .execute_raw(crate::db::statement(
            w.txn.get_database_backend(),
            "UPDATE scenarios SET definition = ? WHERE name = ?",
            vec![definition.to_string().into(), name.into()],
        ))
        .await?;
    w.commit(
        domain::AuditEntity::Scenario,
        Some(name.to_owned()),
        "update",
        serde_json::to_value(&before).ok(),
        Some(definition),
    )
    .await?;
    Ok(())
}

pub async fn delete(db: &DatabaseConnection, actor: &str, name: &str) -> Result<(), WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let Some(before) = get(&w.txn, name).await? else {
        return Err(WriteError::NotFound(format!("no scenario named {name:?}")));
    };
    w.txn
        .execute_raw(crate::db::statement(
            w.txn.get_database_backend(),
            "DELETE FROM scenarios WHERE name = ?",
            vec![name.into()],
        ))
        .await?;
    w.commit(
        domain::AuditEntity::Scenario,
        Some(name.to_owned()),
        "delete",
        serde_json::to_value(&before).ok(),
        None,
    )
    .await?;
    Ok(())
}
