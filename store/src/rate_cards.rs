//! Rate cards: what a contract expects to pay per unit-hour of a resource from a day on, and
//! the utilisation it expects (they drive the plan-driven forecast). Imported from a CSV
//! (`contract,resource,from,price`, optionally `utilisation`) all or nothing with every bad
//! line named, an unknown contract among them; each new or changed card audited.

use crate::entities::{contract, rate_card as card};
use crate::import::ImportError;
use crate::keyed_csv::Keyed;
use crate::ledger::WriteError;
use chrono::{NaiveDate, Utc};
use domain::rate_card::{RateCard, RawRateCard};
use domain::{AuditEntity, FieldError};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::{HashMap, HashSet};

/// What storing rate cards did.
pub type RateCardsImported = crate::keyed_csv::Stored;

/// Reads every row of a rate cards file: the format, each field's rules and a card repeated
/// in the file. Returns the cards, or every bad line (header problems as line 1). The
/// contracts the cards name are not looked up; [`read_csv`] does that too.
pub fn parse_csv(file: &str, reader: impl std::io::Read) -> Result<Vec<RateCard>, ImportError> {
    read(file, reader, None)
}

/// [`parse_csv`], and a card naming a contract the ledger does not hold is an error on its
/// line too: what an import checks before [`store`].
pub async fn read_csv(
    db: &impl ConnectionTrait,
    file: &str,
    reader: impl std::io::Read,
) -> Result<Vec<RateCard>, ImportError> {
    let known: HashSet<String> = contract::Entity::find()
        .select_only()
        .column(contract::Column::Reference)
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    read(file, reader, Some(&known))
}

fn read(
    file: &str,
    reader: impl std::io::Read,
    known_contracts: Option<&HashSet<String>>,
) -> Result<Vec<RateCard>, ImportError> {
    crate::keyed_csv::read(
        file,
        reader,
        (&["contract", "resource", "from", "price"], &["utilisation"]),
        "the header must name contract, resource, from and price (and may name utilisation)",
        |cells| {
            let card = RateCard::parse(&RawRateCard {
                contract: cells.get("contract"),
                resource: cells.get("resource"),
                from: cells.get("from"),
                price: cells.get("price"),
                utilisation: cells.get("utilisation"),
            })?;
            if known_contracts.is_some_and(|known| !known.contains(&card.contract)) {
                return Err(vec![FieldError::new(
                    "contract",
                    format!("unknown contract reference {:?}", card.contract),
                )]);
            }
            Ok(Keyed {
                key: (card.contract.clone(), card.resource.clone(), card.from),
                field: "from",
                named: format!("{} {} from {}", card.contract, card.resource, card.from),
                value: card,
            })
        },
    )
}

/// What the audit trail keeps of a card: its price and utilisation as written.
fn audited(price_e6: i64, utilisation_bp: i64) -> serde_json::Value {
    use domain::decimal::format_scaled_trimmed;
    serde_json::json!({
        "price": format_scaled_trimmed(price_e6, domain::rate_card::PRICE_PLACES),
        "utilisation": format!("{}%", format_scaled_trimmed(utilisation_bp, 2)),
    })
}

