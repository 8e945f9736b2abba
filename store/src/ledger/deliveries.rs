//! Phased deliveries: the plan per contract and the receipts logged against it.

use super::WriteError;
use crate::entities::{delivery_phase, delivery_receipt};
use crate::write::EntityWrite;
use domain::entries::{NewPhase, NewReceipt};
use domain::views::{PhaseProgress, ReceiptRow};
use domain::{FieldError, Quantity};
use sea_orm::sea_query::{Expr, JoinType, Order, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use serde_json::json;

/// The phases (of one contract, or of all) joined with their receipts, in display order.
fn phases_query(contract: Option<&str>) -> SelectStatement {
    // In here only: its `max` and `min`, for anything that makes an expression, clash with
    // `Ord`'s on the integers below.
    use sea_orm::sea_query::ExprTrait;
    Query::select()
        .column(("p", "id"))
        .column(("c", "reference"))
        .expr_as(Expr::col(("v", "name")), "vendor")
        .columns([
            ("p", "phase"),
            ("p", "resource"),
            ("p", "region"),
            ("p", "planned_date"),
            ("p", "planned_quantity_micros"),
            ("p", "planned_power_micros"),
        ])
        .expr_as(Expr::col(("r", "id")), "receipt_id")
        .expr_as(Expr::col(("r", "date")), "receipt_date")
        .columns([("r", "quantity_micros"), ("r", "note")])
        .expr_as(Expr::col(("r", "power_micros")), "receipt_power_micros")
        .from_as("delivery_phases", "p")
        .join_as(
            JoinType::InnerJoin,
            "contracts",
            "c",
            Expr::col(("c", "id")).equals(("p", "contract_id")),
        )
        .join_as(
            JoinType::InnerJoin,
            "vendors",
            "v",
            Expr::col(("v", "id")).equals(("c", "vendor_id")),
        )
        .join_as(
            JoinType::LeftJoin,
            "delivery_receipts",
            "r",
            Expr::col(("r", "phase_id")).equals(("p", "id")),
        )
        .and_where_option(contract.map(|reference| Expr::col(("c", "reference")).eq(reference)))
        .order_by(("p", "planned_date"), Order::Asc)
        .order_by(("c", "reference"), Order::Asc)
        .order_by(("p", "phase"), Order::Asc)
        .order_by(("r", "date"), Order::Asc)
        .order_by(("r", "id"), Order::Asc)
        .to_owned()
}

/// Every phase (of one contract, or of all), by planned date, with its receipts.
pub async fn phases(
    db: &impl ConnectionTrait,
    contract: Option<&str>,
) -> Result<Vec<PhaseProgress>, DbErr> {
    let rows = db.query_all(&phases_query(contract)).await?;
    let mut phases: Vec<(i64, PhaseProgress)> = Vec::new();
    for row in rows {
        let id: i64 = row.try_get("", "id")?;
        if phases.last().is_none_or(|(last, _)| *last != id) {
            phases.push((
                id,
                PhaseProgress {
                    contract: row.try_get("", "reference")?,
                    vendor: row.try_get("", "vendor")?,
                    phase: row.try_get("", "phase")?,
                    resource: row.try_get("", "resource")?,
                    region: row.try_get("", "region")?,
                    planned_date: row.try_get("", "planned_date")?,
                    planned_micros: row.try_get("", "planned_quantity_micros")?,
                    planned_power_micros: row.try_get("", "planned_power_micros")?,
                    received_micros: 0,
                    receipts: Vec::new(),
                },
            ));
        }
        let Some(receipt_id) = row.try_get::<Option<i64>>("", "receipt_id")? else {
            continue;
        };
        let phase = &mut phases.last_mut().expect("pushed above").1;
        let date: chrono::NaiveDate = row.try_get("", "receipt_date")?;
        let quantity_micros: i64 = row.try_get("", "quantity_micros")?;
        phase.received_micros += quantity_micros;
        phase.receipts.push(ReceiptRow {
            id: receipt_id,
            date,
            quantity_micros,
            note: row.try_get("", "note")?,
            power_micros: row.try_get("", "receipt_power_micros")?,
            days_late: (date - phase.planned_date).num_days().max(0),
        });
    }
    Ok(phases.into_iter().map(|(_, p)| p).collect())
}

pub async fn add_phase(
    db: &DatabaseConnection,
    actor: &str,
    new: NewPhase,
) -> Result<(), WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let contract = super::contract_lookup::require(&w.txn, &new.contract, "contract").await?;
    if find_phase(&w.txn, contract.id, &new.phase).await?.is_some() {
        return Err(WriteError::Conflict(FieldError::new(
            "phase",
            format!(
                "contract {} already has a phase {:?}",
                new.contract, new.phase
            ),
        )));
    }
    let saved = delivery_phase::ActiveModel {
        contract_id: Set(contract.id),
        phase: Set(new.phase.clone()),
        resource: Set(new.resource.clone()),
        region: Set(new.region.clone()),
        planned_date: Set(new.planned_date),
        planned_quantity_micros: Set(new.planned_quantity.micros()),
        planned_power_micros: Set(new.planned_power.map(|q| q.micros())),
        ..Default::default()
    }
    .insert(&w.txn)
    .await?;
    w.commit(
        domain::AuditEntity::Phase,
        Some(format!("{}/{}", new.contract, new.phase)),
        "create",
        None,
        Some(phase_snapshot(&new.contract, &saved)),
    )
    .await?;
    Ok(())
}

