//! Vendors: the clouds and neoclouds the commitments are signed with.

use super::WriteError;
use crate::entities::vendor;
use crate::write::EntityWrite;
use domain::entries::NewVendor;
use domain::views::VendorRow;
use domain::FieldError;
use sea_orm::sea_query::{Expr, ExprTrait, JoinType, Order, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, Set,
};
use serde_json::json;

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<VendorRow>, DbErr> {
    let columns = [
        ("v", "id"),
        ("v", "name"),
        ("v", "kind"),
        ("v", "archived_at"),
    ];
    let rows = db
        .query_all(
            Query::select()
                .columns(columns)
                .expr_as(Expr::col(("c", "id")).count(), "contracts")
                .from_as("vendors", "v")
                .join_as(
                    JoinType::LeftJoin,
                    "contracts",
                    "c",
                    Expr::col(("c", "vendor_id")).equals(("v", "id")),
                )
                .group_by_columns(columns)
                .order_by(("v", "name"), Order::Asc),
        )
        .await?;
    rows.into_iter()
        .map(|row| {
            Ok(VendorRow {
                id: row.try_get("", "id")?,
                name: row.try_get("", "name")?,
                kind: row.try_get("", "kind")?,
                contracts: row.try_get("", "contracts")?,
                archived: row
                    .try_get::<Option<chrono::DateTime<chrono::Utc>>>("", "archived_at")?
                    .is_some(),
            })
        })
        .collect()
}

pub(crate) async fn find_by_name(
    conn: &impl ConnectionTrait,
    name: &str,
) -> Result<Option<vendor::Model>, DbErr> {
    vendor::Entity::find()
        .filter(vendor::Column::Name.eq(name))
        .one(conn)
        .await
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<VendorRow>, DbErr> {
    Ok(list(db).await?.into_iter().find(|v| v.id == id))
}

/// The vendor a form names, or an error on that form field. An archived vendor takes no new
/// contracts or entries.
pub(crate) async fn require(
    conn: &impl ConnectionTrait,
    name: &str,
    column: &str,
) -> Result<vendor::Model, WriteError> {
    let vendor = find_by_name(conn, name).await?.ok_or_else(|| {
        FieldError::new(
            column,
            format!("no vendor named {name:?}; add it on the Vendors page first"),
        )
    })?;
    if vendor.archived_at.is_some() {
        return Err(FieldError::new(column, format!("vendor {name:?} is archived")).into());
    }
    Ok(vendor)
}

fn name_taken(name: &str) -> WriteError {
    WriteError::Conflict(FieldError::new(
        "name",
        format!("a vendor named {name:?} already exists"),
    ))
}

/// A vendor's name by id (a stored row's foreign key, so it exists).
pub(crate) async fn name_of(conn: &impl ConnectionTrait, id: i64) -> Result<String, DbErr> {
    vendor::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(|v| v.name)
        .ok_or_else(|| DbErr::RecordNotFound(format!("vendor #{id}")))
}

fn snapshot(v: &vendor::Model) -> serde_json::Value {
    json!({ "name": v.name, "kind": v.kind, "archived_at": v.archived_at.map(super::utc_text) })
}

pub async fn create(
    db: &DatabaseConnection,
    actor: &str,
    new: NewVendor,
) -> Result<i64, WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    if find_by_name(&w.txn, &new.name).await?.is_some() {
        return Err(name_taken(&new.name));
    }
    let saved = vendor::ActiveModel {
        name: Set(new.name),
        kind: Set(new.kind.as_str().to_owned()),
        created_at: Set(chrono::Utc::now()),
        archived_at: Set(None),
        ..Default::default()
    }
    .insert(&w.txn)
    .await?;
    w.commit(
        domain::AuditEntity::Vendor,
        Some(saved.name.clone()),
        "create",
        None,
        Some(snapshot(&saved)),
    )
    .await?;
    Ok(saved.id)
}

pub async fn update(
    db: &DatabaseConnection,
    actor: &str,
    id: i64,
    new: NewVendor,
) -> Result<(), WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let before = w.existing::<vendor::Entity>(id, "vendor").await?;
    if new.name != before.name && find_by_name(&w.txn, &new.name).await?.is_some() {
        return Err(name_taken(&new.name));
    }
    let mut active = before.clone().into_active_model();
    active.name = Set(new.name);
    active.kind = Set(new.kind.as_str().to_owned());
    let after = active.update(&w.txn).await?;
    w.commit(
        domain::AuditEntity::Vendor,
        Some(after.name.clone()),
        "update",
        Some(snapshot(&before)),
        Some(snapshot(&after)),
    )
    .await?;
    Ok(())
}

/// An archived vendor keeps its contracts and history but takes no new contracts or entries.
pub async fn archive(db: &DatabaseConnection, actor: &str, id: i64) -> Result<(), WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let before = w.existing::<vendor::Entity>(id, "vendor").await?;
    if before.archived_at.is_some() {
        return Err(FieldError::new("name", "this vendor is already archived").into());
    }
    let mut active = before.clone().into_active_model();
    active.archived_at = Set(Some(chrono::Utc::now()));
    let after = active.update(&w.txn).await?;
    w.commit(
        domain::AuditEntity::Vendor,
        Some(after.name.clone()),
        "archive",
        Some(snapshot(&before)),
        Some(snapshot(&after)),
    )
    .await?;
    Ok(())
}
