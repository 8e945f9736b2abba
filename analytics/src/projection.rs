//! Where each commitment is heading: the run-rate over a trailing window carried to the end of
//! the term. A commitment projected to be under-consumed shows the shortfall that will be paid
//! for but not used; one projected to run out early shows the date it is exhausted.
//!
//! polars sums the usage; the per-contract arithmetic (a few dozen rows) is plain Rust, where
//! date arithmetic and rounding are explicit.

use crate::ledger::{Filters, LedgerFrames};
use crate::outlook::Outlook;
use chrono::{Duration, NaiveDate};
use domain::{CommitmentModel, FulfillmentInterval};
use polars::prelude::*;
use std::collections::HashMap;

pub const DEFAULT_WINDOW_DAYS: i64 = 90;

/// One contract's projection as of a date.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub contract: String,
    pub committed_e6: i64,
    pub spent_e6: i64,
    /// Average daily spend over the window, in minor units.
    pub run_rate_e6_per_day: f64,
    pub projected_total_e6: i64,
    /// A 90% band around the projected total, from how much the daily spend in the window
    /// varies (both the day-to-day noise still to come and the doubt in the run-rate itself).
    pub projected_low_e6: i64,
    pub projected_high_e6: i64,
    pub projected_shortfall_e6: i64,
    pub exhaustion_date: Option<NaiveDate>,
    pub term_elapsed_share: f64,
    pub burned_share: f64,
}

/// The projection of one contract from its terms and daily spend (date, amount) up to `as_of`.
pub fn project(
    contract: &str,
    committed_e6: i64,
    (start, end): (NaiveDate, NaiveDate),
    daily: &[(NaiveDate, i64)],
    as_of: NaiveDate,
    window_days: i64,
    outlook: &Outlook,
) -> Projection {
    let spent: i64 = daily
        .iter()
        .filter(|(d, _)| *d <= as_of)
        .map(|(_, a)| a)
        .sum();
    let window_start = (as_of - Duration::days(window_days - 1)).max(start);
    let observed_days = ((as_of - window_start).num_days() + 1).max(0);
    let window_spend: i64 = daily
        .iter()
        .filter(|(d, _)| *d >= window_start && *d <= as_of)
        .map(|(_, a)| a)
        .sum();
    let observed = if observed_days > 0 {
        window_spend as f64 / observed_days as f64
    } else {
        0.0
    };
    let run_rate = outlook.run_rate(contract, observed);
    let days_left = (end - as_of)
        .num_days()
        .clamp(0, (end - start).num_days() + 1);
    let projected_total = spent + (run_rate * days_left as f64).round() as i64;
    let spread = outlook.spread_factor(contract)
        * remaining_sd(
            daily,
            window_start,
            as_of,
            observed_days,
            observed,
            days_left,
        );
    let projected_low = spent
        + (run_rate * days_left as f64 - BAND_Z * spread)
            .max(0.0)
            .round() as i64;
    let projected_high = spent + (run_rate * days_left as f64 + BAND_Z * spread).round() as i64;
    let exhaustion_date = if spent >= committed_e6 && committed_e6 > 0 {
        // Already exhausted: the first day cumulative spend reached the commitment.
        let mut cumulative = 0;
        let mut days: Vec<_> = daily.iter().filter(|(d, _)| *d <= as_of).collect();
        days.sort();
        days.into_iter().find_map(|(d, a)| {
            cumulative += a;
            (cumulative >= committed_e6).then_some(*d)
        })
    } else if projected_total > committed_e6 && run_rate > 0.0 {
        let days = ((committed_e6 - spent) as f64 / run_rate).ceil() as i64;
        Some(as_of + Duration::days(days))
    } else {
        None
    };
    let term_days = (end - start).num_days() + 1;
    let elapsed = ((as_of - start).num_days() + 1).clamp(0, term_days);
    Projection {
        contract: contract.to_owned(),
        committed_e6,
        spent_e6: spent,
        run_rate_e6_per_day: run_rate,
        projected_total_e6: projected_total,
        projected_low_e6: projected_low,
        projected_high_e6: projected_high,
        projected_shortfall_e6: (committed_e6 - projected_total).max(0),
        exhaustion_date,
        term_elapsed_share: elapsed as f64 / term_days as f64,
        burned_share: if committed_e6 > 0 {
            spent as f64 / committed_e6 as f64
        } else {
            0.0
        },
    }
}

/// Two-sided 90% under a normal approximation.
const BAND_Z: f64 = 1.645;