fn phase_snapshot(contract: &str, p: &delivery_phase::Model) -> serde_json::Value {
    json!({
        "contract": contract,
        "phase": p.phase,
        "resource": p.resource,
        "region": p.region,
        "planned_date": p.planned_date.to_string(),
        "planned_quantity": Quantity::from_micros(p.planned_quantity_micros).to_string(),
        "planned_power_mw": p.planned_power_micros.map(|m| Quantity::from_micros(m).to_string())
    })
}

fn receipt_snapshot(contract: &str, phase: &str, r: &delivery_receipt::Model) -> serde_json::Value {
    json!({
        "contract": contract,
        "phase": phase,
        "date": r.date.to_string(),
        "quantity": Quantity::from_micros(r.quantity_micros).to_string(),
        "note": r.note,
        "power_mw": r.power_micros.map(|m| Quantity::from_micros(m).to_string())
    })
}

/// The phase `phase` of contract `reference`, or not found.
async fn existing_phase(
    conn: &impl ConnectionTrait,
    reference: &str,
    phase: &str,
) -> Result<(crate::entities::contract::Model, delivery_phase::Model), WriteError> {
    let missing = || WriteError::NotFound(format!("contract {reference:?} has no phase {phase:?}"));
    let contract = super::contract_lookup::find(conn, reference)
        .await?
        .ok_or_else(missing)?;
    let found = find_phase(conn, contract.id, phase)
        .await?
        .ok_or_else(missing)?;
    Ok((contract, found))
}

/// Re-plans a phase (resource, region, planned date and quantity; the name stays).
pub async fn update_phase(
    db: &DatabaseConnection,
    actor: &str,
    new: NewPhase,
) -> Result<(), WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let (contract, before) = existing_phase(&w.txn, &new.contract, &new.phase).await?;
    let mut active = before.clone().into_active_model();
    active.resource = Set(new.resource.clone());
    active.region = Set(new.region.clone());
    active.planned_date = Set(new.planned_date);
    active.planned_quantity_micros = Set(new.planned_quantity.micros());
    active.planned_power_micros = Set(new.planned_power.map(|q| q.micros()));
    let after = active.update(&w.txn).await?;
    w.commit(
        domain::AuditEntity::Phase,
        Some(format!("{}/{}", contract.reference, after.phase)),
        "update",
        Some(phase_snapshot(&contract.reference, &before)),
        Some(phase_snapshot(&contract.reference, &after)),
    )
    .await?;
    Ok(())
}

/// Deletes a phase nothing was received against (one planned by mistake); the audit trail
/// keeps it.
pub async fn remove_phase(
    db: &DatabaseConnection,
    actor: &str,
    reference: &str,
    phase: &str,
) -> Result<(), WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let (contract, before) = existing_phase(&w.txn, reference, phase).await?;
    let receipts = delivery_receipt::Entity::find()
        .filter(delivery_receipt::Column::PhaseId.eq(before.id))
        .count(&w.txn)
        .await?;
    if receipts > 0 {
        return Err(WriteError::Conflict(FieldError::new(
            "phase",
            format!("{receipts} receipts are logged against it; it cannot be deleted"),
        )));
    }
    delivery_phase::Entity::delete_by_id(before.id)
        .exec(&w.txn)
        .await?;
    w.commit(
        domain::AuditEntity::Phase,
        Some(format!("{}/{}", contract.reference, before.phase)),
        "delete",
        Some(phase_snapshot(&contract.reference, &before)),
        None,
    )
    .await?;
    Ok(())
}

