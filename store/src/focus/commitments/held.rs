//! The contracts and commitments the ledger already holds, to compare an import against.

use super::terms::Terms;
use crate::entities::{commitment, contract, vendor};
use chrono::NaiveDate;
use domain::{CommitmentCategory, CommitmentModel, FulfillmentInterval};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use std::collections::HashMap;

/// A contract already in the ledger: what must match, and the commitments it holds.
pub(super) struct Held {
    pub(super) vendor: String,
    pub(super) currency: String,
    pub(super) start: NaiveDate,
    pub(super) end: NaiveDate,
    pub(super) commitments: Vec<Terms>,
}

pub(super) async fn existing_contracts(
    db: &impl ConnectionTrait,
    vendors: &HashMap<i64, String>,
) -> Result<HashMap<String, Held>, DbErr> {
    let mut by_contract: HashMap<i64, Vec<Terms>> = HashMap::new();
    for k in commitment::Entity::find().all(db).await? {
        by_contract.entry(k.contract_id).or_default().push(Terms {
            category: CommitmentCategory::parse(&k.category).unwrap_or_default(),
            committed_minor: k.committed_minor,
            quantity_micros: k.quantity_micros,
            unit: k.unit,
            model: CommitmentModel::parse(&k.commitment_model).unwrap_or_default(),
            interval: FulfillmentInterval::parse(&k.fulfillment_interval).unwrap_or_default(),
            from: k.start_date,
            to: k.end_date,
            scope: k.scope,
            reference: k.reference,
        });
    }
    Ok(contract::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| {
            let held = Held {
                vendor: vendors.get(&c.vendor_id).cloned().unwrap_or_default(),
                currency: c.currency,
                start: c.start_date,
                end: c.end_date,
                commitments: by_contract.remove(&c.id).unwrap_or_default(),
            };
            (c.reference, held)
        })
        .collect())
}

pub(super) async fn vendor_names(db: &impl ConnectionTrait) -> Result<HashMap<i64, String>, DbErr> {
    Ok(vendor::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v.name))
        .collect())
}
