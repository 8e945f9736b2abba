//! Usage entries: spend billed by a vendor, burned against a contract or (on-demand) none. Listing reads the raw rows a page at a
//! time (counting through the daily rollup, which is thousands of times smaller); every write
//! moves the rollup by the same delta in the same transaction.

use super::{PageRequest, WriteError};
use crate::entities::{contract, usage_entry};
use crate::rollup::{self, DailyUsageRow};
use crate::write::EntityWrite;
use chrono::NaiveDate;
use domain::entries::NewUsage;
use domain::views::{Page, UsageRow};
use domain::{Currency, Quantity};
use sea_orm::sea_query::{Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel,
    QueryResult, Set,
};
use serde_json::json;

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub contract: Option<String>,
    /// A vendor's name: the usage of all its contracts.
    pub vendor: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl Filter {
    /// Restricts `query` to the filter's rows of `table` (an alias of a table with
    /// `contract_id`, `vendor_id` and `date`).
    fn restrict(&self, query: &mut SelectStatement, table: &'static str) {
        if let Some(reference) = &self.contract {
            query.and_where(
                Expr::col((table, "contract_id")).eq(Query::select()
                    .column("id")
                    .from("contracts")
                    .and_where(Expr::col("reference").eq(reference.as_str()))
                    .to_owned()),
            );
        }
        if let Some(vendor) = &self.vendor {
            query.and_where(
                Expr::col((table, "vendor_id")).eq(Query::select()
                    .column("id")
                    .from("vendors")
                    .and_where(Expr::col("name").eq(vendor.as_str()))
                    .to_owned()),
            );
        }
        if let Some(from) = self.from {
            query.and_where(Expr::col((table, "date")).gte(from));
        }
        if let Some(to) = self.to {
            query.and_where(Expr::col((table, "date")).lte(to));
        }
    }
}

/// The entries with their contract, vendor and commitment, as [`usage_row`] reads them.
fn rows_query() -> SelectStatement {
    Query::select()
        .column(("u", "id"))
        .column(("c", "reference"))
        .expr_as(Expr::col(("v", "name")), "vendor")
        .columns([
            ("u", "date"),
            ("u", "amount_e6"),
            ("u", "currency"),
            ("u", "quantity_micros"),
            ("u", "unit"),
            ("u", "sku"),
        ])
        .expr_as(
            Query::select()
                .column(("k", "reference"))
                .from_as("commitments", "k")
                .and_where(Expr::col(("k", "id")).equals(("u", "commitment_id")))
                .to_owned(),
            "commitment",
        )
        .from_as("usage_entries", "u")
        .join_as(
            JoinType::LeftJoin,
            "contracts",
            "c",
            Expr::col(("c", "id")).equals(("u", "contract_id")),
        )
        .join_as(
            JoinType::InnerJoin,
            "vendors",
            "v",
            Expr::col(("v", "id")).equals(("u", "vendor_id")),
        )
        .to_owned()
}

fn usage_row(row: &QueryResult) -> Result<UsageRow, DbErr> {
    let currency: String = row.try_get("", "currency")?;
    Ok(UsageRow {
        id: row.try_get("", "id")?,
        contract: row.try_get("", "reference")?,
        vendor: row.try_get("", "vendor")?,
        date: row.try_get("", "date")?,
        amount_e6: row.try_get("", "amount_e6")?,
        currency: Currency::parse(&currency).map_err(DbErr::Custom)?,
        quantity_micros: row.try_get("", "quantity_micros")?,
        unit: row.try_get("", "unit")?,
        sku: row.try_get("", "sku")?,
        commitment: row.try_get("", "commitment")?,
    })
}

