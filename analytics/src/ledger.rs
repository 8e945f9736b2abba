//! The frames every report starts from, and the filters every report accepts.

use chrono::NaiveDate;
use polars::prelude::*;

/// The ledger as three frames:
/// - `contracts`: `contract_id` i64, `reference` str, `vendor` str, `committed_minor` i64
/// - `usage`: `contract_id` i64, `date` date, `amount_minor` i64
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

pub(crate) fn date_lit(date: NaiveDate) -> Expr {
    lit(date)
}

fn is_in(column: &str, values: &[String]) -> Expr {
    let series = Series::new(column.into(), values);
    col(column).is_in(lit(series).implode(), false)
}

impl LedgerFrames {
    /// Usage joined to its contract, with the filters applied:
    /// `reference`, `vendor`, `committed_minor`, `date`, `amount_minor`.
    pub(crate) fn usage_with_contracts(&self, filters: &Filters) -> LazyFrame {
        let mut usage = self.usage.clone().lazy();
        if let Some(as_of) = filters.as_of {
            usage = usage.filter(col("date").lt_eq(date_lit(as_of)));
        }
        let mut contracts = self.contracts.clone().lazy();
        if !filters.vendors.is_empty() {
            contracts = contracts.filter(is_in("vendor", &filters.vendors));
        }
        if !filters.contracts.is_empty() {
            contracts = contracts.filter(is_in("reference", &filters.contracts));
        }
        usage.inner_join(contracts, col("contract_id"), col("contract_id")).select([
            col("reference"),
            col("vendor"),
            col("committed_minor"),
            col("date"),
            col("amount_minor"),
        ])
    }

    /// Revenue up to the as-of date (vendor and contract filters do not apply to revenue).
    pub(crate) fn revenue_as_of(&self, filters: &Filters) -> LazyFrame {
        let revenue = self.revenue.clone().lazy();
        match filters.as_of {
            Some(as_of) => revenue.filter(col("period_start").lt_eq(date_lit(as_of))),
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
            "contract_id" => [1i64, 2],
            "reference" => ["C1", "C2"],
            "vendor" => ["A", "B"],
            "committed_minor" => [100_000i64, 300_000],
        )
        .unwrap();
        let usage = df!(
            "contract_id" => [1i64, 1, 1, 2, 2],
            "date" => [d("2026-01-05"), d("2026-01-05"), d("2026-02-10"), d("2026-01-20"), d("2026-02-15")],
            "amount_minor" => [10_000i64, 5_050, 20_000, 30_000, 10_000],
        )
        .unwrap();
        let revenue = df!(
            "period_start" => [d("2026-01-01"), d("2026-02-01")],
            "amount_minor" => [90_000i64, 100_000],
        )
        .unwrap();
        LedgerFrames { contracts, usage, revenue }
    }
}
