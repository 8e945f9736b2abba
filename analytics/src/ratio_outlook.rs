//! The infrastructure-to-revenue ratio carried forward, month by month: each contract's spend
//! at its projected run-rate (the projection's, so a scenario's run-rate change and new
//! contracts apply), and revenue from its latest recorded month grown at the outlook's monthly
//! rate. The baseline holds revenue flat: growth is a what-if, not a forecast the ledger makes.

use crate::ledger::{month_of, Filters, LedgerFrames};
use crate::projection::contracts_as_of;
use chrono::{Datelike, Duration, Months, NaiveDate};
use domain::date::{month_start, months_between};
use polars::prelude::*;

/// How far the outlook looks: the twelve months after the as-of date's month.
pub const OUTLOOK_MONTHS: u32 = 12;

/// Columns: `month`, `infra_spend_e6`, `revenue_e6`, `ratio` (as the `ratio` report).
/// No rows when the ledger has no revenue up to the as-of date: there is no ratio to carry.
pub fn ratio_outlook(
    ledger: &LedgerFrames,
    filters: &Filters,
    as_of: NaiveDate,
    window_days: i64,
) -> PolarsResult<DataFrame> {
    // Each contract's spend a day from tomorrow to the end of its term.
    let rates: Vec<(NaiveDate, NaiveDate, f64)> = contracts_as_of(ledger, filters, as_of)?
        .iter()
        .map(|(t, daily)| {
            let p = t.project(daily, as_of, window_days, &ledger.outlook);
            (
                t.start.max(as_of + Duration::days(1)),
                t.end,
                p.run_rate_e6_per_day,
            )
        })
        .collect();
    let first = month_start(as_of) + Months::new(1);
    let (months, (base_month, base)) = match latest_revenue_month(ledger, filters, as_of)? {
        Some(latest) => (
            (0..OUTLOOK_MONTHS)
                .map(|k| first + Months::new(k))
                // Dates are written with four-digit years; the calendar stops at 9999 here.
                .take_while(|m| m.year() <= 9999)
                .collect::<Vec<_>>(),
            latest,
        ),
        None => (vec![], (first, 0)),
    };
    let spend: Vec<i64> = months
        .iter()
        .map(|&month| {
            let last = month + Months::new(1) - Duration::days(1);
            rates
                .iter()
                .map(|&(from, to, rate)| {
                    let days = (to.min(last) - from.max(month)).num_days() + 1;
                    rate * days.max(0) as f64
                })
                .sum::<f64>()
                .round() as i64
        })
        .collect();
    let growth = 1.0 + ledger.outlook.revenue_growth;
    let revenue: Vec<Option<i64>> = months
        .iter()
        .map(|&month| grown(base, growth, months_between(base_month, month)))
        .collect();
    // A month whose revenue nets to zero (or is beyond counting) has no ratio.
    let ratio: Vec<Option<f64>> = spend
        .iter()
        .zip(&revenue)
        .map(|(s, r)| r.filter(|r| *r != 0).map(|r| *s as f64 / r as f64))
        .collect();
    df!(
        "month" => months,
        "infra_spend_e6" => spend,
        "revenue_e6" => revenue,
        "ratio" => ratio,
    )
}

/// The latest month with revenue up to `as_of`, and its revenue.
fn latest_revenue_month(
    ledger: &LedgerFrames,
    filters: &Filters,
    as_of: NaiveDate,
) -> PolarsResult<Option<(NaiveDate, i64)>> {
    let filters = Filters {
        as_of: Some(as_of),
        ..filters.clone()
    };
    let monthly = ledger
        .revenue_as_of(&filters)
        .group_by([month_of("period_start").alias("month")])
        .agg([col("amount_e6").sum()])
        .sort(
            ["month"],
            SortMultipleOptions::default().with_order_descending(true),
        )
        .limit(1)
        .collect()?;
    let month = monthly
        .column("month")?
        .date()?
        .as_date_iter()
        .next()
        .flatten();
    // `get(0)` would panic on a ledger with no revenue yet.
    let amount = monthly.column("amount_e6")?.i64()?.iter().next().flatten();
    Ok(month.zip(amount))
}

