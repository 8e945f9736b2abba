//! Exchange rates: imported from a CSV (`date,currency,rate`, optionally `base`; the shape of
//! the ECB reference rates in long form), all or nothing with every bad line named, each new
//! or changed rate audited; and the rate in force on a day (the latest on or before it).

use crate::entities::exchange_rate as rate;
use crate::import::ImportError;
use crate::keyed_csv::Keyed;
use chrono::{NaiveDate, Utc};
use domain::fx::{Rate, RawRate};
use domain::{AuditEntity, Currency};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;

/// What an import of rates did.
pub type RatesImported = crate::keyed_csv::Stored;

/// Reads every row of a rates file; a row without a `base` column is against `default_base`.
/// Returns the rates, or every bad line (header problems as line 1).
pub fn parse_csv(
    file: &str,
    reader: impl std::io::Read,
    default_base: Currency,
) -> Result<Vec<Rate>, ImportError> {
    let default_base = default_base.to_string();
    crate::keyed_csv::read(
        file,
        reader,
        (&["date", "currency", "rate"], &["base"]),
        "the header must name date, currency and rate (and may name base)",
        |cells| {
            let base = match cells.get("base") {
                "" => default_base.as_str(),
                named => named,
            };
            let rate = Rate::parse(&RawRate {
                date: cells.get("date"),
                currency: cells.get("currency"),
                rate: cells.get("rate"),
                base,
            })?;
            Ok(Keyed {
                key: (rate.date, rate.base, rate.currency),
                field: "date",
                named: format!("{} {} against {}", rate.date, rate.currency, rate.base),
                value: rate,
            })
        },
    )
}

/// Stores the rates in one transaction: new ones added, changed ones updated (the audit
/// entry keeps the rate before), equal ones left alone. The stored rates of the file's days
/// are read once, not once per row (a rates history is tens of thousands of rows).
pub async fn store(
    db: &DatabaseConnection,
    actor: &str,
    rates: &[Rate],
) -> Result<RatesImported, DbErr> {
    let mut done = RatesImported::default();
    let (Some(first), Some(last)) = (
        rates.iter().map(|r| r.date).min(),
        rates.iter().map(|r| r.date).max(),
    ) else {
        return Ok(done);
    };
    let (txn, _turn) = crate::db::begin_write(db).await?;
    let stored: HashMap<(NaiveDate, String, String), rate::Model> = rate::Entity::find()
        .filter(rate::Column::Date.between(first, last))
        .all(&txn)
        .await?
        .into_iter()
        .map(|row| ((row.date, row.base.clone(), row.currency.clone()), row))
        .collect();
    let text =
        |scaled: i64| domain::decimal::format_scaled_trimmed(scaled, domain::fx::RATE_PLACES);
    for r in rates {
        let key = (r.date, r.base.to_string(), r.currency.to_string());
        let (action, before) = match stored.get(&key) {
            Some(row) if row.rate_e10 == r.scaled => {
                done.unchanged += 1;
                continue;
            }
            Some(row) => {
                let before = text(row.rate_e10);
                let mut active = row.clone().into_active_model();
                active.rate_e10 = Set(r.scaled);
                active.recorded_at = Set(Utc::now());
                active.recorded_by = Set(actor.to_owned());
                active.update(&txn).await?;
                done.changed += 1;
                ("update", Some(serde_json::json!({ "rate": before })))
            }
            None => {
                let (_, base, currency) = key;
                rate::ActiveModel {
                    date: Set(r.date),
                    base: Set(base),
                    currency: Set(currency),
                    rate_e10: Set(r.scaled),
                    recorded_at: Set(Utc::now()),
                    recorded_by: Set(actor.to_owned()),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                done.added += 1;
                ("create", None)
            }
        };
        crate::audit::record(
            &txn,
            crate::audit::Change {
                actor,
                entity: AuditEntity::Rate,
                entity_id: Some(format!("{} {}/{}", r.date, r.base, r.currency)),
                action,
                before,
                after: Some(serde_json::json!({ "rate": text(r.scaled) })),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(done)
}

fn model_rate(row: rate::Model) -> Result<Rate, DbErr> {
    let currency = |raw: &str| Currency::parse(raw).map_err(DbErr::Custom);
    Ok(Rate {
        date: row.date,
        base: currency(&row.base)?,
        currency: currency(&row.currency)?,
        scaled: row.rate_e10,
    })
}

/// The rate of `currency` against `base` in force on `date`: the latest on or before it.
/// `None` when there is none that early.
pub async fn rate_on(
    db: &impl ConnectionTrait,
    base: Currency,
    currency: Currency,
    date: NaiveDate,
) -> Result<Option<Rate>, DbErr> {
    rate::Entity::find()
        .filter(rate::Column::Base.eq(base.as_str()))
        .filter(rate::Column::Currency.eq(currency.as_str()))
        .filter(rate::Column::Date.lte(date))
        .order_by_desc(rate::Column::Date)
        .one(db)
        .await?
        .map(model_rate)
        .transpose()
}

/// Every stored rate (the reports' rate book; a daily history of a dozen currencies over
/// years is tens of thousands of rows).
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Rate>, DbErr> {
    rate::Entity::find()
        .order_by_asc(rate::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(model_rate)
        .collect()
}

/// The newest `limit` rates, newest day first.
pub async fn list(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<Rate>, DbErr> {
    rate::Entity::find()
        .order_by_desc(rate::Column::Date)
        .order_by_asc(rate::Column::Base)
        .order_by_asc(rate::Column::Currency)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(model_rate)
        .collect()
}
