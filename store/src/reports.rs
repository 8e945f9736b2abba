//! The report inputs, read from the rollups rather than the raw usage rows: a report at 10M
//! usage rows reads one row per contract and day.

use changed_days::AuditedDay;
use chrono::NaiveDate;
use domain::snapshot::{
    CommitmentFacts, ContractFacts, DailyUsage, DaySum, LedgerSnapshot, MonthlyRevenue, PhaseFacts,
    ReceiptFacts,
};
use domain::Currency;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DbErr, Statement};

mod changed_days;

pub async fn snapshot(db: &impl ConnectionTrait) -> Result<LedgerSnapshot, DbErr> {
    let mut snapshot = small_tables(db).await?;
    snapshot.usage = read_usage(db, None).await?;
    Ok(snapshot)
}

/// The snapshot after `previous`, which was read at ledger version `since`, without reading
/// the whole rollup again: the audit entries since then name the days whose usage changed
/// (see `changed_days`), only those days are read, and every other day is kept from
/// `previous`. An import or a restore (or a long gap) reads everything. The small tables
/// (contracts, revenue, deliveries) are always read in full.
pub async fn refresh(
    db: &impl ConnectionTrait,
    previous: &LedgerSnapshot,
    since: i64,
) -> Result<LedgerSnapshot, DbErr> {
    let Some(changed) = changed_days::usage_days_changed_since(db, since).await? else {
        return snapshot(db).await;
    };
    let mut fresh = small_tables(db).await?;
    // A contract or vendor renamed since the entry was audited: read everything.
    let Some(days) = rollup_days(&fresh, &changed) else {
        return snapshot(db).await;
    };
    let old = &previous.usage;
    for i in 0..old.len() {
        if !days.contains(&RollupDay::of(old, i)) {
            fresh.usage.push(old.day(i));
        }
    }
    let days: Vec<RollupDay> = days.into_iter().collect();
    for batch in days.chunks(DAYS_PER_QUERY) {
        let read = read_usage(db, Some(batch)).await?;
        for i in 0..read.len() {
            fresh.usage.push(read.day(i));
        }
    }
    Ok(fresh)
}

/// Days read by one statement (two or three bound values each).
const DAYS_PER_QUERY: usize = 100;

/// A day of the rollup by the ids it is stored under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum RollupDay {
    Contract(i64, NaiveDate),
    Vendor(i64, NaiveDate),
}

impl RollupDay {
    fn of(usage: &DailyUsage, i: usize) -> Self {
        match usage.contract_id[i] {
            Some(contract) => Self::Contract(contract, usage.date[i]),
            None => Self::Vendor(usage.vendor_id[i], usage.date[i]),
        }
    }

    /// The condition that selects these days' rows.
    fn condition(days: &[Self]) -> Condition {
        days.iter().fold(Condition::any(), |any, day| match *day {
            Self::Contract(contract, date) => any.add(
                Condition::all()
                    .add(Expr::col("contract_id").eq(contract))
                    .add(Expr::col("date").eq(date)),
            ),
            // Read from the entries (see `read_usage`), whose contract is NULL.
            Self::Vendor(vendor, date) => any.add(
                Condition::all()
                    .add(Expr::col("vendor_id").eq(vendor))
                    .add(Expr::col("date").eq(date)),
            ),
        })
    }
}

/// The audited days by id; `None` when a name is no longer in the ledger.
fn rollup_days(
    fresh: &LedgerSnapshot,
    changed: &std::collections::HashSet<AuditedDay>,
) -> Option<std::collections::HashSet<RollupDay>> {
    changed
        .iter()
        .map(|day| match day {
            AuditedDay::Contract(reference, date) => fresh
                .contracts
                .iter()
                .find(|c| &c.reference == reference)
                .map(|c| RollupDay::Contract(c.id, *date)),
            AuditedDay::Vendor(name, date) => fresh
                .vendors
                .iter()
                .find(|(_, n)| n == name)
                .map(|(id, _)| RollupDay::Vendor(*id, *date)),
        })
        .collect()
}

