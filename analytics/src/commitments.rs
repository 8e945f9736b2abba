//! Board-level figures built on monthly sums: the trailing-twelve-month infrastructure-to-
//! revenue ratio, outstanding commitments against annualised revenue (the "6:1" figure), and
//! how concentrated the outstanding commitments are by vendor.
//!
//! polars does the summing; the month-by-month bookkeeping over a few hundred rows is plain
//! Rust, where calendar arithmetic is explicit.

use crate::ledger::{month_of, Filters, LedgerFrames};
use chrono::{Months, NaiveDate};
use domain::date::{month_end, month_start};
use polars::prelude::*;
use std::collections::BTreeMap;

/// One commitment's key in the maps below: its contract and its own reference.
fn commitment_key(contract: &str, commitment: &str) -> String {
    format!("{contract}\u{1f}{commitment}")
}

/// (commitment → month → spend applied), (month → all infrastructure spend, under a contract
/// or none) and (month → revenue), after filters.
struct Monthly {
    spend: BTreeMap<String, BTreeMap<NaiveDate, i64>>,
    infra: BTreeMap<NaiveDate, i64>,
    revenue: BTreeMap<NaiveDate, i64>,
}

fn monthly(ledger: &LedgerFrames, filters: &Filters) -> PolarsResult<Monthly> {
    let spend = ledger
        .daily_usage(filters)
        .group_by([
            col("contract"),
            col("commitment"),
            month_of("date").alias("month"),
        ])
        .agg([col("amount_e6").sum()])
        .collect()?;
    let mut by_contract: BTreeMap<String, BTreeMap<NaiveDate, i64>> = BTreeMap::new();
    let months = spend
        .column("month")?
        .date()?
        .as_date_iter()
        .collect::<Vec<_>>();
    for (((contract, commitment), month), amount) in spend
        .column("contract")?
        .str()?
        .iter()
        .zip(spend.column("commitment")?.str()?.iter())
        .zip(months)
        .zip(spend.column("amount_e6")?.i64()?.iter())
    {
        if let (Some(c), Some(k), Some(m), Some(a)) = (contract, commitment, month, amount) {
            *by_contract
                .entry(commitment_key(c, k))
                .or_default()
                .entry(month_start(m))
                .or_default() += a;
        }
    }
    let all = ledger
        .vendor_usage(filters)
        .group_by([month_of("date").alias("month")])
        .agg([col("amount_e6").sum()])
        .collect()?;
    let mut infra = BTreeMap::new();
    for (month, amount) in all
        .column("month")?
        .date()?
        .as_date_iter()
        .zip(all.column("amount_e6")?.i64()?.iter())
    {
        if let (Some(m), Some(a)) = (month, amount) {
            *infra.entry(month_start(m)).or_default() += a;
        }
    }
    let revenue = ledger.revenue_as_of(filters).collect()?;
    let mut by_month = BTreeMap::new();
    let periods = revenue
        .column("period_start")?
        .date()?
        .as_date_iter()
        .collect::<Vec<_>>();
    for (period, amount) in periods
        .into_iter()
        .zip(revenue.column("amount_e6")?.i64()?.iter())
    {
        if let (Some(p), Some(a)) = (period, amount) {
            *by_month.entry(month_start(p)).or_default() += a;
        }
    }
    Ok(Monthly {
        spend: by_contract,
        infra,
        revenue: by_month,
    })
}

/// Spend commitments' terms after filters: (commitment key, vendor, committed, start).
fn contract_terms(
    ledger: &LedgerFrames,
    filters: &Filters,
) -> PolarsResult<Vec<(String, String, i64, NaiveDate)>> {
    let c = ledger.spend_commitments(filters).collect()?;
    let starts = c
        .column("start_date")?
        .date()?
        .as_date_iter()
        .collect::<Vec<_>>();
    let rows = c
        .column("contract")?
        .str()?
        .iter()
        .zip(c.column("commitment")?.str()?.iter())
        .zip(c.column("vendor")?.str()?.iter())
        .zip(c.column("committed_e6")?.i64()?.iter())
        .zip(starts)
        .filter_map(|((((r, k), v), amount), s)| {
            Some((commitment_key(r?, k?), v?.to_owned(), amount?, s?))
        })
        .collect();
    Ok(rows)
}

