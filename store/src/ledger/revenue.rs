//! Monthly revenue: one entry per month and currency.

use super::WriteError;
use crate::entities::revenue_entry;
use crate::write::EntityWrite;
use chrono::NaiveDate;
use domain::entries::NewRevenue;
use domain::views::RevenueRow;
use domain::{Currency, FieldError, Money};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

/// Newest month first, optionally within `from..=to` (months are few: no paging needed).
pub async fn list(
    db: &impl ConnectionTrait,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<RevenueRow>, DbErr> {
    let mut query = revenue_entry::Entity::find()
        .order_by_desc(revenue_entry::Column::PeriodStart)
        .order_by_asc(revenue_entry::Column::Currency);
    if let Some(from) = from {
        query = query.filter(revenue_entry::Column::PeriodStart.gte(from));
    }
    if let Some(to) = to {
        query = query.filter(revenue_entry::Column::PeriodStart.lte(to));
    }
    query.all(db).await?.into_iter().map(row).collect()
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<RevenueRow>, DbErr> {
    revenue_entry::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(row)
        .transpose()
}

fn row(r: revenue_entry::Model) -> Result<RevenueRow, DbErr> {
    let currency = Currency::parse(&r.currency).map_err(DbErr::Custom)?;
    Ok(RevenueRow {
        id: r.id,
        period_start: r.period_start,
        amount: Money::from_minor(r.amount_minor, currency),
    })
}

fn snapshot(r: &revenue_entry::Model) -> serde_json::Value {
    json!({
        "period_start": r.period_start.to_string(),
        "amount": domain::decimal::format_scaled(r.amount_minor, domain::money::MINOR_PLACES),
        "currency": r.currency,
    })
}

fn entity_id(r: &revenue_entry::Model) -> String {
    format!("{} {}", r.period_start.format("%Y-%m"), r.currency)
}

async fn taken(
    conn: &impl ConnectionTrait,
    new: &NewRevenue,
    except: Option<i64>,
) -> Result<Option<FieldError>, DbErr> {
    let existing = revenue_entry::Entity::find()
        .filter(revenue_entry::Column::PeriodStart.eq(new.period_start))
        .filter(revenue_entry::Column::Currency.eq(new.amount.currency().as_str()))
        .one(conn)
        .await?;
    Ok(existing.filter(|e| Some(e.id) != except).map(|e| {
        FieldError::new(
            "period_start",
            format!(
                "{} already has revenue in {} (entry #{}); correct that entry instead",
                new.period_start.format("%Y-%m"),
                e.currency,
                e.id
            ),
        )
    }))
}

pub async fn add(db: &DatabaseConnection, actor: &str, new: NewRevenue) -> Result<i64, WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    super::periods::ensure_open(&w.txn, "period_start", new.period_start).await?;
    if let Some(error) = taken(&w.txn, &new, None).await? {
        return Err(WriteError::Conflict(error));
    }
    let saved = revenue_entry::ActiveModel {
        period_start: Set(new.period_start),
        amount_minor: Set(new.amount.minor()),
        currency: Set(new.amount.currency().as_str().to_owned()),
        ..Default::default()
    }
    .insert(&w.txn)
    .await?;
    w.commit(
        domain::AuditEntity::Revenue,
        Some(entity_id(&saved)),
        "create",
        None,
        Some(snapshot(&saved)),
    )
    .await?;
    Ok(saved.id)
}

/// Replaces an entry's values; the original stays in the audit trail.
pub async fn correct(
    db: &DatabaseConnection,
    actor: &str,
    id: i64,
    new: NewRevenue,
) -> Result<(), WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let before = w
        .existing::<revenue_entry::Entity>(id, "revenue entry")
        .await?;
    super::periods::ensure_open(&w.txn, "period_start", before.period_start).await?;
    super::periods::ensure_open(&w.txn, "period_start", new.period_start).await?;
    if let Some(error) = taken(&w.txn, &new, Some(id)).await? {
        return Err(WriteError::Conflict(error));
    }
    let mut active = before.clone().into_active_model();
    active.period_start = Set(new.period_start);
    active.amount_minor = Set(new.amount.minor());
    active.currency = Set(new.amount.currency().as_str().to_owned());
    let after = active.update(&w.txn).await?;
    w.commit(
        domain::AuditEntity::Revenue,
        Some(entity_id(&after)),
        "correct",
        Some(snapshot(&before)),
        Some(snapshot(&after)),
    )
    .await?;
    Ok(())
}

/// Deletes an entry recorded by mistake (its month must be open); the audit trail keeps it.
pub async fn remove(db: &DatabaseConnection, actor: &str, id: i64) -> Result<(), WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let before = w
        .existing::<revenue_entry::Entity>(id, "revenue entry")
        .await?;
    super::periods::ensure_open(&w.txn, "period_start", before.period_start).await?;
    revenue_entry::Entity::delete_by_id(id).exec(&w.txn).await?;
    w.commit(
        domain::AuditEntity::Revenue,
        Some(entity_id(&before)),
        "delete",
        Some(snapshot(&before)),
        None,
    )
    .await?;
    Ok(())
}