/// Daily usage of the given days (`None`: all). Spend under a contract comes from the rollup;
/// spend under no contract is summed from its entries per vendor, day and currency (the rollup
/// keeps no currency, and a vendor can bill outside its contracts in more than one; these rows
/// are few and reached through the entries' contract index).
async fn read_usage(
    db: &impl ConnectionTrait,
    days: Option<&[RollupDay]>,
) -> Result<DailyUsage, DbErr> {
    let (contract_days, vendor_days): (Vec<RollupDay>, Vec<RollupDay>) = days
        .unwrap_or_default()
        .iter()
        .partition(|day| matches!(day, RollupDay::Contract(..)));
    let mut usage = DailyUsage::default();
    if days.is_none() || !contract_days.is_empty() {
        let mut query = Query::select();
        query
            .columns([
                "contract_id",
                "commitment_id",
                "date",
                "vendor_id",
                "amount_e6",
                "quantity_micros",
            ])
            .from("usage_daily");
        match days {
            Some(_) => query.cond_where(RollupDay::condition(&contract_days)),
            None => query.and_where(Expr::col("contract_id").ne(crate::rollup::NO_CONTRACT)),
        };
        // The biggest read after an import (one row per contract and day). In table order, not
        // key order: SQLite then scans the table instead of walking the key index (half the
        // time), and every report groups and sorts the frame itself. Columns by position.
        for row in db.query_all(&query).await? {
            let commitment_id: i64 = row.try_get_by_index(1)?;
            usage.push(DaySum {
                vendor_id: row.try_get_by_index(3)?,
                contract_id: Some(row.try_get_by_index(0)?),
                commitment_id: (commitment_id != crate::rollup::NO_COMMITMENT)
                    .then_some(commitment_id),
                currency: None,
                date: row.try_get_by_index::<NaiveDate>(2)?,
                amount_e6: row.try_get_by_index(4)?,
                quantity_micros: row.try_get_by_index(5)?,
            });
        }
    }
    if days.is_none() || !vendor_days.is_empty() {
        let mut query = Query::select();
        query
            .columns(["vendor_id", "date", "currency"])
            .expr(crate::db::total_or_zero(Expr::col("amount_e6").sum()))
            .expr(crate::db::total_or_zero(Expr::col("quantity_micros").sum()))
            .from("usage_entries")
            .and_where(Expr::col("contract_id").is_null())
            .group_by_columns(["vendor_id", "date", "currency"]);
        if days.is_some() {
            query.cond_where(RollupDay::condition(&vendor_days));
        }
        for row in db.query_all(&query).await? {
            let currency: String = row.try_get_by_index(2)?;
            usage.push(DaySum {
                vendor_id: row.try_get_by_index(0)?,
                contract_id: None,
                commitment_id: None,
                currency: Some(Currency::parse(&currency).map_err(DbErr::Custom)?),
                date: row.try_get_by_index::<NaiveDate>(1)?,
                amount_e6: row.try_get_by_index(3)?,
                quantity_micros: row.try_get_by_index(4)?,
            });
        }
    }
    Ok(usage)
}