/// Per month with both usage and revenue: the monthly ratio, the trailing-twelve-month sums
/// and ratio (calendar months; a month without entries counts as zero), and outstanding
/// commitments at the month's end against annualised revenue (the month's revenue × 12).
/// Columns: `month`, `infra_spend_e6`, `revenue_e6`, `ratio`, `ttm_infra_spend_e6`,
/// `ttm_revenue_e6`, `ttm_ratio`, `outstanding_commitments_e6`,
/// `annualised_revenue_e6`, `commitments_to_revenue`.
pub fn ratio_ttm(ledger: &LedgerFrames, filters: &Filters) -> PolarsResult<DataFrame> {
    let m = monthly(ledger, filters)?;
    let terms = contract_terms(ledger, filters)?;
    let spend_by_month = &m.infra;
    let trailing = |series: &BTreeMap<NaiveDate, i64>, month: NaiveDate| -> i64 {
        let from = month.checked_sub_months(Months::new(11)).unwrap_or(month);
        series.range(from..=month).map(|(_, v)| v).sum()
    };
    let mut cols: (
        Vec<NaiveDate>,
        Vec<i64>,
        Vec<i64>,
        Vec<f64>,
        Vec<i64>,
        Vec<i64>,
        Vec<f64>,
        Vec<i64>,
        Vec<i64>,
        Vec<f64>,
    ) = Default::default();
    for (&month, &infra) in spend_by_month {
        let Some(&revenue) = m.revenue.get(&month) else {
            continue;
        };
        let (ttm_infra, ttm_revenue) =
            (trailing(spend_by_month, month), trailing(&m.revenue, month));
        let end = month_end(month);
        let outstanding: i64 = terms
            .iter()
            .filter(|(_, _, _, start)| *start <= end)
            .map(|(contract, _, committed, _)| {
                let spent: i64 = m
                    .spend
                    .get(contract)
                    .map_or(0, |s| s.range(..=month).map(|(_, v)| v).sum());
                (committed - spent).max(0)
            })
            .sum();
        let ratio = |a: i64, b: i64| {
            if b == 0 {
                f64::NAN
            } else {
                a as f64 / b as f64
            }
        };
        cols.0.push(month);
        cols.1.push(infra);
        cols.2.push(revenue);
        cols.3.push(ratio(infra, revenue));
        cols.4.push(ttm_infra);
        cols.5.push(ttm_revenue);
        cols.6.push(ratio(ttm_infra, ttm_revenue));
        cols.7.push(outstanding);
        cols.8.push(revenue * 12);
        cols.9.push(ratio(outstanding, revenue * 12));
    }
    df!(
        "month" => cols.0,
        "infra_spend_e6" => cols.1,
        "revenue_e6" => cols.2,
        "ratio" => cols.3,
        "ttm_infra_spend_e6" => cols.4,
        "ttm_revenue_e6" => cols.5,
        "ttm_ratio" => cols.6,
        "outstanding_commitments_e6" => cols.7,
        "annualised_revenue_e6" => cols.8,
        "commitments_to_revenue" => cols.9,
    )
}

