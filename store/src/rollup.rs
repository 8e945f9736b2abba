//! The per-contract, per-day usage rollup (`usage_daily`) that reports and pages read instead
//! of millions of raw usage rows. Every write of usage adds its delta here in the same
//! transaction, so the rollup can never disagree with the entries. Spend under no contract is
//! summed per vendor and day under [`NO_CONTRACT`].

use crate::import::insert::{insert_rows, InsertRow};
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DbErr, Value};

/// The rollup's `contract_id` for spend under no contract (a key column cannot be NULL).
pub(crate) const NO_CONTRACT: i64 = 0;
/// The rollup's `commitment_id` for spend applied to no commitment.
pub(crate) const NO_COMMITMENT: i64 = 0;

/// One (contract, commitment, day, vendor) of the usage rollup; inserting adds to what the day
/// already holds.
#[derive(Debug, Default)]
pub(crate) struct DailyUsageRow {
    pub contract_id: i64,
    pub commitment_id: i64,
    pub date: NaiveDate,
    pub vendor_id: i64,
    pub amount_e6: i64,
    pub quantity_micros: i64,
    pub entries: i64,
}

impl InsertRow for DailyUsageRow {
    const TABLE: &'static str = "usage_daily";
    const COLUMNS: &'static [&'static str] = &[
        "contract_id",
        "commitment_id",
        "date",
        "vendor_id",
        "amount_e6",
        "quantity_micros",
        "entries",
    ];
    const ON_CONFLICT: &'static str =
        " ON CONFLICT (contract_id, commitment_id, date, vendor_id) DO UPDATE SET \
        amount_e6 = usage_daily.amount_e6 + excluded.amount_e6, \
        quantity_micros = usage_daily.quantity_micros + excluded.quantity_micros, \
        entries = usage_daily.entries + excluded.entries";
    fn push_values(self, out: &mut Vec<Value>) {
        out.extend([
            self.contract_id.into(),
            self.commitment_id.into(),
            self.date.into(),
            self.vendor_id.into(),
            self.amount_e6.into(),
            self.quantity_micros.into(),
            self.entries.into(),
        ]);
    }
}

/// Adds one entry's amount and quantity to its day (negative deltas take a corrected one away).
pub(crate) async fn add(conn: &impl ConnectionTrait, row: DailyUsageRow) -> Result<(), DbErr> {
    insert_rows(conn, vec![row]).await
}

/// Contract ids bound by one statement (well under what SQLite and PostgreSQL take).
const CONTRACTS_PER_QUERY: usize = 1000;

/// The (contract id, day, column) of each row whose addition would carry its day past the
/// largest value the ledger holds. Checked before adding: SQLite would silently turn the sum
/// into an inexact REAL, PostgreSQL would fail with a bare "out of range".
pub(crate) async fn overflows(
    conn: &impl ConnectionTrait,
    rows: &[DailyUsageRow],
) -> Result<Vec<(i64, NaiveDate, &'static str)>, DbErr> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let days = || {
        Query::select()
            .columns([
                "contract_id",
                "commitment_id",
                "date",
                "vendor_id",
                "amount_e6",
                "quantity_micros",
            ])
            .from("usage_daily")
            .to_owned()
    };
    // One entry (a form): its day only. An import: the days of every contract it touches.
    let queries = match rows {
        [one] => vec![days()
            .and_where(Expr::col("contract_id").eq(one.contract_id))
            .and_where(Expr::col("commitment_id").eq(one.commitment_id))
            .and_where(Expr::col("date").eq(one.date))
            .and_where(Expr::col("vendor_id").eq(one.vendor_id))
            .to_owned()],
        _ => {
            let mut ids: Vec<i64> = rows.iter().map(|r| r.contract_id).collect();
            ids.sort_unstable();
            ids.dedup();
            ids.chunks(CONTRACTS_PER_QUERY)
                .map(|chunk| {
                    days()
                        .and_where(Expr::col("contract_id").is_in(chunk.iter().copied()))
                        .to_owned()
                })
                .collect()
        }
    };
    let mut existing = std::collections::HashMap::new();
    for query in &queries {
        for r in conn.query_all(query).await? {
            let key: (i64, i64, NaiveDate, i64) = (
                r.try_get_by_index(0)?,
                r.try_get_by_index(1)?,
                r.try_get_by_index(2)?,
                r.try_get_by_index(3)?,
            );
            existing.insert(
                key,
                (r.try_get_by_index::<i64>(4)?, r.try_get_by_index::<i64>(5)?),
            );
        }
    }
    let mut out = Vec::new();
    for row in rows {
        let (amount, quantity) = existing
            .get(&(row.contract_id, row.commitment_id, row.date, row.vendor_id))
            .copied()
            .unwrap_or((0, 0));
        if amount.checked_add(row.amount_e6).is_none() {
            out.push((row.contract_id, row.date, "amount"));
        } else if quantity.checked_add(row.quantity_micros).is_none() {
            out.push((row.contract_id, row.date, "quantity"));
        }
    }
    Ok(out)
}
