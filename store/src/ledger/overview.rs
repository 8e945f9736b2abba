//! The contracts overview and table counts.

use domain::views::ContractOverview;
use domain::Currency;
use sea_orm::{ConnectionTrait, DbErr, Statement};

/// Active contracts with their vendor and the spend burned so far, by reference. Reads the
/// per-day rollup, not the raw usage rows (millions of them).
pub async fn contract_overviews(db: &impl ConnectionTrait) -> Result<Vec<ContractOverview>, DbErr> {
    let mut all = all_contract_overviews(db).await?;
    all.retain(|c| !c.archived);
    Ok(all)
}

/// Archived contracts too (the contracts list filters by status).
pub async fn all_contract_overviews(
    db: &impl ConnectionTrait,
) -> Result<Vec<ContractOverview>, DbErr> {
    let sql =
        "SELECT c.reference, v.name AS vendor, c.title, c.start_date, c.end_date, c.currency, \
                      CAST(COALESCE(k.committed, 0) AS BIGINT) AS committed_minor, \
                      CAST(COALESCE(u.burned, 0) AS BIGINT) AS burned, \
                      CASE WHEN c.archived_at IS NULL THEN 0 ELSE 1 END AS archived \
               FROM contracts c \
               JOIN vendors v ON v.id = c.vendor_id \
               LEFT JOIN (SELECT contract_id, SUM(committed_minor) AS committed FROM commitments \
                          GROUP BY contract_id) k ON k.contract_id = c.id \
               LEFT JOIN (SELECT contract_id, SUM(amount_e6) AS burned FROM usage_daily \
                          WHERE commitment_id <> 0 GROUP BY contract_id) u ON u.contract_id = c.id \
               ORDER BY c.reference";
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    rows.into_iter()
        .map(|row| {
            let currency: String = row.try_get("", "currency")?;
            Ok(ContractOverview {
                reference: row.try_get("", "reference")?,
                vendor: row.try_get("", "vendor")?,
                title: row.try_get("", "title")?,
                start_date: row.try_get("", "start_date")?,
                end_date: row.try_get("", "end_date")?,
                currency: Currency::parse(&currency).map_err(DbErr::Custom)?,
                committed_minor: row.try_get("", "committed_minor")?,
                // Exact in the rollup; rounded once, here, where it is shown.
                burned_minor: domain::exact::to_minor(row.try_get("", "burned")?),
                archived: row.try_get::<i32>("", "archived")? != 0,
            })
        })
        .collect()
}

/// Row counts of every ledger table, e.g. to check that a failed import wrote nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TableCounts {
    pub vendors: i64,
    pub contracts: i64,
    pub commitments: i64,
    pub delivery_phases: i64,
    pub delivery_receipts: i64,
    pub usage_entries: i64,
    pub revenue_entries: i64,
    pub imports: i64,
    pub audit_log: i64,
}

pub async fn table_counts(db: &impl ConnectionTrait) -> Result<TableCounts, DbErr> {
    let sql = "SELECT \
        (SELECT COUNT(*) FROM vendors) AS vendors, \
        (SELECT COUNT(*) FROM contracts) AS contracts, \
        (SELECT COUNT(*) FROM commitments) AS commitments, \
        (SELECT COUNT(*) FROM delivery_phases) AS delivery_phases, \
        (SELECT COUNT(*) FROM delivery_receipts) AS delivery_receipts, \
        (SELECT COUNT(*) FROM usage_entries) AS usage_entries, \
        (SELECT COUNT(*) FROM revenue_entries) AS revenue_entries, \
        (SELECT COUNT(*) FROM imports) AS imports, \
        (SELECT COUNT(*) FROM audit_log) AS audit_log";
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .ok_or_else(|| DbErr::Custom("count query returned no row".into()))?;
    let get = |c: &str| row.try_get::<i64>("", c);
    Ok(TableCounts {
        vendors: get("vendors")?,
        contracts: get("contracts")?,
        commitments: get("commitments")?,
        delivery_phases: get("delivery_phases")?,
        delivery_receipts: get("delivery_receipts")?,
        usage_entries: get("usage_entries")?,
        revenue_entries: get("revenue_entries")?,
        imports: get("imports")?,
        audit_log: get("audit_log")?,
    })
}

pub async fn is_empty(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    let counts = table_counts(db).await?;
    Ok(counts.vendors == 0
        && counts.contracts == 0
        && counts.usage_entries == 0
        && counts.revenue_entries == 0)
}