/// Outstanding (remaining) commitments by vendor as of a date, with share and HHI.
/// Columns: `vendor`, `outstanding_e6`, `share`, `hhi`; by vendor.
pub fn commitment_concentration(
    ledger: &LedgerFrames,
    filters: &Filters,
    as_of: NaiveDate,
) -> PolarsResult<DataFrame> {
    let filters = Filters {
        as_of: Some(as_of),
        ..filters.clone()
    };
    let m = monthly(ledger, &filters)?;
    let mut by_vendor: BTreeMap<String, i64> = BTreeMap::new();
    for (contract, vendor, committed, _) in contract_terms(ledger, &filters)? {
        let spent: i64 = m.spend.get(&contract).map_or(0, |s| s.values().sum());
        *by_vendor.entry(vendor).or_default() += (committed - spent).max(0);
    }
    let outstanding: Vec<i64> = by_vendor.values().copied().collect();
    let shares = crate::hhi::shares(&outstanding);
    let hhi = crate::hhi::hhi(&shares);
    df!(
        "vendor" => by_vendor.keys().map(String::as_str).collect::<Vec<_>>(),
        "outstanding_e6" => outstanding,
        "share" => shares.clone(),
        "hhi" => vec![hhi; shares.len()],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::worked_example::{self, cents, e6, f64s};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// One contract (10,000.00 from 2025-03-01) spending 100.00 a month Mar 2025 – Feb 2026 and
    /// 200.00 in Mar 2026; revenue 50.00 every month.
    fn year_boundary() -> LedgerFrames {
        let mut months = Vec::new();
        let mut month = d("2025-03-01");
        while month <= d("2026-03-01") {
            months.push(month);
            month = month.checked_add_months(Months::new(1)).unwrap();
        }
        let amounts: Vec<i64> = months
            .iter()
            .map(|m| {
                e6(if *m == d("2026-03-01") {
                    20_000
                } else {
                    10_000
                })
            })
            .collect();
        let mut frames = worked_example::frames();
        frames.commitments = df!(
            "contract" => ["K"], "commitment" => ["K"], "vendor" => ["V"], "category" => ["spend"],
            "committed_e6" => [e6(1_000_000)],
            "start_date" => [d("2025-03-01")], "end_date" => [d("2027-02-28")],
        )
        .unwrap();
        frames.usage = df!(
            "contract" => vec![Some("K"); months.len()], "commitment" => vec![Some("K"); months.len()],
            "vendor" => vec!["V"; months.len()], "date" => months.clone(), "amount_e6" => amounts,
            "quantity_micros" => vec![0i64; months.len()],
        )
        .unwrap();
        frames.revenue =
            df!("period_start" => months.clone(), "amount_e6" => vec![e6(5_000); months.len()])
                .unwrap();
        frames
    }

    #[test]
    fn the_ttm_ratio_rolls_across_a_year_boundary() {
        let out = ratio_ttm(&year_boundary(), &Filters::default()).unwrap();
        assert_eq!(out.height(), 13);
        let ttm_infra = cents(&out, "ttm_infra_spend_e6");
        let ttm_ratio = f64s(&out, "ttm_ratio");
        // Feb 2026: Mar 2025 – Feb 2026 = 12 × 100.00 against 12 × 50.00.
        assert_eq!(ttm_infra[11], 120_000);
        assert_eq!(ttm_ratio[11], 2.0);
        // Mar 2026: Mar 2025 drops out, Mar 2026 (200.00) comes in.
        assert_eq!(ttm_infra[12], 130_000);
        assert!((ttm_ratio[12] - 1300.0 / 600.0).abs() < 1e-12);
        // Outstanding at the end of Mar 2026: 10,000.00 less all 1,400.00 spent since the start;
        // annualised revenue 50.00 × 12.
        assert_eq!(cents(&out, "outstanding_commitments_e6")[12], 860_000);
        assert!((f64s(&out, "commitments_to_revenue")[12] - 8600.0 / 600.0).abs() < 1e-12);
        // The first month has only one month behind it.
        assert_eq!(ttm_infra[0], 10_000);
    }

    #[test]
    fn outstanding_commitments_by_vendor_as_of_a_date() {
        // As of Jan 31: A has 1000.00 - 150.50 left, B 3000.00 - 300.00.
        let out = commitment_concentration(
            &worked_example::frames(),
            &Filters::default(),
            d("2026-01-31"),
        )
        .unwrap();
        assert_eq!(cents(&out, "outstanding_e6"), [84_950, 270_000]);
        let share = f64s(&out, "share");
        let total = 84_950.0 + 270_000.0;
        assert!((share[0] - 84_950.0 / total).abs() < 1e-12);
        let hhi = 10_000.0 * ((84_950.0 / total).powi(2) + (270_000.0 / total).powi(2));
        assert!((f64s(&out, "hhi")[0] - hhi).abs() < 1e-9);
    }
}
