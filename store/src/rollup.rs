//! The per-contract, per-day usage rollup (`usage_daily`) that reports and pages read instead
//! of millions of raw usage rows. Every write of usage adds its delta here in the same
//! transaction, so the rollup can never disagree with the entries.

use crate::import::insert::{insert_rows, InsertRow};
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbErr, Value};

/// One (contract, day) of the usage rollup; inserting adds to what the day already holds.
#[derive(Debug, Default)]
pub(crate) struct DailyUsageRow {
    pub contract_id: i64,
    pub date: NaiveDate,
    pub amount_minor: i64,
    pub quantity_micros: i64,
    pub entries: i64,
}

impl InsertRow for DailyUsageRow {
    const TABLE: &'static str = "usage_daily";
    const COLUMNS: &'static [&'static str] = &[
        "contract_id",
        "date",
        "amount_minor",
        "quantity_micros",
        "entries",
    ];
    const ON_CONFLICT: &'static str = " ON CONFLICT (contract_id, date) DO UPDATE SET \
        amount_minor = usage_daily.amount_minor + excluded.amount_minor, \
        quantity_micros = usage_daily.quantity_micros + excluded.quantity_micros, \
        entries = usage_daily.entries + excluded.entries";
    fn push_values(self, out: &mut Vec<Value>) {
        out.extend([
            self.contract_id.into(),
            self.date.into(),
            self.amount_minor.into(),
            self.quantity_micros.into(),
            self.entries.into(),
        ]);
    }
}

/// Adds one entry's amount and quantity to its day (negative deltas take a corrected one away).
pub(crate) async fn add(conn: &impl ConnectionTrait, row: DailyUsageRow) -> Result<(), DbErr> {
    insert_rows(conn, vec![row]).await
}