/// Stores the cards in one transaction: new ones added, changed ones (same contract, resource
/// and day; another price or utilisation) updated with the card before in the audit entry,
/// equal ones left alone. A card naming a contract the ledger does not hold stores nothing
/// and is an error on its `contract` field.
pub async fn store(
    db: &DatabaseConnection,
    actor: &str,
    cards: &[RateCard],
) -> Result<RateCardsImported, WriteError> {
    let mut done = RateCardsImported::default();
    if cards.is_empty() {
        return Ok(done);
    }
    let (txn, _turn) = crate::db::begin_write(db).await?;
    let references: HashSet<&str> = cards.iter().map(|c| c.contract.as_str()).collect();
    let contracts: HashMap<String, i64> = contract::Entity::find()
        .filter(contract::Column::Reference.is_in(references))
        .all(&txn)
        .await?
        .into_iter()
        .map(|c| (c.reference, c.id))
        .collect();
    let unknown: Vec<FieldError> = cards
        .iter()
        .filter(|c| !contracts.contains_key(&c.contract))
        .map(|c| c.contract.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|reference| FieldError::new("contract", format!("no contract {reference:?}")))
        .collect();
    if !unknown.is_empty() {
        return Err(WriteError::Invalid(unknown));
    }
    let mut stored: HashMap<(i64, String, NaiveDate), card::Model> = card::Entity::find()
        .filter(card::Column::ContractId.is_in(contracts.values().copied()))
        .all(&txn)
        .await?
        .into_iter()
        .map(|row| ((row.contract_id, row.resource.clone(), row.from_date), row))
        .collect();
    for c in cards {
        let key = (contracts[&c.contract], c.resource.clone(), c.from);
        let (action, before, row) = match stored.get(&key) {
            Some(row) if (row.price_e6, row.utilisation_bp) == (c.price_e6, c.utilisation_bp) => {
                done.unchanged += 1;
                continue;
            }
            Some(row) => {
                let before = audited(row.price_e6, row.utilisation_bp);
                let mut active = row.clone().into_active_model();
                active.price_e6 = Set(c.price_e6);
                active.utilisation_bp = Set(c.utilisation_bp);
                active.recorded_at = Set(Utc::now());
                active.recorded_by = Set(actor.to_owned());
                let row = active.update(&txn).await?;
                done.changed += 1;
                ("update", Some(before), row)
            }
            None => {
                let row = card::ActiveModel {
                    contract_id: Set(key.0),
                    resource: Set(c.resource.clone()),
                    from_date: Set(c.from),
                    price_e6: Set(c.price_e6),
                    utilisation_bp: Set(c.utilisation_bp),
                    recorded_at: Set(Utc::now()),
                    recorded_by: Set(actor.to_owned()),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                done.added += 1;
                ("create", None, row)
            }
        };
        crate::audit::record(
            &txn,
            crate::audit::Change {
                actor,
                entity: AuditEntity::RateCard,
                entity_id: Some(format!("{} {} from {}", c.contract, c.resource, c.from)),
                action,
                before,
                after: Some(audited(c.price_e6, c.utilisation_bp)),
            },
        )
        .await?;
        // A card repeated in `cards` is then a change of this one, not a second insert.
        stored.insert(key, row);
    }
    txn.commit().await?;
    Ok(done)
}

/// Every contract's reference, by id.
async fn contract_references(db: &impl ConnectionTrait) -> Result<HashMap<i64, String>, DbErr> {
    Ok(contract::Entity::find()
        .select_only()
        .columns([contract::Column::Id, contract::Column::Reference])
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

fn model_card(references: &HashMap<i64, String>, row: card::Model) -> Result<RateCard, DbErr> {
    let contract = references
        .get(&row.contract_id)
        .cloned()
        .ok_or_else(|| DbErr::Custom(format!("rate card #{} has no contract", row.id)))?;
    Ok(RateCard {
        contract,
        resource: row.resource,
        from: row.from_date,
        price_e6: row.price_e6,
        utilisation_bp: row.utilisation_bp,
    })
}

/// Every stored card with its contract's reference, by contract reference, resource and day
/// (ordered here, not by the database, so SQLite and PostgreSQL agree whatever the collation).
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<RateCard>, DbErr> {
    let references = contract_references(db).await?;
    let mut cards = card::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|row| model_card(&references, row))
        .collect::<Result<Vec<_>, _>>()?;
    cards.sort_by(|a, b| {
        (&a.contract, &a.resource, a.from).cmp(&(&b.contract, &b.resource, b.from))
    });
    Ok(cards)
}

/// The `limit` cards in force from the latest days, newest day first (then by contract
/// reference and resource).
pub async fn list(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<RateCard>, DbErr> {
    let references = contract_references(db).await?;
    let mut cards = card::Entity::find()
        .order_by_desc(card::Column::FromDate)
        .order_by_asc(card::Column::ContractId)
        .order_by_asc(card::Column::Resource)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|row| model_card(&references, row))
        .collect::<Result<Vec<_>, _>>()?;
    cards.sort_by(|a, b| {
        (b.from, &a.contract, &a.resource).cmp(&(a.from, &b.contract, &b.resource))
    });
    Ok(cards)
}