/// The standard deviation of the spend still to come over `days_left`: each remaining day
/// varies as the window's days did (variance × days), and the run-rate itself is a mean of
/// `n` such days (variance × days² ÷ n). Days without usage in the window count as zero.
fn remaining_sd(
    daily: &[(NaiveDate, i64)],
    from: NaiveDate,
    to: NaiveDate,
    n: i64,
    mean: f64,
    days_left: i64,
) -> f64 {
    if n < 2 || days_left == 0 {
        return 0.0;
    }
    let mut per_day: HashMap<NaiveDate, i64> = HashMap::new();
    for (d, a) in daily.iter().filter(|(d, _)| *d >= from && *d <= to) {
        *per_day.entry(*d).or_default() += a;
    }
    let squares: f64 = per_day.values().map(|a| (*a as f64) * (*a as f64)).sum();
    let n = n as f64;
    let variance = ((squares - n * mean * mean) / (n - 1.0)).max(0.0);
    let days = days_left as f64;
    (variance * days + variance * days * days / n).sqrt()
}

/// The projection report, one row per contract (filtered), as of `filters.as_of` (required:
/// a projection needs a "now"). Columns: `contract`, `as_of`, `committed_e6`,
/// `spent_e6`, `run_rate_per_day_e6`, `projected_total_e6`,
/// `projected_shortfall_e6`, `exhaustion_date`, `term_elapsed_share`, `burned_share`.
pub fn projection(
    ledger: &LedgerFrames,
    filters: &Filters,
    as_of: NaiveDate,
    window_days: i64,
) -> PolarsResult<DataFrame> {
    let terms = contracts_as_of(ledger, filters, as_of)?;
    let rows: Vec<Projection> = terms
        .iter()
        .map(|(t, daily)| t.project(daily, as_of, window_days, &ledger.outlook))
        .collect();
    df!(
        "contract" => rows.iter().map(|p| p.contract.as_str()).collect::<Vec<_>>(),
        "commitment" => terms.iter().map(|(t, _)| t.commitment.as_str()).collect::<Vec<_>>(),
        "as_of" => vec![as_of; rows.len()],
        "committed_e6" => rows.iter().map(|p| p.committed_e6).collect::<Vec<_>>(),
        "spent_e6" => rows.iter().map(|p| p.spent_e6).collect::<Vec<_>>(),
        "run_rate_per_day_e6" => rows.iter().map(|p| p.run_rate_e6_per_day.round() as i64).collect::<Vec<_>>(),
        "projected_total_e6" => rows.iter().map(|p| p.projected_total_e6).collect::<Vec<_>>(),
        "projected_low_e6" => rows.iter().map(|p| p.projected_low_e6).collect::<Vec<_>>(),
        "projected_high_e6" => rows.iter().map(|p| p.projected_high_e6).collect::<Vec<_>>(),
        "projected_shortfall_e6" => rows.iter().map(|p| p.projected_shortfall_e6).collect::<Vec<_>>(),
        "exhaustion_date" => rows.iter().map(|p| p.exhaustion_date).collect::<Vec<_>>(),
        "term_elapsed_share" => rows.iter().map(|p| p.term_elapsed_share).collect::<Vec<_>>(),
        "burned_share" => rows.iter().map(|p| p.burned_share).collect::<Vec<_>>(),
    )
}

/// A filtered spend commitment's terms, as the per-commitment reports need them.
pub(crate) struct Terms {
    pub contract: String,
    pub commitment: String,
    pub committed_e6: i64,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The defaults when the frame does not carry the column.
    pub model: CommitmentModel,
    pub interval: FulfillmentInterval,
}

impl Terms {
    /// This contract's projection from its daily spend up to `as_of`.
    pub(crate) fn project(
        &self,
        daily: &[(NaiveDate, i64)],
        as_of: NaiveDate,
        window_days: i64,
        outlook: &Outlook,
    ) -> Projection {
        project(
            &self.contract,
            self.committed_e6,
            (self.start, self.end),
            daily,
            as_of,
            window_days,
            outlook,
        )
    }
}

/// One contract's spend per day (date, minor units), in no particular order.
pub(crate) type DailySpend = Vec<(NaiveDate, i64)>;

