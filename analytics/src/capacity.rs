//! Capacity beside the money: GPUs and megawatts contracted, planned, delivered and expected
//! month by month per vendor and resource, the capacity-days lost to late deliveries, and the
//! price actually paid per GPU-hour and per MW-month against what the rate cards expect.

use crate::capacity_plan::{forecast_daily, online_of, unit_hours_micros, Kind};
use crate::ledger::{month_of, Filters, LedgerFrames};
use crate::plan_forecast::{contract_plans, delivery_facts, ContractPlan};
use chrono::{Datelike, Months, NaiveDate};
use domain::capacity;
use domain::date::month_start;
use domain::fx::divide_half_even;
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Each filtered contract's vendor, by contract reference.
fn vendors_of(ledger: &LedgerFrames, filters: &Filters) -> PolarsResult<HashMap<String, String>> {
    let contracts = ledger.filtered_contracts(filters).collect()?;
    let (names, vendors) = (
        contracts.column("contract")?.str()?,
        contracts.column("vendor")?.str()?,
    );
    Ok(names
        .iter()
        .zip(vendors.iter())
        .filter_map(|(c, v)| Some((c?.to_owned(), v?.to_owned())))
        .collect())
}

/// A quantity arriving on a day: planned or delivered.
type Step = (NaiveDate, i64);

/// Per (vendor, resource): the phases' planned steps and the receipts' delivered ones.
#[derive(Default)]
struct Series {
    planned: Vec<Step>,
    delivered: Vec<Step>,
}

fn cumulative(steps: &[Step], day: NaiveDate) -> i64 {
    steps
        .iter()
        .filter(|(d, _)| *d <= day)
        .map(|(_, q)| q)
        .sum()
}

fn month_end(month: NaiveDate) -> NaiveDate {
    month
        .checked_add_months(Months::new(1))
        .and_then(|next| next.pred_opt())
        .unwrap_or(month)
}

/// The `capacity` report: per vendor, resource (`MW` for power) and month, from the first
/// planned or delivered month to the last planned one (or the as-of month): `contracted_micros`
/// (every phase's quantity), `planned_micros` (due by the month's end, on the planned dates —
/// a scenario's delays move them), `delivered_micros` (received by the month's end, empty
/// after the as-of month), `expected_micros` (online by the month's end: delivered, then what
/// is still owed from its planned date or, when overdue, the day after the as-of date), and
/// `capacity_days_lost_micros` (Σ over the month's days up to the as-of date of planned −
/// delivered, where positive).
pub fn capacity_over_time(
    ledger: &LedgerFrames,
    filters: &Filters,
    as_of: NaiveDate,
) -> PolarsResult<DataFrame> {
    let vendor_of = vendors_of(ledger, filters)?;
    let (phases, receipts) = delivery_facts(ledger)?;
    let mut series: BTreeMap<(String, String), Series> = BTreeMap::new();
    for p in &phases {
        let Some(vendor) = vendor_of.get(&p.contract) else {
            continue;
        };
        let key = |resource: &str| (vendor.clone(), resource.to_owned());
        let units = capacity::phase_units_micros(&p.resource, p.planned_quantity_micros);
        if units > 0 || !capacity::is_power(&p.resource) {
            let s = series.entry(key(&p.resource)).or_default();
            s.planned.push((p.planned_date, units));
        }
        let power = capacity::phase_power_micros(
            &p.resource,
            p.planned_quantity_micros,
            p.planned_power_micros,
        );
        if let Some(power) = power {
            series
                .entry(key(capacity::POWER))
                .or_default()
                .planned
                .push((p.planned_date, power));
        }
        for r in receipts
            .iter()
            .filter(|r| r.contract == p.contract && r.phase == p.phase && r.date <= as_of)
        {
            if !capacity::is_power(&p.resource) {
                let s = series.entry(key(&p.resource)).or_default();
                s.delivered.push((r.date, r.quantity_micros));
            }
            let delivered = capacity::receipt_power_micros(
                &p.resource,
                p.planned_quantity_micros,
                p.planned_power_micros,
                r.quantity_micros,
                r.power_micros,
            );
            if let (Some(_), Some(mw)) = (power, delivered) {
                let s = series.entry(key(capacity::POWER)).or_default();
                s.delivered.push((r.date, mw));
            }
        }
    }
    let plans = contract_plans(ledger, as_of)?;
    let mut rows = CapacityRows::default();
    // One range of months for every series, so they line up in a chart.
    let dates = series
        .values()
        .flat_map(|s| s.planned.iter().chain(&s.delivered))
        .map(|(d, _)| *d);
    let (Some(first), Some(last)) = (dates.clone().min(), dates.max()) else {
        return rows.frame();
    };
    for ((vendor, resource), s) in &series {
        let kind = if capacity::is_power(resource) {
            Kind::Power
        } else {
            Kind::Accelerators
        };
        let contracted: i64 = s.planned.iter().map(|(_, q)| q).sum();
        let mut month = month_start(first);
        while month <= month_start(last.max(as_of)) {
            let end = month_end(month);
            let lost: i64 = month
                .iter_days()
                .take_while(|d| *d <= end && *d <= as_of)
                .map(|d| (cumulative(&s.planned, d) - cumulative(&s.delivered, d)).max(0))
                .sum();
            let expected: i64 = plans
                .iter()
                .filter(|(c, _)| vendor_of.get(*c) == Some(vendor))
                .map(|(_, plan)| resource_online(plan, resource, kind, end))
                .sum();
            rows.vendor.push(vendor.clone());
            rows.resource.push(resource.clone());
            rows.month.push(month);
            rows.contracted.push(contracted);
            rows.planned.push(cumulative(&s.planned, end));
            rows.delivered
                .push((month <= as_of).then(|| cumulative(&s.delivered, end.min(as_of))));
            rows.expected.push(expected);
            rows.lost.push(lost);
            month = end.succ_opt().unwrap_or(NaiveDate::MAX);
        }
    }
    rows.frame()
}

