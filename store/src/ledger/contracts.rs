//! Contracts: list, detail, create, edit and archive. A contract is never deleted: its usage,
//! deliveries and audit history stay readable after it is archived.

use super::contract_lookup::find;
use super::{overview, vendors, PageRequest, WriteError};
use crate::entities::{commitment, contract, vendor};
use crate::write::EntityWrite;
use domain::entries::NewContract;
use domain::money::sum_per_currency;
use domain::views::{ContractDetail, ContractList, ContractOverview, Page};
use domain::{Currency, FieldError, Money};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel, Set,
};
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    #[default]
    Active,
    Archived,
    All,
}

impl Status {
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim() {
            "" | "active" => Ok(Status::Active),
            "archived" => Ok(Status::Archived),
            "all" => Ok(Status::All),
            other => Err(format!("must be active, archived or all (got {other:?})")),
        }
    }

    fn admits(self, c: &ContractOverview) -> bool {
        self.admits_archived(c.archived)
    }

    pub fn admits_archived(self, archived: bool) -> bool {
        match self {
            Status::Active => !archived,
            Status::Archived => archived,
            Status::All => true,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub vendor: Option<String>,
    pub status: Status,
}

pub async fn list(
    db: &impl ConnectionTrait,
    filter: &Filter,
    page: PageRequest,
) -> Result<ContractList, DbErr> {
    let all = overview::all_contract_overviews(db).await?;
    let mut vendors: Vec<String> = all.iter().map(|c| c.vendor.clone()).collect();
    vendors.sort();
    vendors.dedup();
    let matching: Vec<ContractOverview> = all
        .into_iter()
        .filter(|c| filter.status.admits(c))
        .filter(|c| filter.vendor.as_ref().is_none_or(|v| &c.vendor == v))
        .collect();
    let committed = sum_per_currency(matching.iter().map(|c| (c.currency, c.committed_minor)));
    let burned = sum_per_currency(matching.iter().map(|c| (c.currency, c.burned_minor)));
    // Each amount is at most `exact::MAX_MINOR`, so a total leaves i64 only past ~10,000
    // contracts at that cap; then the list says so instead of wrapping.
    let money = |currency: Currency, sum: i128| {
        i64::try_from(sum)
            .map(|minor| Money::from_minor(minor, currency))
            .map_err(|_| DbErr::Custom(format!("the {currency} total is too large to show")))
    };
    let totals = committed
        .into_iter()
        .zip(burned)
        .map(|((currency, committed), (_, burned))| {
            Ok((money(currency, committed)?, money(currency, burned)?))
        })
        .collect::<Result<Vec<(Money, Money)>, DbErr>>()?;
    let total = matching.len() as u64;
    let rows = matching
        .into_iter()
        .skip(page.offset() as usize)
        .take(page.page_size as usize)
        .collect();
    Ok(ContractList {
        page: Page {
            rows,
            total,
            page: page.page,
            page_size: page.page_size,
        },
        totals,
        vendors,
    })
}

pub async fn detail(
    db: &impl ConnectionTrait,
    reference: &str,
) -> Result<Option<ContractDetail>, DbErr> {
    let Some(model) = find(db, reference).await? else {
        return Ok(None);
    };
    let Some(overview) = overview::all_contract_overviews(db)
        .await?
        .into_iter()
        .find(|c| c.reference == reference)
    else {
        return Ok(None);
    };
    let own = super::commitments::own(db, &model).await?;
    Ok(Some(ContractDetail {
        overview,
        own_committed_minor: own.as_ref().map(|k| k.committed_minor),
        commitment_model: own
            .as_ref()
            .map(|k| k.commitment_model.clone())
            .unwrap_or_default(),
        fulfillment_interval: own
            .as_ref()
            .map(|k| k.fulfillment_interval.clone())
            .unwrap_or_default(),
        commitments: super::commitments::rows(db, &model).await?,
        notes: model.notes.clone(),
        archived_at: model.archived_at.map(super::utc_text),
        phases: super::deliveries::phases(db, Some(reference)).await?,
        recent_usage: super::usage::recent(db, &model, 10).await?,
        history: super::history::for_contract(db, reference, 50).await?,
    }))
}

/// The contract and its own commitment's terms, as the audit trail shows them.
fn snapshot(
    c: &contract::Model,
    vendor: &str,
    own: Option<&commitment::Model>,
) -> serde_json::Value {
    json!({
        "reference": c.reference,
        "vendor": vendor,
        "title": c.title,
        "start_date": c.start_date.to_string(),
        "end_date": c.end_date.to_string(),
        "committed_amount": own.map(|k| domain::decimal::format_scaled(k.committed_minor, domain::money::MINOR_PLACES)),
        "currency": c.currency,
        "commitment_model": own.map(|k| k.commitment_model.clone()),
        "fulfillment_interval": own.map(|k| k.fulfillment_interval.clone()),
        "notes": c.notes,
        "archived_at": c.archived_at.map(super::utc_text),
    })
}

async fn vendor_name(conn: &impl ConnectionTrait, id: i64) -> Result<String, DbErr> {
    Ok(vendor::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(|v| v.name)
        .unwrap_or_default())
}

pub async fn create(
    db: &DatabaseConnection,
    actor: &str,
    new: NewContract,
) -> Result<(), WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let vendor = vendors::require(&w.txn, &new.vendor, "vendor").await?;
    if find(&w.txn, &new.reference).await?.is_some() {
        return Err(WriteError::Conflict(FieldError::new(
            "reference",
            format!("a contract {:?} already exists", new.reference),
        )));
    }
    let saved = contract::ActiveModel {
        reference: Set(new.reference.clone()),
        vendor_id: Set(vendor.id),
        title: Set(new.title.clone()),
        start_date: Set(new.term.start()),
        end_date: Set(new.term.end()),
        committed_minor: Set(0),
        currency: Set(new.currency.as_str().to_owned()),
        commitment_model: Set(domain::CommitmentModel::default().as_str().to_owned()),
        fulfillment_interval: Set(domain::FulfillmentInterval::default().as_str().to_owned()),
        notes: Set(new.notes.clone()),
        created_at: Set(chrono::Utc::now()),
        archived_at: Set(None),
        ..Default::default()
    }
    .insert(&w.txn)
    .await?;
    let (_, own) = super::commitments::save_own(&w.txn, &saved, &new).await?;
    w.commit(
        domain::AuditEntity::Contract,
        Some(saved.reference.clone()),
        "create",
        None,
        Some(snapshot(&saved, &vendor.name, own.as_ref())),
    )
    .await?;
    Ok(())
}