/// A receipt of the phase `phase` of contract `reference`, or not found.
async fn existing_receipt(
    conn: &impl ConnectionTrait,
    reference: &str,
    phase: &str,
    id: i64,
) -> Result<delivery_receipt::Model, WriteError> {
    let (_, found) = existing_phase(conn, reference, phase).await?;
    delivery_receipt::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|r| r.phase_id == found.id)
        .ok_or_else(|| {
            WriteError::NotFound(format!(
                "phase {phase:?} of {reference:?} has no receipt #{id}"
            ))
        })
}

/// Corrects a receipt's date, quantity or note; neither its old nor its new month may be closed.
pub async fn correct_receipt(
    db: &DatabaseConnection,
    actor: &str,
    id: i64,
    new: NewReceipt,
) -> Result<(), WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let before = existing_receipt(&w.txn, &new.contract, &new.phase, id).await?;
    super::periods::ensure_open(&w.txn, "date", before.date).await?;
    super::periods::ensure_open(&w.txn, "date", new.date).await?;
    let mut active = before.clone().into_active_model();
    active.date = Set(new.date);
    active.quantity_micros = Set(new.quantity.micros());
    active.note = Set(new.note.clone());
    active.power_micros = Set(new.power.map(|q| q.micros()));
    let after = active.update(&w.txn).await?;
    w.commit(
        domain::AuditEntity::Receipt,
        Some(format!("{}/{}", new.contract, new.phase)),
        "correct",
        Some(receipt_snapshot(&new.contract, &new.phase, &before)),
        Some(receipt_snapshot(&new.contract, &new.phase, &after)),
    )
    .await?;
    Ok(())
}

/// Deletes a receipt logged by mistake (its month must be open); the audit trail keeps it.
pub async fn remove_receipt(
    db: &DatabaseConnection,
    actor: &str,
    reference: &str,
    phase: &str,
    id: i64,
) -> Result<(), WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let before = existing_receipt(&w.txn, reference, phase, id).await?;
    super::periods::ensure_open(&w.txn, "date", before.date).await?;
    delivery_receipt::Entity::delete_by_id(id)
        .exec(&w.txn)
        .await?;
    w.commit(
        domain::AuditEntity::Receipt,
        Some(format!("{reference}/{phase}")),
        "delete",
        Some(receipt_snapshot(reference, phase, &before)),
        None,
    )
    .await?;
    Ok(())
}

async fn find_phase(
    conn: &impl ConnectionTrait,
    contract_id: i64,
    phase: &str,
) -> Result<Option<delivery_phase::Model>, DbErr> {
    delivery_phase::Entity::find()
        .filter(delivery_phase::Column::ContractId.eq(contract_id))
        .filter(delivery_phase::Column::Phase.eq(phase))
        .one(conn)
        .await
}

/// What logging a receipt leaves behind: received so far against the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiptLogged {
    pub id: i64,
    pub planned: Quantity,
    pub received: Quantity,
}

impl ReceiptLogged {
    pub fn over_received(&self) -> bool {
        self.received > self.planned
    }
}

pub async fn log_receipt(
    db: &DatabaseConnection,
    actor: &str,
    new: NewReceipt,
) -> Result<ReceiptLogged, WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    super::periods::ensure_open(&w.txn, "date", new.date).await?;
    let contract = super::contract_lookup::require(&w.txn, &new.contract, "contract").await?;
    let phase = find_phase(&w.txn, contract.id, &new.phase)
        .await?
        .ok_or_else(|| {
            FieldError::new(
                "phase",
                format!("contract {} has no phase {:?}", new.contract, new.phase),
            )
        })?;
    let saved = delivery_receipt::ActiveModel {
        phase_id: Set(phase.id),
        date: Set(new.date),
        quantity_micros: Set(new.quantity.micros()),
        note: Set(new.note.clone()),
        power_micros: Set(new.power.map(|q| q.micros())),
        ..Default::default()
    }
    .insert(&w.txn)
    .await?;
    let received: i64 = delivery_receipt::Entity::find()
        .filter(delivery_receipt::Column::PhaseId.eq(phase.id))
        .all(&w.txn)
        .await?
        .iter()
        .map(|r| r.quantity_micros)
        .sum();
    w.commit(
        domain::AuditEntity::Receipt,
        Some(format!("{}/{}", new.contract, new.phase)),
        "create",
        None,
        Some(receipt_snapshot(&new.contract, &new.phase, &saved)),
    )
    .await?;
    Ok(ReceiptLogged {
        id: saved.id,
        planned: Quantity::from_micros(phase.planned_quantity_micros),
        received: Quantity::from_micros(received),
    })
}