/// Units of `resource` online on `day` under a plan (power is one resource whatever its name).
fn resource_online(plan: &ContractPlan, resource: &str, kind: Kind, day: NaiveDate) -> i64 {
    if kind == Kind::Power {
        return online_of(&plan.steps, Kind::Power, day);
    }
    plan.steps
        .iter()
        .filter(|s| s.date <= day && s.resource == resource)
        .map(|s| s.units_micros)
        .sum()
}

#[derive(Default)]
struct CapacityRows {
    vendor: Vec<String>,
    resource: Vec<String>,
    month: Vec<NaiveDate>,
    contracted: Vec<i64>,
    planned: Vec<i64>,
    delivered: Vec<Option<i64>>,
    expected: Vec<i64>,
    lost: Vec<i64>,
}

impl CapacityRows {
    fn frame(self) -> PolarsResult<DataFrame> {
        df!(
            "vendor" => self.vendor,
            "resource" => self.resource,
            "month" => self.month,
            "contracted_micros" => self.contracted,
            "planned_micros" => self.planned,
            "delivered_micros" => self.delivered,
            "expected_micros" => self.expected,
            "capacity_days_lost_micros" => self.lost,
        )
    }
}

/// Hours in a day and millionths in a unit, for prices per unit-hour.
const MICROS: i128 = 1_000_000;

/// The `capacity-cost` report: per vendor, contract and month up to the as-of date with
/// capacity online: `spend_e6` (all the contract's spend that month), `gpu_hours_micros`
/// (GPUs online × 24 per day), `mw_months_micros` (Σ MW online per day ÷ the month's days),
/// `card_spend_e6` (what the rate cards price that capacity at; empty without a card),
/// `effective_per_gpu_hour_e6`, `card_per_gpu_hour_e6`, `effective_per_mw_month_e6`: the
/// calibration of the rate cards against the bills.
pub fn capacity_cost(
    ledger: &LedgerFrames,
    filters: &Filters,
    as_of: NaiveDate,
) -> PolarsResult<DataFrame> {
    let vendor_of = vendors_of(ledger, filters)?;
    let spend = monthly_spend(ledger, filters, as_of)?;
    let plans = contract_plans(ledger, as_of)?;
    let mut rows = CostRows::default();
    let ordered: BTreeSet<(&String, &String)> = vendor_of.iter().map(|(c, v)| (v, c)).collect();
    for (vendor, contract) in ordered {
        let Some(plan) = plans.get(contract) else {
            continue;
        };
        let Some(first) = plan
            .steps
            .iter()
            .map(|s| s.date)
            .min()
            .filter(|d| *d <= as_of)
        else {
            continue;
        };
        let mut month = month_start(first);
        while month <= as_of {
            let end = month_end(month).min(as_of);
            let days = || month.iter_days().take_while(move |d| *d <= end);
            let gpu_hours = unit_hours_micros(&plan.steps, Kind::Accelerators, days());
            let mw_days: i128 = days()
                .map(|d| i128::from(online_of(&plan.steps, Kind::Power, d)))
                .sum();
            let days_in_month = i128::from(month_end(month).day());
            let mw_months = divide_half_even(mw_days, days_in_month);
            let spent = spend.get(&(contract.clone(), month)).copied().unwrap_or(0);
            let card_spend = (!plan.cards.is_empty()).then(|| {
                forecast_daily(&plan.steps, &plan.cards, None, month, end)
                    .iter()
                    .map(|(_, s)| s)
                    .sum::<i64>()
            });
            if gpu_hours > 0 || mw_months > 0 {
                rows.vendor.push(vendor.clone());
                rows.contract.push(contract.clone());
                rows.month.push(month);
                rows.spend.push(spent);
                rows.gpu_hours.push(to_i64(gpu_hours));
                rows.mw_months.push(to_i64(mw_months));
                rows.card_spend.push(card_spend);
                rows.effective_gpu.push(per_unit(spent, gpu_hours));
                rows.card_gpu
                    .push(card_spend.and_then(|c| per_unit(c, gpu_hours)));
                rows.effective_mw.push(per_unit(spent, mw_months));
            }
            month = month_end(month).succ_opt().unwrap_or(NaiveDate::MAX);
        }
    }
    rows.frame()
}

