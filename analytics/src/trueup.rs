//! What each commitment will cost beyond its usage, by commitment model:
//! - `build_up`: a minimum spend per fulfilment interval (the whole term, or each contract year
//!   with the commitment split evenly); what is not consumed by an interval's end is owed then as
//!   a true-up. Past intervals show the true-up actually owed; the current and future ones the
//!   projection at the trailing run-rate.
//! - `burn_down`: a prepaid pool; it may be exhausted before the end of the term, after which
//!   usage is billed on demand (the overrun).

use crate::ledger::{Filters, LedgerFrames};
use crate::outlook::Outlook;
use crate::plan_forecast::{contract_plans, forecast_start, ContractPlan};
use crate::projection::{contracts_as_of, project};
use chrono::NaiveDate;
use domain::CommitmentModel;
use polars::prelude::*;

/// One fulfilment interval of a build-up commitment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub start: NaiveDate,
    /// Also the day the true-up is due.
    pub end: NaiveDate,
    pub minimum_e6: i64,
    /// Usage in the interval up to the as-of date.
    pub consumed_e6: i64,
    /// `consumed` plus the run-rate for the interval's remaining days (= consumed once ended).
    pub projected_e6: i64,
    pub true_up_e6: i64,
    /// The interval has ended by the as-of date: the true-up is owed, not projected.
    pub settled: bool,
}

pub use domain::fulfillment::intervals;

/// The settlements of a build-up commitment as of a date, from its daily spend.
#[allow(clippy::too_many_arguments)]
pub fn settlements(
    contract: &str,
    committed_e6: i64,
    (start, end): (NaiveDate, NaiveDate),
    interval: domain::FulfillmentInterval,
    daily: &[(NaiveDate, i64)],
    as_of: NaiveDate,
    window_days: i64,
    outlook: &Outlook,
) -> Vec<Settlement> {
    let periods = intervals(start, end, interval);
    // Split in whole cents, as the contract states its minimums (commitments are whole cents).
    let minimums: Vec<i64> =
        domain::fulfillment::minimums(committed_e6 / domain::exact::PER_MINOR, periods.len())
            .into_iter()
            .map(|m| m * domain::exact::PER_MINOR)
            .collect();
    let run_rate = project(
        contract,
        committed_e6,
        (start, end),
        daily,
        as_of,
        window_days,
        outlook,
    )
    .run_rate_e6_per_day;
    periods
        .iter()
        .enumerate()
        .map(|(i, &(from, to))| {
            let minimum = minimums[i];
            let consumed: i64 = daily
                .iter()
                .filter(|(d, _)| *d >= from && *d <= to && *d <= as_of)
                .map(|(_, a)| a)
                .sum();
            let settled = as_of >= to;
            let remaining_days = if settled {
                0
            } else {
                (to - as_of.max(from.pred_opt().unwrap_or(from)))
                    .num_days()
                    .max(0)
            };
            let projected = consumed + (run_rate * remaining_days as f64).round() as i64;
            Settlement {
                start: from,
                end: to,
                minimum_e6: minimum,
                consumed_e6: consumed,
                projected_e6: projected,
                true_up_e6: (minimum - projected).max(0),
                settled,
            }
        })
        .collect()
}