/// Each filtered contract's terms and its daily spend up to `as_of`, in reference order: what
/// the per-contract reports (projection, true-up, outlook) start from.
pub(crate) fn contracts_as_of(
    ledger: &LedgerFrames,
    filters: &Filters,
    as_of: NaiveDate,
) -> PolarsResult<Vec<(Terms, DailySpend)>> {
    let filters = Filters {
        as_of: Some(as_of),
        ..filters.clone()
    };
    let mut by_commitment = daily_by_commitment(ledger, &filters)?;
    Ok(contract_terms(ledger, &filters)?
        .into_iter()
        .map(|t| {
            let daily = by_commitment
                .remove(&(t.contract.clone(), t.commitment.clone()))
                .unwrap_or_default();
            (t, daily)
        })
        .collect())
}

/// The filtered spend commitments' terms, in (contract, commitment) reference order.
fn contract_terms(ledger: &LedgerFrames, filters: &Filters) -> PolarsResult<Vec<Terms>> {
    let contracts = ledger
        .spend_commitments(filters)
        .sort(["contract", "commitment"], SortMultipleOptions::default())
        .collect()?;
    let refs = contracts.column("contract")?.str()?;
    let commitments = contracts.column("commitment")?.str()?;
    let committed = contracts.column("committed_e6")?.i64()?;
    let starts: Vec<_> = contracts
        .column("start_date")?
        .date()?
        .as_date_iter()
        .collect();
    let ends: Vec<_> = contracts
        .column("end_date")?
        .date()?
        .as_date_iter()
        .collect();
    fn word<T: std::str::FromStr<Err = String> + Default>(
        contracts: &DataFrame,
        name: &str,
        i: usize,
    ) -> PolarsResult<T> {
        let Ok(column) = contracts.column(name) else {
            return Ok(T::default());
        };
        match column.str()?.get(i) {
            Some(word) => word
                .parse()
                .map_err(|e| PolarsError::ComputeError(format!("{name} {e}").into())),
            None => Ok(T::default()),
        }
    }
    let mut terms = Vec::with_capacity(contracts.height());
    for i in 0..contracts.height() {
        let (Some(contract), Some(commitment), Some(committed_e6), Some(start), Some(end)) = (
            refs.get(i),
            commitments.get(i),
            committed.get(i),
            starts[i],
            ends[i],
        ) else {
            continue;
        };
        terms.push(Terms {
            contract: contract.to_owned(),
            commitment: commitment.to_owned(),
            committed_e6,
            start,
            end,
            model: word(&contracts, "commitment_model", i)?,
            interval: word(&contracts, "fulfillment_interval", i)?,
        });
    }
    Ok(terms)
}

