//! Period close: a month closed for the books takes no new or changed usage, revenue or
//! receipts dated in it (from forms or imports) until an admin reopens it. Closing and
//! reopening are in the audit trail.

use super::WriteError;
use crate::write::EntityWrite;
use chrono::{NaiveDate, Utc};
use domain::date::month_start;
use domain::FieldError;
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use serde_json::json;

pub use domain::views::ClosedPeriod;

const TABLE: &str = "closed_periods";

/// The refusal for an entry dated in a closed month, on the entry's date field.
pub fn closed_error(column: &str, date: NaiveDate) -> FieldError {
    FieldError::new(
        column,
        format!(
            "{date} falls in {}, which is closed; an admin can reopen the month",
            month_start(date).format("%B %Y")
        ),
    )
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<ClosedPeriod>, DbErr> {
    let rows = db
        .query_all(
            Query::select()
                .columns(["month", "closed_at", "closed_by"])
                .from(TABLE)
                .order_by("month", Order::Desc),
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(ClosedPeriod {
                month: r.try_get_by_index(0)?,
                closed_at: r.try_get_by_index(1)?,
                closed_by: r.try_get_by_index(2)?,
            })
        })
        .collect()
}

pub(crate) async fn closed_months(
    conn: &impl ConnectionTrait,
) -> Result<std::collections::HashSet<NaiveDate>, DbErr> {
    Ok(list(conn).await?.into_iter().map(|p| p.month).collect())
}

async fn is_closed(conn: &impl ConnectionTrait, month: NaiveDate) -> Result<bool, DbErr> {
    crate::db::any_row(
        conn,
        Query::select()
            .column("month")
            .from(TABLE)
            .and_where(Expr::col("month").eq(month))
            .to_owned(),
    )
    .await
}

/// Refuses a write dated in a closed month (checked inside the write's transaction).
pub(crate) async fn ensure_open(
    conn: &impl ConnectionTrait,
    column: &str,
    date: NaiveDate,
) -> Result<(), WriteError> {
    if is_closed(conn, month_start(date)).await? {
        return Err(WriteError::Invalid(vec![closed_error(column, date)]));
    }
    Ok(())
}

pub async fn close(
    db: &DatabaseConnection,
    actor: &str,
    month: NaiveDate,
) -> Result<(), WriteError> {
    let month = month_start(month);
    let w = EntityWrite::begin(db, actor).await?;
    if is_closed(&w.txn, month).await? {
        return Err(WriteError::Invalid(vec![FieldError::new(
            "month",
            format!("{} is already closed", month.format("%B %Y")),
        )]));
    }
    let at = Utc::now();
    w.txn
        .execute(
            Query::insert()
                .into_table(TABLE)
                .columns(["month", "closed_at", "closed_by"])
                .values_panic([month.into(), at.into(), actor.into()]),
        )
        .await?;
    commit_change(w, month, true).await
}

pub async fn reopen(
    db: &DatabaseConnection,
    actor: &str,
    month: NaiveDate,
) -> Result<(), WriteError> {
    let month = month_start(month);
    let w = EntityWrite::begin(db, actor).await?;
    if !is_closed(&w.txn, month).await? {
        return Err(WriteError::NotFound(format!(
            "{} is not closed",
            month.format("%B %Y")
        )));
    }
    w.txn
        .execute(
            Query::delete()
                .from_table(TABLE)
                .and_where(Expr::col("month").eq(month)),
        )
        .await?;
    commit_change(w, month, false).await
}

/// Records the month's new state (closed or open) beside its old one, and commits.
async fn commit_change(
    w: EntityWrite<'_>,
    month: NaiveDate,
    closed: bool,
) -> Result<(), WriteError> {
    let state = |closed: bool| Some(json!({ "month": month.to_string(), "closed": closed }));
    let action = if closed { "close" } else { "reopen" };
    w.commit(
        domain::AuditEntity::Period,
        Some(month.to_string()),
        action,
        state(!closed),
        state(closed),
    )
    .await
}