/// The `trueup` report: per contract and fulfilment interval for build-up commitments, one row
/// per burn-down commitment. Columns: `contract`, `model`, `interval_start`, `interval_end`
/// (the due date), `minimum_e6`, `consumed_e6`, `projected_e6`, `true_up_e6`,
/// `status` (owed / projected / met), `exhaustion_date`, `overrun_e6`, and under the
/// plan-driven forecast (empty without a rate card): `plan_projected_e6`, `plan_true_up_e6`.
pub fn trueup(
    ledger: &LedgerFrames,
    filters: &Filters,
    as_of: NaiveDate,
    window_days: i64,
) -> PolarsResult<DataFrame> {
    let mut out = TrueUpRows::default();
    let plans = contract_plans(ledger, as_of)?;
    let no_plan = ContractPlan::default();
    for (t, daily) in contracts_as_of(ledger, filters, as_of)? {
        let daily = daily.as_slice();
        let plan = plans.get(&t.contract).unwrap_or(&no_plan);
        // What the plan adds to an interval's consumption from the day after the as-of date.
        let plan_to_come = |from: NaiveDate, to: NaiveDate| {
            plan.total(&ledger.outlook, forecast_start(as_of, from), to)
        };
        if t.model == CommitmentModel::BurnDown {
            let p = t.project(daily, as_of, window_days, &ledger.outlook);
            let pool = Settlement {
                start: t.start,
                end: t.end,
                minimum_e6: t.committed_e6,
                consumed_e6: p.spent_e6,
                projected_e6: p.projected_total_e6,
                true_up_e6: 0,
                settled: as_of >= t.end,
            };
            let overrun = (p.projected_total_e6 - t.committed_e6).max(0);
            let plan_projected = plan_to_come(t.start, t.end).map(|more| p.spent_e6 + more);
            out.push(
                &t,
                CommitmentModel::BurnDown.as_str(),
                &pool,
                p.exhaustion_date,
                overrun,
                (plan_projected, plan_projected.map(|_| 0)),
            );
        } else {
            let interval = t.interval;
            for s in settlements(
                &t.contract,
                t.committed_e6,
                (t.start, t.end),
                interval,
                daily,
                as_of,
                window_days,
                &ledger.outlook,
            ) {
                let plan_projected = plan_to_come(s.start, s.end).map(|more| s.consumed_e6 + more);
                let plan_true_up = plan_projected.map(|p| (s.minimum_e6 - p).max(0));
                out.push(
                    &t,
                    CommitmentModel::BuildUp.as_str(),
                    &s,
                    None,
                    0,
                    (plan_projected, plan_true_up),
                );
            }
        }
    }
    out.frame()
}

#[derive(Default)]
struct TrueUpRows {
    contract: Vec<String>,
    commitment: Vec<String>,
    model: Vec<&'static str>,
    start: Vec<NaiveDate>,
    end: Vec<NaiveDate>,
    minimum: Vec<i64>,
    consumed: Vec<i64>,
    projected: Vec<i64>,
    true_up: Vec<i64>,
    status: Vec<&'static str>,
    exhaustion: Vec<Option<NaiveDate>>,
    overrun: Vec<i64>,
    plan_projected: Vec<Option<i64>>,
    plan_true_up: Vec<Option<i64>>,
}

impl TrueUpRows {
    fn push(
        &mut self,
        terms: &crate::projection::Terms,
        model: &'static str,
        s: &Settlement,
        exhaustion: Option<NaiveDate>,
        overrun: i64,
        (plan_projected, plan_true_up): (Option<i64>, Option<i64>),
    ) {
        self.plan_projected.push(plan_projected);
        self.plan_true_up.push(plan_true_up);
        self.contract.push(terms.contract.clone());
        self.commitment.push(terms.commitment.clone());
        self.model.push(model);
        self.start.push(s.start);
        self.end.push(s.end);
        self.minimum.push(s.minimum_e6);
        self.consumed.push(s.consumed_e6);
        self.projected.push(s.projected_e6);
        self.true_up.push(s.true_up_e6);
        self.status.push(match (s.true_up_e6 > 0, s.settled) {
            (true, true) => "owed",
            (true, false) => "projected",
            (false, _) => "met",
        });
        self.exhaustion.push(exhaustion);
        self.overrun.push(overrun);
    }

