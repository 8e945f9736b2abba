//! Named what-if scenarios. They change no ledger entry; saving or deleting one is audited
//! like any other change so that the history says who set up which assumptions.

use super::WriteError;
use crate::write::EntityWrite;
use chrono::Utc;
use domain::scenario::Scenario;
use domain::FieldError;
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

const TABLE: &str = "scenarios";

/// Every scenario, by name.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Scenario>, DbErr> {
    select(db, definitions().order_by("name", Order::Asc)).await
}

/// The scenario named `name`; asked for on every report or dashboard view under one.
pub async fn get(db: &impl ConnectionTrait, name: &str) -> Result<Option<Scenario>, DbErr> {
    let found = select(db, definitions().and_where(Expr::col("name").eq(name))).await?;
    Ok(found.into_iter().next())
}

fn definitions() -> SelectStatement {
    Query::select().column("definition").from(TABLE).to_owned()
}

async fn select(
    db: &impl ConnectionTrait,
    query: &SelectStatement,
) -> Result<Vec<Scenario>, DbErr> {
    let rows = db.query_all(query).await?;
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
        Query::insert()
            .into_table(TABLE)
            .columns(["name", "definition", "created_at", "created_by"])
            .values_panic([
                scenario.name.clone().into(),
                definition.to_string().into(),
                Utc::now().into(),
                actor.into(),
            ])
            .to_owned(),
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
        .execute(
            Query::update()
                .table(TABLE)
                .value("definition", definition.to_string())
                .and_where(Expr::col("name").eq(name)),
        )
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
        .execute(
            Query::delete()
                .from_table(TABLE)
                .and_where(Expr::col("name").eq(name)),
        )
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
