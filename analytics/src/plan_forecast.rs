//! The plan-driven forecast as a report, beside the run-rate projection: for each spend
//! commitment, the spend still to come day by day from the capacity its contract has online
//! and the phases still to arrive (their planned dates, or a scenario's delayed ones), priced
//! by the contract's rate cards (`capacity_plan`). A contract without a rate card has no plan
//! forecast: its plan columns are empty, and the run-rate stands alone.

use crate::capacity_plan::{capacity_steps, forecast_daily, online_of, CapacityStep, Kind};
use crate::ledger::{Filters, LedgerFrames};
use crate::outlook::Outlook;
use crate::projection::contracts_as_of;
use chrono::NaiveDate;
use domain::rate_card::RateCard;
use domain::snapshot::{PhaseFacts, ReceiptFacts};
use polars::prelude::*;
use std::collections::HashMap;

/// One contract's capacity as known on a day, and its rate cards.
#[derive(Debug, Clone, Default)]
pub struct ContractPlan {
    pub steps: Vec<CapacityStep>,
    pub cards: Vec<RateCard>,
}

impl ContractPlan {
    /// The forecast spend of each day from `from` to `to` (none without a rate card).
    pub fn daily(
        &self,
        outlook: &Outlook,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Vec<(NaiveDate, i64)> {
        if self.cards.is_empty() || from > to {
            return Vec::new();
        }
        forecast_daily(&self.steps, &self.cards, outlook.utilisation_bp, from, to)
    }

    /// The forecast spend from `from` to `to`, summed; `None` without a rate card.
    pub fn total(&self, outlook: &Outlook, from: NaiveDate, to: NaiveDate) -> Option<i64> {
        (!self.cards.is_empty()).then(|| self.daily(outlook, from, to).iter().map(|(_, s)| s).sum())
    }

    /// Units of `kind` online on `day`, and those still to arrive after it.
    pub fn online_and_to_come(&self, kind: Kind, day: NaiveDate) -> (i64, i64) {
        let online = online_of(&self.steps, kind, day);
        let all = online_of(&self.steps, kind, NaiveDate::MAX);
        (online, all - online)
    }
}

/// Every contract's plan as known on `as_of`, by contract reference.
pub fn contract_plans(
    ledger: &LedgerFrames,
    as_of: NaiveDate,
) -> PolarsResult<HashMap<String, ContractPlan>> {
    let (phases, receipts) = delivery_facts(ledger)?;
    let mut by_contract: HashMap<String, (Vec<PhaseFacts>, Vec<ReceiptFacts>)> = HashMap::new();
    for p in phases {
        by_contract.entry(p.contract.clone()).or_default().0.push(p);
    }
    for r in receipts {
        by_contract.entry(r.contract.clone()).or_default().1.push(r);
    }
    let mut plans: HashMap<String, ContractPlan> = by_contract
        .into_iter()
        .map(|(contract, (phases, receipts))| {
            let steps = capacity_steps(&phases, &receipts, as_of);
            (
                contract,
                ContractPlan {
                    steps,
                    cards: Vec::new(),
                },
            )
        })
        .collect();
    for card in ledger.rate_cards.iter() {
        plans
            .entry(card.contract.clone())
            .or_default()
            .cards
            .push(card.clone());
    }
    Ok(plans)
}

/// The phases and receipts frames as facts (the power columns are optional: frames read from
/// CSV have none).
pub fn delivery_facts(ledger: &LedgerFrames) -> PolarsResult<(Vec<PhaseFacts>, Vec<ReceiptFacts>)> {
    let p = &ledger.phases;
    let optional = |frame: &DataFrame, name: &str| -> PolarsResult<Vec<Option<i64>>> {
        Ok(match frame.column(name) {
            Ok(c) => c.i64()?.iter().collect(),
            Err(_) => vec![None; frame.height()],
        })
    };
    let (contracts, names, resources) = (
        p.column("contract")?.str()?,
        p.column("phase")?.str()?,
        p.column("resource")?.str()?,
    );
    let planned: Vec<Option<NaiveDate>> =
        p.column("planned_date")?.date()?.as_date_iter().collect();
    let quantities = p.column("planned_quantity_micros")?.i64()?;
    let power = optional(p, "planned_power_micros")?;
    let mut phases = Vec::with_capacity(p.height());
    for i in 0..p.height() {
        if let (Some(contract), Some(phase), Some(resource), Some(date), Some(quantity)) = (
            contracts.get(i),
            names.get(i),
            resources.get(i),
            planned[i],
            quantities.get(i),
        ) {
            phases.push(PhaseFacts {
                contract: contract.to_owned(),
                phase: phase.to_owned(),
                resource: resource.to_owned(),
                planned_date: date,
                planned_quantity_micros: quantity,
                planned_power_micros: power[i],
            });
        }
    }
    let r = &ledger.receipts;
    let (contracts, names) = (r.column("contract")?.str()?, r.column("phase")?.str()?);
    let dates: Vec<Option<NaiveDate>> = r.column("date")?.date()?.as_date_iter().collect();
    let quantities = r.column("quantity_micros")?.i64()?;
    let power = optional(r, "power_micros")?;
    let mut receipts = Vec::with_capacity(r.height());
    for i in 0..r.height() {
        if let (Some(contract), Some(phase), Some(date), Some(quantity)) =
            (contracts.get(i), names.get(i), dates[i], quantities.get(i))
        {
            receipts.push(ReceiptFacts {
                contract: contract.to_owned(),
                phase: phase.to_owned(),
                date,
                quantity_micros: quantity,
                power_micros: power[i],
            });
        }
    }
    Ok((phases, receipts))
}

/// The day after `as_of`, or the commitment's first day if later: where forecasting starts.
pub(crate) fn forecast_start(as_of: NaiveDate, start: NaiveDate) -> NaiveDate {
    as_of.succ_opt().unwrap_or(as_of).max(start)
}

/// The `plan-forecast` report: per spend commitment, both forecasts to the end of its period.
/// Columns: `contract`, `commitment`, `as_of`, `committed_e6`, `spent_e6`,
/// `run_rate_total_e6`, `run_rate_shortfall_e6`, `plan_remaining_e6`, `plan_total_e6`,
/// `plan_shortfall_e6`, `plan_exhaustion_date` (the plan columns empty without a rate card),
/// `gpus_online_micros`, `gpus_to_come_micros`, `mw_online_micros`, `mw_to_come_micros`.
pub fn plan_forecast(
    ledger: &LedgerFrames,
    filters: &Filters,
    as_of: NaiveDate,
    window_days: i64,
) -> PolarsResult<DataFrame> {
    let plans = contract_plans(ledger, as_of)?;
    let none = ContractPlan::default();
    let mut rows = Rows::default();
    for (t, daily) in contracts_as_of(ledger, filters, as_of)? {
        let run_rate = t.project(&daily, as_of, window_days, &ledger.outlook);
        let plan = plans.get(&t.contract).unwrap_or(&none);
        let forecast = plan.daily(&ledger.outlook, forecast_start(as_of, t.start), t.end);
        let has_plan = !plan.cards.is_empty();
        let remaining: i64 = forecast.iter().map(|(_, s)| s).sum();
        let total = run_rate.spent_e6 + remaining;
        let mut cumulative = run_rate.spent_e6;
        let exhaustion = if run_rate.spent_e6 >= t.committed_e6 {
            run_rate.exhaustion_date
        } else {
            forecast.iter().find_map(|(day, spend)| {
                cumulative += spend;
                (cumulative >= t.committed_e6).then_some(*day)
            })
        };
        let (gpus, gpus_to_come) = plan.online_and_to_come(Kind::Accelerators, as_of);
        let (mw, mw_to_come) = plan.online_and_to_come(Kind::Power, as_of);
        rows.contract.push(t.contract.clone());
        rows.commitment.push(t.commitment.clone());
        rows.committed.push(t.committed_e6);
        rows.spent.push(run_rate.spent_e6);
        rows.run_rate_total.push(run_rate.projected_total_e6);
        rows.run_rate_shortfall
            .push(run_rate.projected_shortfall_e6);
        rows.plan_remaining.push(has_plan.then_some(remaining));
        rows.plan_total.push(has_plan.then_some(total));
        rows.plan_shortfall
            .push(has_plan.then_some((t.committed_e6 - total).max(0)));
        rows.plan_exhaustion.push(exhaustion.filter(|_| has_plan));
        rows.gpus.push(gpus);
        rows.gpus_to_come.push(gpus_to_come);
        rows.mw.push(mw);
        rows.mw_to_come.push(mw_to_come);
    }
    rows.frame(as_of)
}

#[derive(Default)]
struct Rows {
    contract: Vec<String>,
    commitment: Vec<String>,
    committed: Vec<i64>,
    spent: Vec<i64>,
    run_rate_total: Vec<i64>,
    run_rate_shortfall: Vec<i64>,
    plan_remaining: Vec<Option<i64>>,
    plan_total: Vec<Option<i64>>,
    plan_shortfall: Vec<Option<i64>>,
    plan_exhaustion: Vec<Option<NaiveDate>>,
    gpus: Vec<i64>,
    gpus_to_come: Vec<i64>,
    mw: Vec<i64>,
    mw_to_come: Vec<i64>,
}

impl Rows {
    fn frame(self, as_of: NaiveDate) -> PolarsResult<DataFrame> {
        let n = self.contract.len();
        df!(
            "contract" => self.contract,
            "commitment" => self.commitment,
            "as_of" => vec![as_of; n],
            "committed_e6" => self.committed,
            "spent_e6" => self.spent,
            "run_rate_total_e6" => self.run_rate_total,
            "run_rate_shortfall_e6" => self.run_rate_shortfall,
            "plan_remaining_e6" => self.plan_remaining,
            "plan_total_e6" => self.plan_total,
            "plan_shortfall_e6" => self.plan_shortfall,
            "plan_exhaustion_date" => self.plan_exhaustion,
            "gpus_online_micros" => self.gpus,
            "gpus_to_come_micros" => self.gpus_to_come,
            "mw_online_micros" => self.mw,
            "mw_to_come_micros" => self.mw_to_come,
        )
    }
}

#[cfg(test)]
mod tests {
    //! The worked example's C1 (100.00 committed… too small for GPUs) is replaced by a
    //! contract priced by the hour: 1,000,000.00 committed over 2026, 10 GB200s received on
    //! Jan 1, 20 more planned for Jul 1, at $2.00 per GPU-hour, and 10,000.00 spent in January.
    use super::*;
    use crate::ledger::worked_example::{e6, frames, i64s};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn priced() -> LedgerFrames {
        let mut f = frames();
        f.commitments = df!(
            "contract" => ["P"],
            "commitment" => ["P"],
            "vendor" => ["A"],
            "category" => ["spend"],
            "committed_e6" => [e6(100_000_000)],
            "start_date" => [d("2026-01-01")],
            "end_date" => [d("2026-12-31")],
            "commitment_model" => ["build_up"],
            "fulfillment_interval" => ["term"],
        )
        .unwrap();
        f.contracts = df!("contract" => ["P"], "vendor" => ["A"]).unwrap();
        f.usage = df!(
            "contract" => [Some("P")],
            "commitment" => [Some("P")],
            "vendor" => ["A"],
            "date" => [d("2026-01-31")],
            "amount_e6" => [e6(1_000_000)],
            "quantity_micros" => [0i64],
        )
        .unwrap();
        f.phases = df!(
            "contract" => ["P", "P"],
            "phase" => ["first", "second"],
            "resource" => ["GB200", "GB200"],
            "planned_date" => [d("2026-01-01"), d("2026-07-01")],
            "planned_quantity_micros" => [10_000_000i64, 20_000_000],
        )
        .unwrap();
        f.receipts = df!(
            "contract" => ["P"],
            "phase" => ["first"],
            "date" => [d("2026-01-01")],
            "quantity_micros" => [10_000_000i64],
        )
        .unwrap();
        f.rate_cards = std::sync::Arc::new(vec![RateCard {
            contract: "P".into(),
            resource: "GB200".into(),
            from: d("2026-01-01"),
            price_e6: 2_000_000,
            utilisation_bp: 10_000,
        }]);
        f
    }