/// Everything but the daily usage (which is left empty).
async fn small_tables(db: &impl ConnectionTrait) -> Result<LedgerSnapshot, DbErr> {
    let backend = db.get_database_backend();
    let query = |sql: &str| Statement::from_string(backend, sql.to_owned());

    let mut contracts = Vec::new();
    for row in db
        .query_all_raw(query(
            "SELECT c.id, c.reference, v.name, c.currency FROM contracts c JOIN vendors v ON v.id = c.vendor_id ORDER BY c.id",
        ))
        .await?
    {
        let currency: String = row.try_get_by_index(3)?;
        contracts.push(ContractFacts {
            id: row.try_get_by_index(0)?,
            reference: row.try_get_by_index(1)?,
            vendor: row.try_get_by_index(2)?,
            currency: Currency::parse(&currency).map_err(DbErr::Custom)?,
        });
    }
    let commitments = db
        .query_all_raw(query(
            "SELECT c.id AS contract_id, k.id AS commitment_id, c.reference AS contract, \
             k.reference AS commitment, v.name AS vendor, k.category, k.committed_minor, \
             k.quantity_micros, k.unit, c.currency, k.start_date, k.end_date, \
             k.commitment_model, k.fulfillment_interval, k.scope \
             FROM commitments k JOIN contracts c ON c.id = k.contract_id \
             JOIN vendors v ON v.id = c.vendor_id ORDER BY c.reference, k.reference",
        ))
        .await?
        .into_iter()
        .map(|row| {
            let currency: String = row.try_get("", "currency")?;
            let scope: String = row.try_get("", "scope")?;
            Ok(CommitmentFacts {
                contract_id: row.try_get("", "contract_id")?,
                commitment_id: row.try_get("", "commitment_id")?,
                contract: row.try_get("", "contract")?,
                commitment: row.try_get("", "commitment")?,
                vendor: row.try_get("", "vendor")?,
                category: word(&row, "category")?,
                committed_minor: row.try_get("", "committed_minor")?,
                quantity_micros: row.try_get("", "quantity_micros")?,
                unit: row.try_get("", "unit")?,
                currency: Currency::parse(&currency).map_err(DbErr::Custom)?,
                start_date: row.try_get("", "start_date")?,
                end_date: row.try_get("", "end_date")?,
                commitment_model: word(&row, "commitment_model")?,
                fulfillment_interval: word(&row, "fulfillment_interval")?,
                scoped: !scope.is_empty(),
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()?;

    let mut vendors = Vec::new();
    for row in db
        .query_all_raw(query("SELECT id, name FROM vendors ORDER BY id"))
        .await?
    {
        vendors.push((row.try_get_by_index(0)?, row.try_get_by_index(1)?));
    }
    let mut revenue = MonthlyRevenue::default();
    for row in db
        .query_all_raw(query(
            "SELECT period_start, amount_minor, currency FROM revenue_entries ORDER BY period_start",
        ))
        .await?
    {
        let currency: String = row.try_get("", "currency")?;
        revenue.period_start.push(row.try_get("", "period_start")?);
        revenue.amount_minor.push(row.try_get("", "amount_minor")?);
        revenue
            .currency
            .push(Currency::parse(&currency).map_err(DbErr::Custom)?);
    }
    let phases = db
        .query_all_raw(query(
            "SELECT c.reference, p.phase, p.resource, p.planned_date, p.planned_quantity_micros, \
             p.planned_power_micros \
             FROM delivery_phases p JOIN contracts c ON c.id = p.contract_id ORDER BY p.id",
        ))
        .await?
        .into_iter()
        .map(|row| {
            Ok(PhaseFacts {
                contract: row.try_get("", "reference")?,
                phase: row.try_get("", "phase")?,
                resource: row.try_get("", "resource")?,
                planned_date: row.try_get("", "planned_date")?,
                planned_quantity_micros: row.try_get("", "planned_quantity_micros")?,
                planned_power_micros: row.try_get("", "planned_power_micros")?,
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    let receipts = db
        .query_all_raw(query(
            "SELECT c.reference, p.phase, r.date, r.quantity_micros, r.power_micros FROM delivery_receipts r \
             JOIN delivery_phases p ON p.id = r.phase_id JOIN contracts c ON c.id = p.contract_id ORDER BY r.id",
        ))
        .await?
        .into_iter()
        .map(|row| {
            Ok(ReceiptFacts {
                contract: row.try_get("", "reference")?,
                phase: row.try_get("", "phase")?,
                date: row.try_get("", "date")?,
                quantity_micros: row.try_get("", "quantity_micros")?,
                power_micros: row.try_get("", "power_micros")?,
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    Ok(LedgerSnapshot {
        vendors,
        contracts,
        commitments,
        usage: DailyUsage::default(),
        revenue,
        phases,
        receipts,
        rates: crate::fx::all(db).await?,
        rate_cards: crate::rate_cards::all(db).await?,
    })
}

/// A version of the whole ledger: every write to it records an audit entry in the same
/// transaction, so the newest audit id changes exactly when the ledger does (also when
/// another server process wrote it). Sign-ins, sign-outs, alert rules and board packs are audited too but
/// change no figure, so they do not count.
pub async fn ledger_version(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let sql = "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS version FROM audit_log \
               WHERE entity NOT IN ('session', 'alert_rule', 'board_pack')";
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("version query returned no row".into()))?;
    row.try_get("", "version")
}

/// A word column read as its enum; the schema's CHECK constraints keep other words out.
fn word<T: std::str::FromStr<Err = String>>(
    row: &sea_orm::QueryResult,
    column: &str,
) -> Result<T, DbErr> {
    let raw: String = row.try_get("", column)?;
    raw.parse().map_err(DbErr::Custom)
}