/// `base` after `steps` months of compounding by `factor`; the baseline (no growth) keeps the
/// recorded amount exactly. None when it no longer fits in minor units (e.g. compounding from
/// a month long before the as-of date).
fn grown(base: i64, factor: f64, steps: i32) -> Option<i64> {
    if factor == 1.0 || steps == 0 {
        return Some(base);
    }
    let value = (base as f64 * factor.powi(steps)).round();
    (value.is_finite() && value.abs() < i64::MAX as f64).then_some(value as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::worked_example::{cents, e6, f64s};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// C1 spends 100.00 a day through January and ends mid-June; C2 starts in March with no
    /// history. Revenue: 10,000.00 in December, 8,000.00 + 2,000.00 in January.
    fn frames() -> LedgerFrames {
        let commitments = df!(
            "contract" => ["C1", "C2"],
            "commitment" => ["C1", "C2"],
            "vendor" => ["A", "B"],
            "category" => ["spend", "spend"],
            "committed_e6" => [10_000_000i64, 5_000_000].map(e6),
            "start_date" => [d("2026-01-01"), d("2026-03-01")],
            "end_date" => [d("2026-06-15"), d("2027-12-31")],
            "commitment_model" => ["build_up", "build_up"],
            "fulfillment_interval" => ["term", "term"],
        )
        .unwrap();
        let dates: Vec<NaiveDate> = (0..31)
            .map(|i| d("2026-01-01") + Duration::days(i))
            .collect();
        let usage = df!(
            "contract" => vec![Some("C1"); 31],
            "commitment" => vec![Some("C1"); 31],
            "vendor" => vec!["A"; 31],
            "date" => dates,
            "amount_e6" => vec![e6(10_000); 31],
            "quantity_micros" => vec![0i64; 31],
        )
        .unwrap();
        let revenue = df!(
            "period_start" => [d("2025-12-01"), d("2026-01-01"), d("2026-01-01")],
            "amount_e6" => [1_000_000i64, 800_000, 200_000].map(e6),
        )
        .unwrap();
        let (phases, receipts) = LedgerFrames::no_deliveries().unwrap();
        LedgerFrames {
            contracts: commitments.select(["contract", "vendor"]).unwrap(),
            commitments,
            usage,
            revenue,
            phases,
            receipts,
            outlook: Default::default(),
            rates: Default::default(),
            rate_cards: Default::default(),
        }
    }

    #[test]
    fn the_baseline_carries_the_run_rate_and_holds_revenue_at_its_latest_month() {
        let out = ratio_outlook(&frames(), &Filters::default(), d("2026-01-31"), 10).unwrap();
        assert_eq!(out.height(), 12);
        let months: Vec<_> = out
            .column("month")
            .unwrap()
            .date()
            .unwrap()
            .as_date_iter()
            .collect();
        assert_eq!(months[0], Some(d("2026-02-01")));
        assert_eq!(months[11], Some(d("2027-01-01")));
        // Feb 28 days, Mar–May full months, June to the 15th, then nothing.
        let spend = cents(&out, "infra_spend_e6");
        assert_eq!(
            &spend[..6],
            [280_000, 310_000, 300_000, 310_000, 150_000, 0]
        );
        assert_eq!(cents(&out, "revenue_e6"), vec![1_000_000; 12]);
        let ratio = f64s(&out, "ratio");
        assert!((ratio[0] - 0.28).abs() < 1e-15, "{}", ratio[0]);
        assert_eq!(ratio[5], 0.0);
    }

    #[test]
    fn a_scenario_grows_revenue_monthly_and_scales_the_run_rate() {
        let mut ledger = frames();
        ledger.outlook.revenue_growth = 0.10;
        ledger.outlook.run_rate_factor = 0.5;
        ledger
            .outlook
            .fixed_daily_e6
            .insert("C2".into(), e6(1_000) as f64);
        let out = ratio_outlook(&ledger, &Filters::default(), d("2026-01-31"), 10).unwrap();
        let spend = cents(&out, "infra_spend_e6");
        // Feb: 28 × 50.00; Mar: 31 × (50.00 + 10.00).
        assert_eq!(&spend[..2], [140_000, 186_000]);
        // Revenue from January's 10,000.00: ×1.1, ×1.21, …
        // Compounded at full precision (a year of 10% months leaves sub-cent digits).
        let revenue = crate::ledger::worked_example::i64s(&out, "revenue_e6");
        assert_eq!(&revenue[..3], [1_100_000, 1_210_000, 1_331_000].map(e6));
        let ratio = f64s(&out, "ratio");
        assert!((ratio[1] - 186_000.0 / 1_210_000.0).abs() < 1e-15);
        // The vendor filter leaves revenue whole.
        let only_b = Filters {
            vendors: vec!["B".into()],
            ..Default::default()
        };
        let out = ratio_outlook(&ledger, &only_b, d("2026-01-31"), 10).unwrap();
        assert_eq!(&cents(&out, "infra_spend_e6")[..2], [0, 31_000]);
        assert_eq!(
            crate::ledger::worked_example::i64s(&out, "revenue_e6")[0],
            e6(1_100_000)
        );
    }

    #[test]
    fn the_outlook_stops_at_year_9999_and_at_revenue_beyond_counting() {
        let out = ratio_outlook(&frames(), &Filters::default(), d("9999-06-30"), 10).unwrap();
        assert_eq!(out.height(), 6);
        assert_eq!(grown(1_000_000, 2.0, 80), None);
        assert_eq!(grown(1_000_000, 2.0, 3), Some(8_000_000));
        assert_eq!(grown(i64::MAX - 1, 1.0, 40), Some(i64::MAX - 1));
    }

    #[test]
    fn no_revenue_up_to_the_as_of_date_gives_no_outlook() {
        let mut ledger = frames();
        ledger.revenue = ledger.revenue.head(Some(0));
        let out = ratio_outlook(&ledger, &Filters::default(), d("2026-01-31"), 10).unwrap();
        assert_eq!(out.height(), 0);
        let before_any =
            ratio_outlook(&frames(), &Filters::default(), d("2025-11-30"), 10).unwrap();
        assert_eq!(before_any.height(), 0);
        assert_eq!(out.get_column_names(), before_any.get_column_names());
    }
}
