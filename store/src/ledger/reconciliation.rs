//! Reconciliation with vendor statements: the vendor says "consumed to date = X as of D" for a
//! contract; the ledger's own figure is the sum of its usage up to D. They agree when the
//! difference is within the statement's tolerance; when they do not, the entries since the
//! previous statement are where to look.

use super::WriteError;
use crate::write::EntityWrite;
use chrono::{NaiveDate, Utc};
use domain::views::Reconciliation;
use domain::{FieldError, Money};
use sea_orm::sea_query::{Expr, ExprTrait, JoinType, Order, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use serde_json::json;

/// A statement as typed: contract reference, as-of date, the vendor's consumed amount and
/// the tolerance (in the contract's currency), and a note.
pub struct NewStatement<'a> {
    pub contract: &'a str,
    pub as_of: &'a str,
    pub consumed: &'a str,
    pub tolerance: &'a str,
    pub note: &'a str,
}

pub async fn record(
    db: &DatabaseConnection,
    actor: &str,
    raw: NewStatement<'_>,
) -> Result<i64, WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let contract = super::contract_lookup::require(&w.txn, raw.contract.trim(), "contract").await?;
    let currency = domain::Currency::parse(&contract.currency).map_err(DbErr::Custom)?;
    let mut errors = Vec::new();
    let as_of = domain::date::parse_iso_date(raw.as_of)
        .map_err(|e| errors.push(FieldError::new("as_of", e)))
        .ok();
    let consumed = Money::parse_non_negative(raw.consumed, currency)
        .map_err(|e| errors.push(FieldError::new("consumed", e)))
        .ok();
    let tolerance_text = if raw.tolerance.trim().is_empty() {
        "0"
    } else {
        raw.tolerance
    };
    let tolerance = Money::parse_non_negative(tolerance_text, currency)
        .map_err(|e| errors.push(FieldError::new("tolerance", e)))
        .ok();
    if let Some(as_of) = as_of {
        if as_of < contract.start_date {
            errors.push(FieldError::new(
                "as_of",
                format!("is before the contract starts ({})", contract.start_date),
            ));
        }
    }
    let note = domain::text::optional(raw.note, domain::text::NOTE_MAX)
        .map_err(|e| errors.push(FieldError::new("note", e)))
        .ok();
    let (Some(as_of), Some(consumed), Some(tolerance), Some(note)) =
        (as_of, consumed, tolerance, note)
    else {
        return Err(WriteError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(WriteError::Invalid(errors));
    }
    let id = crate::db::insert_returning_id(
        &w.txn,
        Query::insert()
            .into_table("vendor_statements")
            .columns([
                "contract_id",
                "as_of",
                "consumed_minor",
                "tolerance_minor",
                "note",
                "recorded_at",
                "recorded_by",
            ])
            .values_panic([
                contract.id.into(),
                as_of.into(),
                consumed.minor().into(),
                tolerance.minor().into(),
                note.clone().into(),
                Utc::now().into(),
                actor.into(),
            ])
            .to_owned(),
    )
    .await?;
    w.commit(
        domain::AuditEntity::Statement,
        Some(format!("{}/{id}", contract.reference)),
        "create",
        None,
        Some(json!({
                "contract": contract.reference,
                "as_of": as_of.to_string(),
                "consumed": consumed.amount_string(),
                "tolerance": tolerance.amount_string(),
                "note": note
        })),
    )
    .await?;
    Ok(id)
}

/// Every statement of a contract, newest first, against the ledger's consumption to its date.
pub async fn for_contract(
    db: &impl ConnectionTrait,
    reference: &str,
) -> Result<Vec<Reconciliation>, DbErr> {
    // Usage up to the statement's date.
    let ledger = Query::select()
        .expr(Expr::col(("d", "amount_e6")).sum())
        .from_as("usage_daily", "d")
        .and_where(Expr::col(("d", "contract_id")).equals(("s", "contract_id")))
        .and_where(Expr::col(("d", "date")).lte(Expr::col(("s", "as_of"))))
        .to_owned();
    let rows = db
        .query_all(
            Query::select()
                .columns([
                    ("s", "id"),
                    ("s", "as_of"),
                    ("s", "consumed_minor"),
                    ("s", "tolerance_minor"),
                    ("s", "note"),
                    ("c", "currency"),
                    ("c", "start_date"),
                ])
                .expr_as(crate::db::total_or_zero(ledger), "ledger_e6")
                .from_as("vendor_statements", "s")
                .join_as(
                    JoinType::InnerJoin,
                    "contracts",
                    "c",
                    Expr::col(("c", "id")).equals(("s", "contract_id")),
                )
                .and_where(Expr::col(("c", "reference")).eq(reference))
                .order_by(("s", "as_of"), Order::Asc)
                .order_by(("s", "id"), Order::Asc),
        )
        .await?;
    let mut out = Vec::new();
    let mut previous: Option<NaiveDate> = None;
    for r in rows {
        let as_of: NaiveDate = r.try_get_by_index(1)?;
        let start: NaiveDate = r.try_get_by_index(6)?;
        let currency: String = r.try_get_by_index(5)?;
        let currency = domain::Currency::parse(&currency).map_err(DbErr::Custom)?;
        let vendor: i64 = r.try_get_by_index(2)?;
        let tolerance: i64 = r.try_get_by_index(3)?;
        // The ledger's exact sum, rounded once to compare with the statement's cents.
        let ledger = domain::exact::to_minor(r.try_get_by_index(7)?);
        let from = previous
            .and_then(|p| p.succ_opt())
            .filter(|d| *d <= as_of)
            .unwrap_or(start);
        out.push(Reconciliation {
            id: r.try_get_by_index(0)?,
            as_of,
            vendor_consumed: Money::from_minor(vendor, currency),
            ledger_consumed: Money::from_minor(ledger, currency),
            difference: Money::from_minor(ledger - vendor, currency),
            tolerance: Money::from_minor(tolerance, currency),
            agrees: (ledger - vendor).abs() <= tolerance,
            note: r.try_get_by_index(4)?,
            entries_from: from,
        });
        previous = Some(as_of);
    }
    out.reverse();
    Ok(out)
}
