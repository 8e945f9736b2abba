//! Commitments of a contract: the contract's own (kept in step with the contract by
//! [`save_own`]), further ones added by form or file, and how a usage entry finds the one it
//! burns.

use super::WriteError;
use crate::entities::{commitment, contract};
use crate::write::EntityWrite;
use domain::commitment::{Applicable, NewCommitment, Scope};
use domain::date::Term;
use domain::entries::NewContract;
use domain::views::CommitmentRow;
use domain::{Currency, FieldError, Money, Quantity};
use sea_orm::sea_query::{Asterisk, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

pub(crate) async fn of_contract(
    conn: &impl ConnectionTrait,
    contract_id: i64,
) -> Result<Vec<commitment::Model>, DbErr> {
    commitment::Entity::find()
        .filter(commitment::Column::ContractId.eq(contract_id))
        .order_by_asc(commitment::Column::Reference)
        .all(conn)
        .await
}

/// The contract's own commitment (the one with the contract's reference), if it has one.
pub(crate) async fn own(
    conn: &impl ConnectionTrait,
    c: &contract::Model,
) -> Result<Option<commitment::Model>, DbErr> {
    commitment::Entity::find()
        .filter(commitment::Column::ContractId.eq(c.id))
        .filter(commitment::Column::Reference.eq(c.reference.as_str()))
        .one(conn)
        .await
}

pub(crate) fn applicable(k: &commitment::Model) -> Result<Applicable, DbErr> {
    Ok(Applicable {
        id: k.id,
        reference: k.reference.clone(),
        period: Term::new(k.start_date, k.end_date).map_err(DbErr::Custom)?,
        scope: Scope::parse(&k.scope).map_err(DbErr::Custom)?,
    })
}

/// How the audit trail shows a commitment.
pub(crate) fn snapshot(k: &commitment::Model, contract: &str, currency: &str) -> serde_json::Value {
    json!({
        "contract": contract,
        "commitment": k.reference,
        "category": k.category,
        "committed_amount": domain::decimal::format_scaled(k.committed_minor, domain::money::MINOR_PLACES),
        "currency": currency,
        "quantity": k.quantity_micros.map(|q| Quantity::from_micros(q).to_string()),
        "unit": k.unit,
        "commitment_model": k.commitment_model,
        "fulfillment_interval": k.fulfillment_interval,
        "start_date": k.start_date.to_string(),
        "end_date": k.end_date.to_string(),
        "scope": k.scope,
    })
}

fn active(contract_id: i64, new: &NewCommitment) -> commitment::ActiveModel {
    commitment::ActiveModel {
        contract_id: Set(contract_id),
        reference: Set(new.reference.clone()),
        category: Set(new.category.as_str().to_owned()),
        committed_minor: Set(new.committed.minor()),
        quantity_micros: Set(new.quantity.map(|q| q.micros())),
        unit: Set(new.unit.clone()),
        commitment_model: Set(new.model.as_str().to_owned()),
        fulfillment_interval: Set(new.interval.as_str().to_owned()),
        start_date: Set(new.period.start()),
        end_date: Set(new.period.end()),
        scope: Set(new.scope.as_text()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
}

/// The own commitment a contract form or `contracts.csv` row describes.
pub(crate) fn own_terms(new: &NewContract) -> Option<NewCommitment> {
    let committed = new.committed?;
    Some(NewCommitment {
        contract: new.reference.clone(),
        reference: new.reference.clone(),
        category: domain::CommitmentCategory::Spend,
        committed,
        quantity: None,
        unit: String::new(),
        model: new.commitment_model,
        interval: new.fulfillment_interval,
        period: new.term,
        scope: Scope::default(),
    })
}

/// Writes the contract's own commitment as the contract form or file gives it: created,
/// updated, or (refused) removed. Returns the audit "before" and "after" of the commitment.
pub(crate) async fn save_own(
    conn: &impl ConnectionTrait,
    c: &contract::Model,
    new: &NewContract,
) -> Result<(Option<commitment::Model>, Option<commitment::Model>), WriteError> {
    let before = own(conn, c).await?;
    let after = match (&before, own_terms(new)) {
        (None, None) => None,
        (None, Some(terms)) => Some(active(c.id, &terms).insert(conn).await?),
        (Some(_), None) => {
            return Err(FieldError::new(
                "committed_amount",
                "is required: the contract has its own commitment (set it to 0 to owe nothing)",
            )
            .into())
        }
        (Some(old), Some(terms)) => {
            let mut a = old.clone().into_active_model();
            a.committed_minor = Set(terms.committed.minor());
            a.commitment_model = Set(terms.model.as_str().to_owned());
            a.fulfillment_interval = Set(terms.interval.as_str().to_owned());
            a.start_date = Set(terms.period.start());
            a.end_date = Set(terms.period.end());
            Some(a.update(conn).await?)
        }
    };
    Ok((before, after))
}

/// Every commitment of the contract must stay inside its (possibly new) term.
pub(crate) async fn check_inside(
    conn: &impl ConnectionTrait,
    c: &contract::Model,
    term: &Term,
) -> Result<Vec<FieldError>, DbErr> {
    Ok(of_contract(conn, c.id)
        .await?
        .into_iter()
        .filter(|k| k.reference != c.reference)
        .filter(|k| !(term.contains(k.start_date) && term.contains(k.end_date)))
        .map(|k| {
            FieldError::new(
                "end_date",
                format!(
                    "commitment {} runs {}..{}; the term must cover it",
                    k.reference, k.start_date, k.end_date
                ),
            )
        })
        .collect())
}

/// Adds a further commitment to a contract (the form on the contract page); its amount is in
/// the contract's currency, so the form's text is read once the contract is known.
pub async fn add(
    db: &DatabaseConnection,
    actor: &str,
    raw: &domain::commitment::RawCommitment<'_>,
) -> Result<String, WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let c = super::contract_lookup::require(&w.txn, raw.contract.trim(), "contract").await?;
    let currency = Currency::parse(&c.currency).map_err(DbErr::Custom)?;
    let new = NewCommitment::parse(raw, currency)?;
    let saved = insert(&w.txn, &c, &new).await?;
    w.commit(
        domain::AuditEntity::Commitment,
        Some(format!("{}/{}", c.reference, saved.reference)),
        "create",
        None,
        Some(snapshot(&saved, &c.reference, &c.currency)),
    )
    .await?;
    Ok(saved.reference)
}

/// The checks every new commitment passes, whether from a form or a file.
fn check_new(
    c: &contract::Model,
    existing: &[commitment::Model],
    new: &NewCommitment,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if new.committed.currency().as_str() != c.currency {
        errors.push(FieldError::new(
            "currency",
            format!("contract {} is in {}", c.reference, c.currency),
        ));
    }
    if existing.iter().any(|k| k.reference == new.reference) {
        errors.push(FieldError::new(
            "commitment",
            format!(
                "contract {} already has a commitment {:?}",
                c.reference, new.reference
            ),
        ));
    }
    if let Ok(term) = Term::new(c.start_date, c.end_date) {
        if let Err(e) = new.check_within(&term) {
            errors.push(e);
        }
    }
    errors
}

async fn insert(
    conn: &impl ConnectionTrait,
    c: &contract::Model,
    new: &NewCommitment,
) -> Result<commitment::Model, WriteError> {
    let existing = of_contract(conn, c.id).await?;
    let errors = check_new(c, &existing, new);
    if let [taken] = &errors[..] {
        if existing.iter().any(|k| k.reference == new.reference) {
            return Err(WriteError::Conflict(taken.clone()));
        }
    }
    if !errors.is_empty() {
        return Err(WriteError::Invalid(errors));
    }
    Ok(active(c.id, new).insert(conn).await?)
}

/// A commitment's money in the contract's currency.
fn money(minor: i64, currency: &str) -> Result<Money, DbErr> {
    Ok(Money::from_minor(
        minor,
        Currency::parse(currency).map_err(DbErr::Custom)?,
    ))
}

/// The contract's commitments with what has been applied to each, and the spend in each
/// scoped commitment's period that its scope kept out (applied to no commitment).
pub async fn rows(
    conn: &impl ConnectionTrait,
    c: &contract::Model,
) -> Result<Vec<CommitmentRow>, DbErr> {
    // The sum of a rollup column over the days that `days` picks, for each commitment `k`.
    let sum = |column: &'static str, days: Expr| {
        crate::db::total_or_zero(
            Query::select()
                .expr(Expr::col(("d", column)).sum())
                .from_as("usage_daily", "d")
                .and_where(days)
                .to_owned(),
        )
    };
    let applied = || Expr::col(("d", "commitment_id")).equals(("k", "id"));
    let unapplied = Expr::col(("d", "contract_id"))
        .equals(("k", "contract_id"))
        .and(Expr::col(("d", "commitment_id")).eq(crate::rollup::NO_COMMITMENT))
        .and(Expr::col(("d", "date")).gte(Expr::col(("k", "start_date"))))
        .and(Expr::col(("d", "date")).lte(Expr::col(("k", "end_date"))));
    let query = Query::select()
        .column(("k", "id"))
        .expr_as(sum("amount_e6", applied()), "applied")
        .expr_as(sum("quantity_micros", applied()), "applied_quantity")
        .expr_as(sum("amount_e6", unapplied), "unapplied")
        .from_as("commitments", "k")
        .and_where(Expr::col(("k", "contract_id")).eq(c.id))
        .to_owned();
    let mut sums = std::collections::HashMap::new();
    for row in conn.query_all(&query).await? {
        let id: i64 = row.try_get("", "id")?;
        let applied: i64 = row.try_get("", "applied")?;
        let quantity: i64 = row.try_get("", "applied_quantity")?;
        let unapplied: i64 = row.try_get("", "unapplied")?;
        sums.insert(id, (applied, quantity, unapplied));
    }
    of_contract(conn, c.id)
        .await?
        .into_iter()
        .map(|k| {
            let (applied, quantity, unapplied) = sums.get(&k.id).copied().unwrap_or_default();
            Ok(CommitmentRow {
                own: k.reference == c.reference,
                committed: money(k.committed_minor, &c.currency)?,
                // Exact in the rollup; rounded once, here, where it is shown.
                applied: money(domain::exact::to_minor(applied), &c.currency)?,
                not_counted: money(
                    if k.scope.is_empty() {
                        0
                    } else {
                        domain::exact::to_minor(unapplied)
                    },
                    &c.currency,
                )?,
                quantity_micros: k.quantity_micros,
                applied_quantity_micros: quantity,
                reference: k.reference,
                category: k.category,
                unit: k.unit,
                commitment_model: k.commitment_model,
                fulfillment_interval: k.fulfillment_interval,
                start_date: k.start_date,
                end_date: k.end_date,
                scope: k.scope,
            })
        })
        .collect()
}

/// A commitment of `c` other than its own (which changes with the contract, never alone).
async fn further(
    conn: &impl ConnectionTrait,
    c: &contract::Model,
    reference: &str,
) -> Result<commitment::Model, WriteError> {
    if reference == c.reference {
        return Err(FieldError::new(
            "commitment",
            "this is the contract's own commitment: change it through the contract",
        )
        .into());
    }
    commitment::Entity::find()
        .filter(commitment::Column::ContractId.eq(c.id))
        .filter(commitment::Column::Reference.eq(reference))
        .one(conn)
        .await?
        .ok_or_else(|| {
            WriteError::NotFound(format!(
                "contract {} has no commitment {reference:?}",
                c.reference
            ))
        })
}

/// Usage entries applied to the commitment.
async fn applied_entries(conn: &impl ConnectionTrait, id: i64) -> Result<i64, DbErr> {
    let row = conn
        .query_one(
            Query::select()
                .expr_as(Expr::col(Asterisk).count(), "n")
                .from("usage_entries")
                .and_where(Expr::col("commitment_id").eq(id)),
        )
        .await?;
    row.map_or(Ok(0), |r| r.try_get("", "n"))
}

/// Changes a further commitment's terms. Once spend is applied to it, its category, period
/// and scope stay (they decided where that spend went); its amounts and model may change.
pub async fn update(
    db: &DatabaseConnection,
    actor: &str,
    raw: &domain::commitment::RawCommitment<'_>,
) -> Result<(), WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let c = super::contract_lookup::require(&w.txn, raw.contract.trim(), "contract").await?;
    let before = further(&w.txn, &c, raw.commitment.trim()).await?;
    let currency = Currency::parse(&c.currency).map_err(DbErr::Custom)?;
    let new = NewCommitment::parse(raw, currency)?;
    let mut errors = Vec::new();
    if let Ok(term) = Term::new(c.start_date, c.end_date) {
        errors.extend(new.check_within(&term).err());
    }
    let applied = applied_entries(&w.txn, before.id).await?;
    let fixed = [
        ("category", before.category != new.category.as_str()),
        ("start_date", before.start_date != new.period.start()),
        ("end_date", before.end_date != new.period.end()),
        ("scope", before.scope != new.scope.as_text()),
    ];
    for (field, changed) in fixed {
        if applied > 0 && changed {
            errors.push(FieldError::new(
                field,
                format!("{applied} usage entries are applied to this commitment; its {field} cannot change"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(WriteError::Invalid(errors));
    }
    let mut a = active(c.id, &new);
    a.id = Set(before.id);
    a.created_at = Set(before.created_at);
    let after = a.update(&w.txn).await?;
    w.commit(
        domain::AuditEntity::Commitment,
        Some(format!("{}/{}", c.reference, after.reference)),
        "update",
        Some(snapshot(&before, &c.reference, &c.currency)),
        Some(snapshot(&after, &c.reference, &c.currency)),
    )
    .await?;
    Ok(())
}

/// Deletes a further commitment that no spend is applied to (one entered by mistake); the
/// audit trail keeps it.
pub async fn remove(
    db: &DatabaseConnection,
    actor: &str,
    contract: &str,
    reference: &str,
) -> Result<(), WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let c = super::contract_lookup::find(&w.txn, contract)
        .await?
        .ok_or_else(|| WriteError::NotFound(format!("no contract {contract:?}")))?;
    let before = further(&w.txn, &c, reference).await?;
    let applied = applied_entries(&w.txn, before.id).await?;
    if applied > 0 {
        return Err(WriteError::Conflict(FieldError::new(
            "commitment",
            format!("{applied} usage entries are applied to it; correct them first"),
        )));
    }
    w.txn
        .execute(
            Query::delete()
                .from_table("usage_daily")
                .and_where(Expr::col("commitment_id").eq(before.id)),
        )
        .await?;
    commitment::Entity::delete_by_id(before.id)
        .exec(&w.txn)
        .await?;
    w.commit(
        domain::AuditEntity::Commitment,
        Some(format!("{}/{}", c.reference, before.reference)),
        "delete",
        Some(snapshot(&before, &c.reference, &c.currency)),
        None,
    )
    .await?;
    Ok(())
}
