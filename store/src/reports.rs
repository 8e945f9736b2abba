//! The report inputs, read from the rollups rather than the raw usage rows: a report at 10M
//! usage rows reads one row per contract and day.

use chrono::NaiveDate;
use domain::snapshot::{
    CommitmentFacts, ContractFacts, DailyUsage, DaySum, LedgerSnapshot, MonthlyRevenue, PhaseFacts,
    ReceiptFacts,
};
use domain::{AuditEntity, Currency};
use sea_orm::{ConnectionTrait, DbErr, Statement};

pub async fn snapshot(db: &impl ConnectionTrait) -> Result<LedgerSnapshot, DbErr> {
    let mut snapshot = small_tables(db).await?;
    snapshot.usage = read_usage(db, &[]).await?;
    Ok(snapshot)
}

/// The snapshot after `previous`, which was read at ledger version `since`, without reading
/// every contract's daily usage again: the audit entries since then name the contracts whose
/// usage changed (every write records one in its own transaction), and only their rows are
/// read. An import or a restore (or a long gap) reads everything. The small tables (contracts,
/// revenue, deliveries) are always read in full.
pub async fn refresh(
    db: &impl ConnectionTrait,
    previous: &LedgerSnapshot,
    since: i64,
) -> Result<LedgerSnapshot, DbErr> {
    let Some(changed) = usage_changed_since(db, since).await? else {
        return snapshot(db).await;
    };
    let mut fresh = small_tables(db).await?;
    let ids: Vec<i64> = fresh
        .contracts
        .iter()
        .filter(|c| changed.contains(&c.reference))
        .map(|c| c.id)
        .collect();
    let old = &previous.usage;
    for i in 0..old.len() {
        if !old.contract_id[i].is_some_and(|id| ids.contains(&id)) {
            fresh.usage.push(day_of(old, i));
        }
    }
    if !ids.is_empty() {
        let changed_rows = read_usage(db, &ids).await?;
        for i in 0..changed_rows.len() {
            fresh.usage.push(day_of(&changed_rows, i));
        }
    }
    Ok(fresh)
}

fn day_of(usage: &DailyUsage, i: usize) -> DaySum {
    DaySum {
        vendor_id: usage.vendor_id[i],
        contract_id: usage.contract_id[i],
        commitment_id: usage.commitment_id[i],
        date: usage.date[i],
        amount_e6: usage.amount_e6[i],
        quantity_micros: usage.quantity_micros[i],
    }
}

/// Past this many audit entries a full read is as cheap as sorting them out.
const MAX_AUDIT_ENTRIES_FOR_REFRESH: usize = 1000;

/// References of the contracts whose daily usage may have changed after `since`; `None` when
/// everything must be read.
async fn usage_changed_since(
    db: &impl ConnectionTrait,
    since: i64,
) -> Result<Option<std::collections::HashSet<String>>, DbErr> {
    let sql = format!(
        "SELECT entity, entity_id, before, after FROM audit_log WHERE id > ? ORDER BY id LIMIT {}",
        MAX_AUDIT_ENTRIES_FOR_REFRESH + 1
    );
    let rows = db
        .query_all_raw(crate::db::statement(
            db.get_database_backend(),
            &sql,
            vec![since.into()],
        ))
        .await?;
    if rows.len() > MAX_AUDIT_ENTRIES_FOR_REFRESH {
        return Ok(None);
    }
    let mut changed = std::collections::HashSet::new();
    for row in rows {
        let entity: String = row.try_get_by_index(0)?;
        match entity.parse() {
            // Usage entries: `REF/id`, and the contract before and after a correction. Spend
            // under no contract (`vendor:NAME/id`, rare outside imports) reads everything.
            Ok(AuditEntity::Usage) => {
                let id: Option<String> = row.try_get_by_index(1)?;
                if let Some((reference, _)) = id.as_deref().and_then(|i| i.rsplit_once('/')) {
                    if reference.starts_with("vendor:") {
                        return Ok(None);
                    }
                    changed.insert(reference.to_owned());
                }
                for at in [2, 3] {
                    let values: Option<serde_json::Value> = row.try_get_by_index(at)?;
                    match values.as_ref().map(|v| &v["contract"]) {
                        Some(serde_json::Value::String(reference)) => {
                            changed.insert(reference.to_owned());
                        }
                        Some(serde_json::Value::Null) => return Ok(None),
                        _ => {}
                    }
                }
            }
            // Bulk changes: read everything.
            Ok(AuditEntity::Import | AuditEntity::Ledger) => return Ok(None),
            // Contracts, vendors, revenue, deliveries, users…: no usage rows change.
            _ => {}
        }
    }
    Ok(Some(changed))
}

/// Daily usage, of the given contracts or (empty) of all.
async fn read_usage(db: &impl ConnectionTrait, contracts: &[i64]) -> Result<DailyUsage, DbErr> {
    let mut sql =
        "SELECT contract_id, commitment_id, date, vendor_id, amount_e6, quantity_micros FROM usage_daily"
            .to_owned();
    if !contracts.is_empty() {
        let ids: Vec<String> = contracts.iter().map(i64::to_string).collect();
        sql.push_str(&format!(" WHERE contract_id IN ({})", ids.join(",")));
    }
    // The biggest read after a write (one row per contract and day). In table order, not key
    // order: SQLite then scans the table instead of walking the key index (half the time), and
    // every report groups and sorts the frame itself. Columns by position: no name lookups.
    let mut usage = DailyUsage::default();
    for row in db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
    {
        let contract_id: i64 = row.try_get_by_index(0)?;
        let commitment_id: i64 = row.try_get_by_index(1)?;
        usage.push(DaySum {
            vendor_id: row.try_get_by_index(3)?,
            contract_id: (contract_id != crate::rollup::NO_CONTRACT).then_some(contract_id),
            commitment_id: (commitment_id != crate::rollup::NO_COMMITMENT).then_some(commitment_id),
            date: row.try_get_by_index::<NaiveDate>(2)?,
            amount_e6: row.try_get_by_index(4)?,
            quantity_micros: row.try_get_by_index(5)?,
        });
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
            "SELECT c.id, c.reference, v.name FROM contracts c JOIN vendors v ON v.id = c.vendor_id ORDER BY c.id",
        ))
        .await?
    {
        contracts.push(ContractFacts {
            id: row.try_get_by_index(0)?,
            reference: row.try_get_by_index(1)?,
            vendor: row.try_get_by_index(2)?,
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
        vendors,
        contracts,
        commitments,
        usage: DailyUsage::default(),
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

/// A word column read as its enum; the schema's CHECK constraints keep other words out.
fn word<T: std::str::FromStr<Err = String>>(
    row: &sea_orm::QueryResult,
    column: &str,
) -> Result<T, DbErr> {
    let raw: String = row.try_get("", column)?;
    raw.parse().map_err(DbErr::Custom)
}
