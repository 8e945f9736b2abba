//! The frames every report starts from, and the filters every report accepts.

use chrono::NaiveDate;
use polars::prelude::*;
use std::collections::HashMap;

/// The ledger as three frames, keyed by contract reference:
/// - `contracts`: `contract` str, `vendor` str, `committed_minor` i64, `start_date` date,
///   `end_date` date
/// - `usage`: `contract` str, `date` date, `amount_minor` i64 (raw rows or daily sums)
/// - `revenue`: `period_start` date, `amount_minor` i64
#[derive(Clone)]
pub struct LedgerFrames {
    pub contracts: DataFrame,
    pub usage: DataFrame,
    pub revenue: DataFrame,
}

/// As-of date (entries after it are ignored) and vendor / contract filters (empty = all).
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub as_of: Option<NaiveDate>,
    pub vendors: Vec<String>,
    pub contracts: Vec<String>,
}

fn is_in(column: &str, values: &[String]) -> Expr {
    let series = Series::new(column.into(), values);
    col(column).is_in(lit(series).implode(false), false)
}

impl LedgerFrames {
    /// Frames from the store's snapshot (usage already summed per contract and day).
    pub fn from_snapshot(snapshot: &domain::snapshot::LedgerSnapshot) -> PolarsResult<Self> {
        let c = &snapshot.contracts;
        let reference: HashMap<i64, &str> =
            c.iter().map(|c| (c.id, c.reference.as_str())).collect();
        let contracts = df!(
            "contract" => c.iter().map(|c| c.reference.as_str()).collect::<Vec<_>>(),
            "vendor" => c.iter().map(|c| c.vendor.as_str()).collect::<Vec<_>>(),
            "committed_minor" => c.iter().map(|c| c.committed_minor).collect::<Vec<_>>(),
            "start_date" => c.iter().map(|c| c.start_date).collect::<Vec<_>>(),
            "end_date" => c.iter().map(|c| c.end_date).collect::<Vec<_>>(),
        )?;
        let usage = df!(
            "contract" => snapshot.usage.contract_id.iter().map(|id| reference.get(id).copied().unwrap_or("")).collect::<Vec<_>>(),
            "date" => &snapshot.usage.date,
            "amount_minor" => &snapshot.usage.amount_minor,
        )?;
        let revenue = df!(
            "period_start" => &snapshot.revenue.period_start,
            "amount_minor" => &snapshot.revenue.amount_minor,
        )?;
        Ok(Self {
            contracts,
            usage,
            revenue,
        })
    }

    /// Usage summed per contract and day, filtered, with the contract's vendor and commitment:
    /// `contract`, `date`, `amount_minor`, `vendor`, `committed_minor`. Summing before the
    /// join keeps the join small however many raw rows there are.
    pub(crate) fn daily_usage(&self, filters: &Filters) -> LazyFrame {
        let mut usage = self.usage.clone().lazy();
        if let Some(as_of) = filters.as_of {
            usage = usage.filter(col("date").lt_eq(lit(as_of)));
        }
        if !filters.contracts.is_empty() {
            usage = usage.filter(is_in("contract", &filters.contracts));
        }
        usage
            .group_by([col("contract"), col("date")])
            .agg([col("amount_minor").sum()])
            .inner_join(
                self.filtered_contracts(filters),
                col("contract"),
                col("contract"),
            )
    }

    /// Contracts passing the vendor and contract filters.
    pub(crate) fn filtered_contracts(&self, filters: &Filters) -> LazyFrame {
        let mut contracts = self.contracts.clone().lazy();
        if !filters.vendors.is_empty() {
            contracts = contracts.filter(is_in("vendor", &filters.vendors));
        }
        if !filters.contracts.is_empty() {
            contracts = contracts.filter(is_in("contract", &filters.contracts));
        }
        contracts
    }

    /// Revenue up to the as-of date (vendor and contract filters do not apply to revenue).
    pub(crate) fn revenue_as_of(&self, filters: &Filters) -> LazyFrame {
        let revenue = self.revenue.clone().lazy();
        match filters.as_of {
            Some(as_of) => revenue.filter(col("period_start").lt_eq(lit(as_of))),
            None => revenue,
        }
    }
}

/// Month buckets (`YYYY-MM-01`) for a date column.
pub(crate) fn month_of(column: &str) -> Expr {
    col(column).dt().truncate(lit("1mo"))
}

#[cfg(test)]
pub(crate) mod worked_example {
    //! The DOMAIN.md worked example as frames.
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    pub fn frames() -> LedgerFrames {
        let contracts = df!(
            "contract" => ["C1", "C2"],
            "vendor" => ["A", "B"],
            "committed_minor" => [100_000i64, 300_000],
            "start_date" => [d("2026-01-01"), d("2026-01-01")],
            "end_date" => [d("2026-12-31"), d("2027-12-31")],
        )
        .unwrap();
        let usage = df!(
            "contract" => ["C1", "C1", "C1", "C2", "C2"],
            "date" => [d("2026-01-05"), d("2026-01-05"), d("2026-02-10"), d("2026-01-20"), d("2026-02-15")],
            "amount_minor" => [10_000i64, 5_050, 20_000, 30_000, 10_000],
        )
        .unwrap();
        let revenue = df!(
            "period_start" => [d("2026-01-01"), d("2026-02-01")],
            "amount_minor" => [90_000i64, 100_000],
        )
        .unwrap();
        LedgerFrames {
            contracts,
            usage,
            revenue,
        }
    }
}