/// Edits everything but the reference (files and reports name the contract by it). A new term
/// or currency must still fit the usage already recorded.
pub async fn update(
    db: &DatabaseConnection,
    actor: &str,
    reference: &str,
    new: NewContract,
) -> Result<(), WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let before = find(&w.txn, reference)
        .await?
        .ok_or_else(|| WriteError::NotFound(format!("no contract {reference:?}")))?;
    let mut errors = Vec::new();
    if new.reference != before.reference {
        errors.push(FieldError::new(
            "reference",
            "the reference cannot be changed (files and reports name the contract by it)",
        ));
    }
    let before_vendor = vendor_name(&w.txn, before.vendor_id).await?;
    let kept = new.vendor == before_vendor;
    let vendor = match vendors::require(&w.txn, &new.vendor, "vendor").await {
        Ok(v) => Some(v),
        // Its own vendor, archived since, does not stop an edit of the contract.
        Err(WriteError::Invalid(_)) if kept => vendors::find_by_name(&w.txn, &new.vendor).await?,
        Err(WriteError::Invalid(mut e)) => {
            errors.append(&mut e);
            None
        }
        Err(e) => return Err(e),
    };
    if let Some((first, last)) = super::usage::date_span(&w.txn, before.id).await? {
        if !new.term.contains(first) || !new.term.contains(last) {
            errors.push(FieldError::new(
                "end_date",
                format!("usage is recorded from {first} to {last}; the term must cover it"),
            ));
        }
        if new.currency.as_str() != before.currency {
            errors.push(FieldError::new(
                "currency",
                format!(
                    "usage is recorded in {}; the currency cannot change",
                    before.currency
                ),
            ));
        }
    }
    errors.extend(super::commitments::check_inside(&w.txn, &before, &new.term).await?);
    let Some(vendor) = vendor.filter(|_| errors.is_empty()) else {
        return Err(WriteError::Invalid(errors));
    };
    let mut active = before.clone().into_active_model();
    active.vendor_id = Set(vendor.id);
    active.title = Set(new.title.clone());
    active.start_date = Set(new.term.start());
    active.end_date = Set(new.term.end());
    active.currency = Set(new.currency.as_str().to_owned());
    active.notes = Set(new.notes.clone());
    let after = active.update(&w.txn).await?;
    let (own_before, own_after) = super::commitments::save_own(&w.txn, &after, &new).await?;
    w.commit(
        domain::AuditEntity::Contract,
        Some(reference.to_owned()),
        "update",
        Some(snapshot(&before, &before_vendor, own_before.as_ref())),
        Some(snapshot(&after, &vendor.name, own_after.as_ref())),
    )
    .await?;
    Ok(())
}

/// Archived contracts leave the default list and the reports' active set; nothing is deleted.
pub async fn archive(
    db: &DatabaseConnection,
    actor: &str,
    reference: &str,
) -> Result<(), WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let before = find(&w.txn, reference)
        .await?
        .ok_or_else(|| WriteError::NotFound(format!("no contract {reference:?}")))?;
    if before.archived_at.is_some() {
        return Err(FieldError::new("reference", "this contract is already archived").into());
    }
    let vendor = vendor_name(&w.txn, before.vendor_id).await?;
    let own = super::commitments::own(&w.txn, &before).await?;
    let mut active = before.clone().into_active_model();
    active.archived_at = Set(Some(chrono::Utc::now()));
    let after = active.update(&w.txn).await?;
    w.commit(
        domain::AuditEntity::Contract,
        Some(reference.to_owned()),
        "archive",
        Some(snapshot(&before, &vendor, own.as_ref())),
        Some(snapshot(&after, &vendor, own.as_ref())),
    )
    .await?;
    Ok(())
}
