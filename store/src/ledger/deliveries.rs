//! Phased deliveries: the plan per contract and the receipts logged against it.

use super::WriteError;
use crate::entities::{delivery_phase, delivery_receipt};
use crate::write::EntityWrite;
use domain::entries::{NewPhase, NewReceipt};
use domain::views::{PhaseProgress, ReceiptRow};
use domain::{FieldError, Quantity};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, Set,
};
use serde_json::json;

/// Every phase (of one contract, or of all), by planned date, with its receipts.
pub async fn phases(
    db: &impl ConnectionTrait,
    contract: Option<&str>,
) -> Result<Vec<PhaseProgress>, DbErr> {
    let backend = db.get_database_backend();
    let (filter, values) = match contract {
        Some(reference) => ("WHERE c.reference = ?", vec![reference.into()]),
        None => ("", vec![]),
    };
    let sql = format!(
        "SELECT p.id, c.reference, v.name AS vendor, p.phase, p.resource, p.region, \
                p.planned_date, p.planned_quantity_micros, \
                r.id AS receipt_id, r.date AS receipt_date, r.quantity_micros, r.note \
         FROM delivery_phases p \
         JOIN contracts c ON c.id = p.contract_id \
         JOIN vendors v ON v.id = c.vendor_id \
         LEFT JOIN delivery_receipts r ON r.phase_id = p.id \
         {filter} \
         ORDER BY p.planned_date, c.reference, p.phase, r.date, r.id"
    );
    let rows = db
        .query_all_raw(crate::db::statement(backend, &sql, values))
        .await?;
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
    delivery_phase::ActiveModel {
        contract_id: Set(contract.id),
        phase: Set(new.phase.clone()),
        resource: Set(new.resource.clone()),
        region: Set(new.region.clone()),
        planned_date: Set(new.planned_date),
        planned_quantity_micros: Set(new.planned_quantity.micros()),
        ..Default::default()
    }
    .insert(&w.txn)
    .await?;
    w.commit(
        domain::AuditEntity::Phase,
        Some(format!("{}/{}", new.contract, new.phase)),
        "create",
        None,
        Some(json!({
                "contract": new.contract,
                "phase": new.phase,
                "resource": new.resource,
                "region": new.region,
                "planned_date": new.planned_date.to_string(),
                "planned_quantity": new.planned_quantity.to_string()
        })),
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
        Some(json!({
                "contract": new.contract,
                "phase": new.phase,
                "date": new.date.to_string(),
                "quantity": new.quantity.to_string(),
                "note": new.note
        })),
    )
    .await?;
    Ok(ReceiptLogged {
        id: saved.id,
        planned: Quantity::from_micros(phase.planned_quantity_micros),
        received: Quantity::from_micros(received),
    })
}