/// Each filtered spend commitment's daily spend (date, millionths), by (contract,
/// commitment), up to the filters' as-of date.
fn daily_by_commitment(
    ledger: &LedgerFrames,
    filters: &Filters,
) -> PolarsResult<HashMap<(String, String), Vec<(NaiveDate, i64)>>> {
    let daily = ledger
        .daily_usage(filters)
        .select([
            col("contract"),
            col("commitment"),
            col("date"),
            col("amount_e6"),
        ])
        .collect()?;
    let mut by_contract: HashMap<(String, String), Vec<(NaiveDate, i64)>> = HashMap::new();
    let names = daily.column("contract")?.str()?;
    let commitments = daily.column("commitment")?.str()?;
    let dates = daily
        .column("date")?
        .date()?
        .as_date_iter()
        .collect::<Vec<_>>();
    let amounts = daily.column("amount_e6")?.i64()?;
    for (((name, commitment), date), amount) in names
        .iter()
        .zip(commitments.iter())
        .zip(dates)
        .zip(amounts.iter())
    {
        if let (Some(name), Some(commitment), Some(date), Some(amount)) =
            (name, commitment, date, amount)
        {
            by_contract
                .entry((name.to_owned(), commitment.to_owned()))
                .or_default()
                .push((date, amount));
        }
    }
    Ok(by_contract)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// A 100-day term (Jan 1 – Apr 10) committing 10,000.00; as of day 30 (Jan 30).
    const TERM: (&str, &str) = ("2026-01-01", "2026-04-10");

    /// The 10,000.00 commitment over TERM, as of `as_of`.
    fn project_term(daily: &[(NaiveDate, i64)], as_of: &str, window: i64) -> Projection {
        project(
            "C",
            1_000_000,
            (d(TERM.0), d(TERM.1)),
            daily,
            d(as_of),
            window,
            &Outlook::default(),
        )
    }

    fn every_day(from: &str, to: &str, minor: i64) -> Vec<(NaiveDate, i64)> {
        let mut out = Vec::new();
        let mut day = d(from);
        while day <= d(to) {
            out.push((day, minor));
            day += Duration::days(1);
        }
        out
    }

    #[test]
    fn under_consumption_projects_a_shortfall() {
        // 50.00 a day for 30 days = 1,500.00 spent; 70 days left at 50.00 = 3,500.00 more.
        let daily = every_day("2026-01-01", "2026-01-30", 5_000);
        let p = project_term(&daily, "2026-01-30", 90);
        assert_eq!(p.spent_e6, 150_000);
        assert_eq!(
            p.run_rate_e6_per_day, 5_000.0,
            "the window is capped at the 30 days since the start"
        );
        assert_eq!(p.projected_total_e6, 500_000);
        assert_eq!(p.projected_shortfall_e6, 500_000);
        assert_eq!(p.exhaustion_date, None);
        assert!((p.term_elapsed_share - 0.30).abs() < 1e-12);
        assert!((p.burned_share - 0.15).abs() < 1e-12);
    }

    #[test]
    fn over_consumption_projects_an_early_exhaustion_date() {
        // 200.00 a day: 6,000.00 by Jan 30; the remaining 4,000.00 lasts 20 more days → Feb 19.
        let daily = every_day("2026-01-01", "2026-01-30", 20_000);
        let p = project_term(&daily, "2026-01-30", 90);
        assert_eq!(p.projected_total_e6, 600_000 + 70 * 20_000);
        assert_eq!(p.projected_shortfall_e6, 0);
        assert_eq!(p.exhaustion_date, Some(d("2026-02-19")));
    }

    #[test]
    fn the_trailing_window_sets_the_run_rate() {
        // 100.00 a day in January, then nothing: a 7-day window at Feb 7 sees no spend.
        let daily = every_day("2026-01-01", "2026-01-31", 10_000);
        let p = project_term(&daily, "2026-02-07", 7);
        assert_eq!(p.run_rate_e6_per_day, 0.0);
        assert_eq!(p.projected_total_e6, 310_000);
        let p = project_term(&daily, "2026-02-07", 14);
        assert_eq!(
            p.run_rate_e6_per_day,
            70_000.0 / 14.0,
            "7 days of January in the window"
        );
    }

    #[test]
    fn an_exhausted_commitment_reports_the_day_it_ran_out() {
        let daily = every_day("2026-01-01", "2026-01-30", 50_000);
        let p = project_term(&daily, "2026-01-30", 90);
        assert_eq!(
            p.exhaustion_date,
            Some(d("2026-01-20")),
            "20 days × 500.00 = 10,000.00"
        );
    }

    #[test]
    fn the_report_covers_contracts_without_usage() {
        let frames = crate::ledger::worked_example::frames();
        let out = projection(&frames, &Filters::default(), d("2026-02-28"), 90).unwrap();
        assert_eq!(out.height(), 2);
        let spent = crate::ledger::worked_example::cents(&out, "spent_e6");
        assert_eq!(spent, [35_050, 40_000]);
    }

    #[test]
    fn the_band_widens_with_the_variability_of_daily_spend_and_scales_with_a_scenario() {
        // A 10-day term; days 1-4 spend 200, 0, 200, 0 (mean 100, sample variance 13,333.33).
        // Six days left: sd = sqrt(v*6 + v*36/4) = sqrt(200,000) = 447.21; 1.645 sd = 735.67.
        let daily = vec![(d("2026-01-01"), 200), (d("2026-01-03"), 200)];
        let p = project(
            "C",
            10_000,
            (d("2026-01-01"), d("2026-01-10")),
            &daily,
            d("2026-01-04"),
            4,
            &Outlook::default(),
        );
        assert_eq!(p.projected_total_e6, 1_000);
        assert_eq!((p.projected_low_e6, p.projected_high_e6), (400, 1_736));
        // Half the run-rate: 300 to come, half the spread (367.84).
        let half = Outlook {
            run_rate_factor: 0.5,
            ..Outlook::default()
        };
        let p = project(
            "C",
            10_000,
            (d("2026-01-01"), d("2026-01-10")),
            &daily,
            d("2026-01-04"),
            4,
            &half,
        );
        assert_eq!(p.projected_total_e6, 700);
        assert_eq!((p.projected_low_e6, p.projected_high_e6), (400, 1_068));
        // Steady spend has no band.
        let steady = every_day("2026-01-01", "2026-01-04", 100);
        let p = project(
            "C",
            10_000,
            (d("2026-01-01"), d("2026-01-10")),
            &steady,
            d("2026-01-04"),
            4,
            &Outlook::default(),
        );
        assert_eq!((p.projected_low_e6, p.projected_high_e6), (1_000, 1_000));
    }
}
