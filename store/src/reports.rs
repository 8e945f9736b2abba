//! The report inputs, read from the rollups rather than the raw usage rows: a report at 10M
//! usage rows reads one row per contract and day.

use chrono::NaiveDate;
use domain::snapshot::{
    ContractFacts, DailyUsage, LedgerSnapshot, MonthlyRevenue, PhaseFacts, ReceiptFacts,
};
use domain::Currency;
use sea_orm::{ConnectionTrait, DbErr, Statement};

pub async fn snapshot(db: &impl ConnectionTrait) -> Result<LedgerSnapshot, DbErr> {
    let backend = db.get_database_backend();
    let query = |sql: &str| Statement::from_string(backend, sql.to_owned());

    let contracts = db
        .query_all_raw(query(
            "SELECT c.id, c.reference, v.name AS vendor, c.committed_minor, c.currency, c.start_date, c.end_date \
             FROM contracts c JOIN vendors v ON v.id = c.vendor_id ORDER BY c.id",
        ))
        .await?
        .into_iter()
        .map(|row| {
            let currency: String = row.try_get("", "currency")?;
            Ok(ContractFacts {
                id: row.try_get("", "id")?,
                reference: row.try_get("", "reference")?,
                vendor: row.try_get("", "vendor")?,
                committed_minor: row.try_get("", "committed_minor")?,
                currency: Currency::parse(&currency).map_err(DbErr::Custom)?,
                start_date: row.try_get("", "start_date")?,
                end_date: row.try_get("", "end_date")?,
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()?;

    // The biggest read after a write (one row per contract and day). In table order, not key
    // order: SQLite then scans the table instead of walking the key index (half the time), and
    // every report groups and sorts the frame itself. Columns by position: no name lookups.
    let mut usage = DailyUsage::default();
    for row in db
        .query_all_raw(query(
            "SELECT contract_id, date, amount_minor FROM usage_daily",
        ))
        .await?
    {
        usage.contract_id.push(row.try_get_by_index(0)?);
        usage.date.push(row.try_get_by_index::<NaiveDate>(1)?);
        usage.amount_minor.push(row.try_get_by_index(2)?);
    }

    let mut revenue = MonthlyRevenue::default();
    for row in db
        .query_all_raw(query(
            "SELECT period_start, amount_minor FROM revenue_entries ORDER BY period_start",
        ))
        .await?
    {
        revenue.period_start.push(row.try_get("", "period_start")?);
        revenue.amount_minor.push(row.try_get("", "amount_minor")?);
    }
    let phases = db
        .query_all_raw(query(
            "SELECT c.reference, p.phase, p.resource, p.planned_date, p.planned_quantity_micros \
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
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    let receipts = db
        .query_all_raw(query(
            "SELECT c.reference, p.phase, r.date, r.quantity_micros FROM delivery_receipts r \
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
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    Ok(LedgerSnapshot {
        contracts,
        usage,
        revenue,
        phases,
        receipts,
    })
}

/// A version of the whole ledger: every write to it records an audit entry in the same
/// transaction, so the newest audit id changes exactly when the ledger does (also when
/// another server process wrote it).
pub async fn ledger_version(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let sql = "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS version FROM audit_log";
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("version query returned no row".into()))?;
    row.try_get("", "version")
}