/// Newest first. With a contract filter the (contract_id, date) index serves the order.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &Filter,
    page: PageRequest,
) -> Result<Page<UsageRow>, DbErr> {
    let mut query = rows_query();
    filter.restrict(&mut query, "u");
    query
        .order_by(("u", "date"), Order::Desc)
        .order_by(("u", "id"), Order::Desc)
        // Both bounded by what the databases take (a signed 64-bit LIMIT and OFFSET).
        .limit(std::cmp::min(page.page_size, i64::MAX as u64))
        .offset(page.offset());
    let rows = db.query_all(&query).await?;
    let mut count = Query::select();
    count
        .expr_as(
            crate::db::total_or_zero(Expr::col(("d", "entries")).sum()),
            "n",
        )
        .from_as("usage_daily", "d");
    filter.restrict(&mut count, "d");
    let total: i64 = match db.query_one(&count).await? {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    Ok(Page {
        rows: rows.iter().map(usage_row).collect::<Result<_, _>>()?,
        total: total as u64,
        page: page.page,
        page_size: page.page_size,
    })
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<UsageRow>, DbErr> {
    db.query_one(rows_query().and_where(Expr::col(("u", "id")).eq(id)))
        .await?
        .as_ref()
        .map(usage_row)
        .transpose()
}

pub(crate) async fn recent(
    db: &impl ConnectionTrait,
    contract: &contract::Model,
    limit: u64,
) -> Result<Vec<UsageRow>, DbErr> {
    let filter = Filter {
        contract: Some(contract.reference.clone()),
        ..Default::default()
    };
    Ok(list(db, &filter, PageRequest::new(1, limit)).await?.rows)
}

/// First and last day with usage on a contract, if any.
pub(crate) async fn date_span(
    conn: &impl ConnectionTrait,
    contract_id: i64,
) -> Result<Option<(NaiveDate, NaiveDate)>, DbErr> {
    let Some(row) = conn
        .query_one(
            Query::select()
                .expr_as(Expr::col("date").min(), "first")
                .expr_as(Expr::col("date").max(), "last")
                .from("usage_daily")
                .and_where(Expr::col("contract_id").eq(contract_id))
                .and_where(Expr::col("entries").gt(0i64)),
        )
        .await?
    else {
        return Ok(None);
    };
    let first: Option<NaiveDate> = row.try_get("", "first")?;
    let last: Option<NaiveDate> = row.try_get("", "last")?;
    Ok(first.zip(last))
}

fn snapshot(u: &usage_entry::Model, placed: &Placed) -> serde_json::Value {
    json!({
        "contract": placed.contract.as_ref().map(|c| c.reference.clone()),
        "commitment": placed.commitment.as_ref().map(|(_, r)| r.clone()),
        "vendor": placed.vendor,
        "date": u.date.to_string(),
        "amount": domain::exact::format_full(u.amount_e6),
        "currency": u.currency,
        "quantity": Quantity::from_micros(u.quantity_micros).to_string(),
        "unit": u.unit,
        "sku": u.sku,
    })
}

/// The audit id of an entry: `REF/id` under a contract, `vendor:NAME/id` without one.
fn entity_id(placed: &Placed, id: i64) -> String {
    match &placed.contract {
        Some(contract) => format!("{}/{id}", contract.reference),
        None => format!("vendor:{}/{id}", placed.vendor),
    }
}

/// Adds an entry to its day of the rollup, refusing one that would carry the day past the
/// largest value the ledger holds.
async fn add_to_day(conn: &impl ConnectionTrait, row: DailyUsageRow) -> Result<(), WriteError> {
    if let Some((_, date, column)) = rollup::overflows(conn, std::slice::from_ref(&row))
        .await?
        .pop()
    {
        return Err(WriteError::Invalid(vec![domain::FieldError::new(
            column,
            format!(
                "adds up past the largest {column} the ledger can hold for this contract (or vendor) on {date}"
            ),
        )]));
    }
    Ok(rollup::add(conn, row).await?)
}

fn daily(u: &usage_entry::Model, sign: i64) -> DailyUsageRow {
    DailyUsageRow {
        contract_id: u.contract_id.unwrap_or(rollup::NO_CONTRACT),
        commitment_id: u.commitment_id.unwrap_or(rollup::NO_COMMITMENT),
        date: u.date,
        vendor_id: u.vendor_id,
        amount_e6: sign * u.amount_e6,
        quantity_micros: sign * u.quantity_micros,
        entries: sign,
    }
}

/// Where an entry's spend is recorded.
struct Placed {
    contract: Option<contract::Model>,
    /// The commitment applied to: (id, reference).
    commitment: Option<(i64, String)>,
    vendor_id: i64,
    vendor: String,
    currency: Currency,
}

/// The contract (checked against its term) and vendor a usage entry names.
async fn place(conn: &impl ConnectionTrait, new: &NewUsage) -> Result<Placed, WriteError> {
    let contract = match &new.contract {
        Some(reference) => {
            Some(super::contract_lookup::require(conn, reference, "contract").await?)
        }
        None => None,
    };
    let vendor = match &new.vendor {
        Some(name) => Some(super::vendors::require(conn, name, "vendor").await?),
        None => None,
    };
    let terms = match &contract {
        Some(c) => {
            let term = domain::date::Term::new(c.start_date, c.end_date).map_err(|e| {
                DbErr::Custom(format!("contract {} has a bad term: {e}", c.reference))
            })?;
            let currency = Currency::parse(&c.currency).map_err(DbErr::Custom)?;
            Some((c.vendor_id, currency, term))
        }
        None => None,
    };
    let (vendor_id, currency) = new.placement(
        terms.as_ref().map(|(v, c, t)| (*v, *c, t)),
        vendor.as_ref().map(|v| v.id),
    )?;
    let vendor = match vendor {
        Some(v) => v.name,
        None => super::vendors::name_of(conn, vendor_id).await?,
    };
    let commitment = match &contract {
        Some(c) => {
            let ks = super::commitments::of_contract(conn, c.id).await?;
            let applicable = ks
                .iter()
                .map(super::commitments::applicable)
                .collect::<Result<Vec<_>, DbErr>>()?;
            domain::commitment::apply(&applicable, new.commitment.as_deref(), new.date, &new.sku)?
                .and_then(|id| ks.into_iter().find(|k| k.id == id))
                .map(|k| (k.id, k.reference))
        }
        None => None,
    };
    Ok(Placed {
        contract,
        commitment,
        vendor_id,
        vendor,
        currency,
    })
}

/// The placement of an entry already stored (for the audit's "before").
async fn placed_of(conn: &impl ConnectionTrait, u: &usage_entry::Model) -> Result<Placed, DbErr> {
    let contract = match u.contract_id {
        Some(id) => contract::Entity::find_by_id(id).one(conn).await?,
        None => None,
    };
    let commitment = match u.commitment_id {
        Some(id) => crate::entities::commitment::Entity::find_by_id(id)
            .one(conn)
            .await?
            .map(|k| (k.id, k.reference)),
        None => None,
    };
    Ok(Placed {
        contract,
        commitment,
        vendor_id: u.vendor_id,
        vendor: super::vendors::name_of(conn, u.vendor_id).await?,
        currency: Currency::parse(&u.currency).map_err(DbErr::Custom)?,
    })
}

pub async fn add(db: &DatabaseConnection, actor: &str, new: NewUsage) -> Result<i64, WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let placed = place(&w.txn, &new).await?;
    super::periods::ensure_open(&w.txn, "date", new.date).await?;
    let saved = usage_entry::ActiveModel {
        vendor_id: Set(placed.vendor_id),
        contract_id: Set(placed.contract.as_ref().map(|c| c.id)),
        commitment_id: Set(placed.commitment.as_ref().map(|(id, _)| *id)),
        date: Set(new.date),
        amount_e6: Set(new.amount_e6),
        currency: Set(placed.currency.as_str().to_owned()),
        quantity_micros: Set(new.quantity.micros()),
        unit: Set(new.unit),
        sku: Set(new.sku),
        import_id: Set(None),
        ..Default::default()
    }
    .insert(&w.txn)
    .await?;
    add_to_day(&w.txn, daily(&saved, 1)).await?;
    w.commit(
        domain::AuditEntity::Usage,
        Some(entity_id(&placed, saved.id)),
        "create",
        None,
        Some(snapshot(&saved, &placed)),
    )
    .await?;
    Ok(saved.id)
}

/// Replaces an entry's values; the original stays in the audit trail.
pub async fn correct(
    db: &DatabaseConnection,
    actor: &str,
    id: i64,
    new: NewUsage,
) -> Result<(), WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let before = w.existing::<usage_entry::Entity>(id, "usage entry").await?;
    let placed_before = placed_of(&w.txn, &before).await?;
    let placed = place(&w.txn, &new).await?;
    // Neither the month it leaves nor the month it moves to may be closed.
    super::periods::ensure_open(&w.txn, "date", before.date).await?;
    super::periods::ensure_open(&w.txn, "date", new.date).await?;
    let mut active = before.clone().into_active_model();
    active.vendor_id = Set(placed.vendor_id);
    active.contract_id = Set(placed.contract.as_ref().map(|c| c.id));
    active.commitment_id = Set(placed.commitment.as_ref().map(|(id, _)| *id));
    active.date = Set(new.date);
    active.amount_e6 = Set(new.amount_e6);
    active.currency = Set(placed.currency.as_str().to_owned());
    active.quantity_micros = Set(new.quantity.micros());
    active.unit = Set(new.unit);
    active.sku = Set(new.sku);
    let after = active.update(&w.txn).await?;
    rollup::add(&w.txn, daily(&before, -1)).await?;
    add_to_day(&w.txn, daily(&after, 1)).await?;
    w.commit(
        domain::AuditEntity::Usage,
        Some(entity_id(&placed, id)),
        "correct",
        Some(snapshot(&before, &placed_before)),
        Some(snapshot(&after, &placed)),
    )
    .await?;
    Ok(())
}

/// Deletes an entry recorded by mistake (its month must be open); the audit trail keeps it
/// and the rollup loses it in the same transaction.
pub async fn remove(db: &DatabaseConnection, actor: &str, id: i64) -> Result<(), WriteError> {
    let w = EntityWrite::begin(db, actor).await?;
    let before = w.existing::<usage_entry::Entity>(id, "usage entry").await?;
    let placed = placed_of(&w.txn, &before).await?;
    super::periods::ensure_open(&w.txn, "date", before.date).await?;
    rollup::add(&w.txn, daily(&before, -1)).await?;
    usage_entry::Entity::delete_by_id(id).exec(&w.txn).await?;
    w.commit(
        domain::AuditEntity::Usage,
        Some(entity_id(&placed, id)),
        "delete",
        Some(snapshot(&before, &placed)),
        None,
    )
    .await?;
    Ok(())
}
