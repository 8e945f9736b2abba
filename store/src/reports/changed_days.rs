//! Which days of the usage rollup the writes after a ledger version touched, read from the
//! audit trail: every usage write records the entry before and after it (contract, vendor and
//! date among them) in its own transaction, so the days it changed can be named without
//! reading any usage.

use chrono::NaiveDate;
use domain::AuditEntity;
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::HashSet;

/// A day of the rollup as the audit names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum AuditedDay {
    /// A contract's day (every commitment and vendor row of it), by contract reference.
    Contract(String, NaiveDate),
    /// A vendor's day of spend under no contract, by vendor name.
    Vendor(String, NaiveDate),
}

/// Past this many audit entries a full read is as cheap as sorting them out.
const MAX_AUDIT_ENTRIES: usize = 1000;

/// The days whose usage may have changed after `since`; `None` when everything must be read
/// (an import, a restore, a long gap, or an entry this code cannot place).
pub(super) async fn usage_days_changed_since(
    db: &impl ConnectionTrait,
    since: i64,
) -> Result<Option<HashSet<AuditedDay>>, DbErr> {
    let rows = db
        .query_all(
            Query::select()
                .columns(["entity", "before", "after"])
                .from("audit_log")
                .and_where(Expr::col("id").gt(since))
                .order_by("id", Order::Asc)
                .limit(MAX_AUDIT_ENTRIES as u64 + 1),
        )
        .await?;
    if rows.len() > MAX_AUDIT_ENTRIES {
        return Ok(None);
    }
    let mut changed = HashSet::new();
    for row in rows {
        let entity: String = row.try_get_by_index(0)?;
        match entity.parse() {
            Ok(AuditEntity::Usage) => {
                let before: Option<serde_json::Value> = row.try_get_by_index(1)?;
                let after: Option<serde_json::Value> = row.try_get_by_index(2)?;
                if before.is_none() && after.is_none() {
                    return Ok(None);
                }
                for entry in before.iter().chain(after.iter()) {
                    match day_of(entry) {
                        Some(day) => changed.insert(day),
                        None => return Ok(None),
                    };
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

/// The rollup day an audited usage entry counts in.
fn day_of(entry: &serde_json::Value) -> Option<AuditedDay> {
    let date = entry["date"].as_str()?.parse().ok()?;
    match &entry["contract"] {
        serde_json::Value::String(reference) => Some(AuditedDay::Contract(reference.clone(), date)),
        serde_json::Value::Null => Some(AuditedDay::Vendor(
            entry["vendor"].as_str()?.to_owned(),
            date,
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_entry_counts_in_its_contracts_day_or_its_vendors() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert_eq!(
            day_of(&json!({"contract": "AWS-1", "vendor": "AWS", "date": "2026-11-20"})),
            Some(AuditedDay::Contract("AWS-1".into(), day))
        );
        assert_eq!(
            day_of(&json!({"contract": null, "vendor": "Lambda", "date": "2026-11-20"})),
            Some(AuditedDay::Vendor("Lambda".into(), day))
        );
        // Without a date (or with one it cannot read) nothing can be placed.
        assert_eq!(day_of(&json!({"contract": "AWS-1"})), None);
        assert_eq!(
            day_of(&json!({"contract": "AWS-1", "date": "20 Nov"})),
            None
        );
    }
}