    #[test]
    fn the_plan_adds_each_phase_from_its_date_beside_the_flat_run_rate() {
        let report = plan_forecast(&priced(), &Filters::default(), d("2026-06-30"), 90).unwrap();
        // Jul 1 – Dec 31 (184 days) with 30 GPUs × 24 h × $2 = $1,440 a day: $264,960.00.
        assert_eq!(i64s(&report, "plan_remaining_e6"), [e6(26_496_000)]);
        assert_eq!(i64s(&report, "plan_total_e6"), [e6(27_496_000)]);
        assert_eq!(i64s(&report, "plan_shortfall_e6"), [e6(72_504_000)]);
        // The run-rate saw nothing in the 90 days to Jun 30: it carries nothing forward.
        assert_eq!(i64s(&report, "run_rate_total_e6"), [e6(1_000_000)]);
        assert_eq!(i64s(&report, "gpus_online_micros"), [10_000_000]);
        assert_eq!(i64s(&report, "gpus_to_come_micros"), [20_000_000]);
        assert_eq!(i64s(&report, "mw_to_come_micros"), [0]);
    }

    #[test]
    fn a_delay_moves_the_plan_and_a_contract_without_a_card_has_none() {
        let mut late = priced();
        late.phases = crate::scenario::apply(
            &late,
            &domain::scenario::Scenario {
                name: "late".into(),
                phase_delays: vec![domain::scenario::PhaseDelay {
                    contract: "P".into(),
                    phase: "second".into(),
                    months: 3,
                }],
                ..Default::default()
            },
        )
        .unwrap()
        .phases;
        let report = plan_forecast(&late, &Filters::default(), d("2026-06-30"), 90).unwrap();
        // Jul 1 – Sep 30 (92 days) at 10 GPUs = $480 a day, Oct 1 – Dec 31 (92) at $1,440.
        assert_eq!(
            i64s(&report, "plan_remaining_e6"),
            [e6(92 * 48_000 + 92 * 144_000)]
        );
        let mut uncarded = priced();
        uncarded.rate_cards = Default::default();
        let report = plan_forecast(&uncarded, &Filters::default(), d("2026-06-30"), 90).unwrap();
        assert_eq!(report.column("plan_total_e6").unwrap().null_count(), 1);
    }

    #[test]
    fn the_plan_finds_the_day_the_commitment_is_used_up() {
        let mut small = priced();
        small.commitments = small
            .commitments
            .lazy()
            .with_column(lit(e6(2_000_000)).alias("committed_e6"))
            .collect()
            .unwrap();
        let report = plan_forecast(&small, &Filters::default(), d("2026-06-30"), 90).unwrap();
        // 10,000.00 spent, 10,000.00 more at 1,440.00 a day: the seventh day, Jul 7.
        let day: Vec<Option<NaiveDate>> = report
            .column("plan_exhaustion_date")
            .unwrap()
            .date()
            .unwrap()
            .as_date_iter()
            .collect();
        assert_eq!(day, [Some(d("2026-07-07"))]);
    }
}