    fn frame(self) -> PolarsResult<DataFrame> {
        df!(
            "contract" => self.contract,
            "commitment" => self.commitment,
            "model" => self.model,
            "interval_start" => self.start,
            "interval_end" => self.end,
            "minimum_e6" => self.minimum,
            "consumed_e6" => self.consumed,
            "projected_e6" => self.projected,
            "true_up_e6" => self.true_up,
            "status" => self.status,
            "exhaustion_date" => self.exhaustion,
            "overrun_e6" => self.overrun,
            "plan_projected_e6" => self.plan_projected,
            "plan_true_up_e6" => self.plan_true_up,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn an_annual_minimum_under_consumed_in_year_one_and_over_in_year_two() {
        // 2,000.00 over two contract years: 1,000.00 a year. Year 1 uses 6 × 100.00 = 600.00,
        // so 400.00 is owed on 2026-12-31; year 2 uses 13 × 100.00 = 1,300.00: nothing owed,
        // and the excess does not carry back.
        let mut daily: Vec<(NaiveDate, i64)> = (1..=6)
            .map(|m| (NaiveDate::from_ymd_opt(2026, m, 10).unwrap(), 10_000))
            .collect();
        daily.extend((1..=12).map(|m| (NaiveDate::from_ymd_opt(2027, m, 10).unwrap(), 10_000)));
        daily.push((d("2027-12-31"), 10_000));
        let s = settlements(
            "C",
            200_000,
            (d("2026-01-01"), d("2027-12-31")),
            domain::FulfillmentInterval::Annual,
            &daily,
            d("2028-01-15"),
            90,
            &Outlook::default(),
        );
        assert_eq!(s.len(), 2);
        assert_eq!(
            (
                s[0].end,
                s[0].minimum_e6,
                s[0].consumed_e6,
                s[0].true_up_e6,
                s[0].settled
            ),
            (d("2026-12-31"), 100_000, 60_000, 40_000, true)
        );
        assert_eq!(
            (
                s[1].minimum_e6,
                s[1].consumed_e6,
                s[1].true_up_e6,
                s[1].settled
            ),
            (100_000, 130_000, 0, true)
        );
    }

    #[test]
    fn an_interval_in_progress_is_projected_at_the_run_rate() {
        // Term 2026-01-01..2026-12-31, 365.00 committed; 10.00 a day for the 90 days to
        // 2026-03-31 (run-rate 10.00/day), 275 days left: 900.00 + 2,750.00 = 3,650.00
        // projected, above the minimum: nothing owed. At 0.50 a day: 45.00 + 137.50 = 182.50,
        // so 182.50 projected to be owed on 2026-12-31.
        use crate::ledger::worked_example::e6;
        let days: Vec<NaiveDate> = (0..90)
            .map(|i| d("2026-01-01") + chrono::Duration::days(i))
            .collect();
        let busy: Vec<_> = days.iter().map(|d| (*d, e6(1_000))).collect();
        let s = settlements(
            "C",
            e6(36_500),
            (d("2026-01-01"), d("2026-12-31")),
            domain::FulfillmentInterval::Term,
            &busy,
            d("2026-03-31"),
            90,
            &Outlook::default(),
        );
        assert_eq!(
            (s[0].projected_e6, s[0].true_up_e6, s[0].settled),
            (e6(365_000), 0, false)
        );
        let quiet: Vec<_> = days.iter().map(|d| (*d, e6(50))).collect();
        let s = settlements(
            "C",
            e6(36_500),
            (d("2026-01-01"), d("2026-12-31")),
            domain::FulfillmentInterval::Term,
            &quiet,
            d("2026-03-31"),
            90,
            &Outlook::default(),
        );
        assert_eq!(
            (s[0].consumed_e6, s[0].projected_e6, s[0].true_up_e6),
            (e6(4_500), e6(18_250), e6(18_250))
        );
    }

    #[test]
    fn the_report_shows_a_burn_down_exhaustion_and_its_overrun() {
        let mut frames = crate::ledger::worked_example::frames();
        frames.commitments = df!(
            "contract" => ["P"], "commitment" => ["P"], "vendor" => ["A"], "category" => ["spend"], "committed_e6" => [crate::ledger::worked_example::e6(100_000)],
            "start_date" => [d("2026-01-01")], "end_date" => [d("2026-12-31")],
            "commitment_model" => ["burn_down"], "fulfillment_interval" => ["term"],
        )
        .unwrap();
        // A 1,000.00 pool drawn at 100.00 a day from Jan 1 is exhausted on day 10 (2026-01-10).
        let days: Vec<NaiveDate> = (0..10)
            .map(|i| d("2026-01-01") + chrono::Duration::days(i))
            .collect();
        frames.usage =
            df!("contract" => vec![Some("P"); 10], "commitment" => vec![Some("P"); 10], "vendor" => vec!["A"; 10], "date" => days, "amount_e6" => vec![crate::ledger::worked_example::e6(10_000); 10], "quantity_micros" => vec![0i64; 10])
                .unwrap();
        let out = trueup(&frames, &Filters::default(), d("2026-01-10"), 10).unwrap();
        assert_eq!(out.height(), 1);
        assert_eq!(
            out.column("exhaustion_date")
                .unwrap()
                .date()
                .unwrap()
                .as_date_iter()
                .next()
                .flatten(),
            Some(d("2026-01-10"))
        );
        // The run-rate (100.00/day) for the 355 days left: 35,500.00 on demand.
        assert_eq!(
            out.column("overrun_e6").unwrap().i64().unwrap().get(0),
            Some(crate::ledger::worked_example::e6(3_550_000))
        );
        assert_eq!(
            out.column("true_up_e6").unwrap().i64().unwrap().get(0),
            Some(0)
        );
    }
}