fn to_i64(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Millionths of the currency per unit, from millionths of the currency and of units.
pub fn per_unit(spend_e6: i64, units_micros: i128) -> Option<i64> {
    (units_micros > 0).then(|| {
        to_i64(divide_half_even(
            i128::from(spend_e6) * MICROS,
            units_micros,
        ))
    })
}

/// Each contract's spend per month up to `as_of`, by (contract, month's first day).
fn monthly_spend(
    ledger: &LedgerFrames,
    filters: &Filters,
    as_of: NaiveDate,
) -> PolarsResult<HashMap<(String, NaiveDate), i64>> {
    let filters = Filters {
        as_of: Some(as_of),
        ..filters.clone()
    };
    let monthly = ledger
        .usage_as_of(&filters)
        .filter(col("contract").is_not_null())
        .group_by([col("contract"), month_of("date").alias("month")])
        .agg([col("amount_e6").sum()])
        .collect()?;
    let contracts = monthly.column("contract")?.str()?;
    let months: Vec<Option<NaiveDate>> = monthly.column("month")?.date()?.as_date_iter().collect();
    let amounts = monthly.column("amount_e6")?.i64()?;
    let mut out = HashMap::new();
    for (i, month) in months.into_iter().enumerate() {
        if let (Some(contract), Some(month), Some(amount)) =
            (contracts.get(i), month, amounts.get(i))
        {
            out.insert((contract.to_owned(), month), amount);
        }
    }
    Ok(out)
}

#[derive(Default)]
struct CostRows {
    vendor: Vec<String>,
    contract: Vec<String>,
    month: Vec<NaiveDate>,
    spend: Vec<i64>,
    gpu_hours: Vec<i64>,
    mw_months: Vec<i64>,
    card_spend: Vec<Option<i64>>,
    effective_gpu: Vec<Option<i64>>,
    card_gpu: Vec<Option<i64>>,
    effective_mw: Vec<Option<i64>>,
}

impl CostRows {
    fn frame(self) -> PolarsResult<DataFrame> {
        df!(
            "vendor" => self.vendor,
            "contract" => self.contract,
            "month" => self.month,
            "spend_e6" => self.spend,
            "gpu_hours_micros" => self.gpu_hours,
            "mw_months_micros" => self.mw_months,
            "card_spend_e6" => self.card_spend,
            "effective_per_gpu_hour_e6" => self.effective_gpu,
            "card_per_gpu_hour_e6" => self.card_gpu,
            "effective_per_mw_month_e6" => self.effective_mw,
        )
    }
}

#[cfg(test)]
mod tests {
    //! The worked example's deliveries (store/tests/fixtures/ledger): C1 (vendor A) plans 100
    //! GB200 for Feb 1, received 60 on Feb 3 and 40 on Feb 20, and 250.5 GB300 for Sep 30; C2
    //! (vendor B) plans 64 H100 for Mar 15, received all on Mar 10. C1 also states 2 MW for its
    //! initial phase, received pro rata.
    use super::*;
    use crate::ledger::worked_example::{e6, frames, i64s, strs};
    use domain::rate_card::RateCard;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn with_power() -> LedgerFrames {
        let mut f = frames();
        f.phases
            .with_column(Column::new(
                "planned_power_micros".into(),
                [Some(2_000_000i64), None, None],
            ))
            .unwrap();
        f
    }

    fn rows_for(report: &DataFrame, vendor: &str, resource: &str) -> DataFrame {
        report
            .clone()
            .lazy()
            .filter(
                col("vendor")
                    .eq(lit(vendor))
                    .and(col("resource").eq(lit(resource))),
            )
            .collect()
            .unwrap()
    }

    #[test]
    fn capacity_is_planned_delivered_and_lost_month_by_month() {
        let report =
            capacity_over_time(&with_power(), &Filters::default(), d("2026-03-31")).unwrap();
        // Every series runs over the same months: February (the first step) to September (the
        // last planned one).
        let gb200 = rows_for(&report, "A", "GB200");
        assert_eq!(gb200.height(), 8);
        let gb200 = gb200.head(Some(2));
        assert_eq!(i64s(&gb200, "contracted_micros"), [100_000_000; 2]);
        assert_eq!(i64s(&gb200, "planned_micros"), [100_000_000; 2]);
        assert_eq!(i64s(&gb200, "delivered_micros"), [100_000_000; 2]);
        // Feb 1–2: 100 owed each day; Feb 3–19: 40; from Feb 20 nothing. 200 + 17 × 40 = 880.
        assert_eq!(i64s(&gb200, "capacity_days_lost_micros"), [880_000_000, 0]);
        // 2 MW planned Feb 1; 1.2 MW with the 60 of Feb 3 and 0.8 MW with the 40 of Feb 20:
        // 2 × 2 + 17 × 0.8 = 17.6 MW-days lost.
        let power = rows_for(&report, "A", "MW").head(Some(2));
        assert_eq!(i64s(&power, "capacity_days_lost_micros")[0], 17_600_000);
        assert_eq!(i64s(&power, "delivered_micros"), [2_000_000; 2]);
        // The GB300 phase runs to September: planned then, expected then, not yet delivered.
        let gb300 = rows_for(&report, "A", "GB300");
        assert_eq!(i64s(&gb300, "planned_micros")[..7], [0; 7]);
        let last = gb300.tail(Some(1));
        assert_eq!(i64s(&last, "planned_micros"), [250_500_000]);
        assert_eq!(i64s(&last, "expected_micros"), [250_500_000]);
        assert_eq!(last.column("delivered_micros").unwrap().null_count(), 1);
        // A vendor filter keeps its vendor only.
        let b = capacity_over_time(
            &with_power(),
            &Filters {
                vendors: vec!["B".into()],
                ..Default::default()
            },
            d("2026-03-31"),
        )
        .unwrap();
        assert_eq!(strs(&b, "resource"), ["H100"], "March only: its own steps");
        assert_eq!(i64s(&b, "capacity_days_lost_micros"), [0], "received early");
    }

    #[test]
    fn the_effective_price_per_gpu_hour_against_the_card() {
        let mut f = with_power();
        f.rate_cards = std::sync::Arc::new(vec![RateCard {
            contract: "C1".into(),
            resource: "GB200".into(),
            from: d("2026-01-01"),
            price_e6: 1_000,
            utilisation_bp: 10_000,
        }]);
        let report = capacity_cost(&f, &Filters::default(), d("2026-02-28")).unwrap();
        let c1 = report
            .clone()
            .lazy()
            .filter(col("contract").eq(lit("C1")))
            .collect()
            .unwrap();
        // February: 60 GPUs Feb 3–19 (17 days) and 100 from Feb 20 (9 days): 1,020 + 900 =
        // 1,920 GPU-days = 46,080 GPU-hours. C1 spent 200.00 in February: 0.004340… a
        // GPU-hour, 0.00434 to six places. The card ($0.001) prices 46.08; MW: 1.2 MW × 17 days
        // + 2 MW × 9 days = 38.4 MW-days ÷ 28 = 1.371429 MW-months (rounded once).
        assert_eq!(i64s(&c1, "gpu_hours_micros"), [46_080_000_000]);
        assert_eq!(i64s(&c1, "spend_e6"), [e6(20_000)]);
        assert_eq!(i64s(&c1, "effective_per_gpu_hour_e6"), [4_340]);
        assert_eq!(i64s(&c1, "card_spend_e6"), [46_080_000]);
        assert_eq!(i64s(&c1, "card_per_gpu_hour_e6"), [1_000]);
        assert_eq!(i64s(&c1, "mw_months_micros"), [1_371_429]);
        // 200.00 ÷ 1.371429 MW-months = 145.833287760… a MW-month, to the millionth.
        assert_eq!(i64s(&c1, "effective_per_mw_month_e6"), [145_833_288]);
        // C2 has no card: no card spend; its H100s arrive in March, after the as-of date.
        assert_eq!(strs(&report, "contract"), ["C1"]);
    }
}
