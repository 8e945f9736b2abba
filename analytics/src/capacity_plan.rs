//! The plan-driven forecast: what a contract will spend day by day as its capacity comes
//! online — received so far, plus each phase's outstanding quantity from its planned date —
//! × 24 hours × the expected utilisation × the rate card's price per unit-hour. And the
//! calibration beside it: the effective price actually paid per unit-hour online, to show
//! whether the rate card matches the bills.
//!
//! Exact integer arithmetic: quantities in millionths of a unit, prices in millionths of the
//! currency per unit-hour, utilisation in basis points; each day's spend is rounded once, half
//! to even, to the ledger's millionths.

use chrono::NaiveDate;
use domain::capacity;
use domain::fx::divide_half_even;
use domain::snapshot::{PhaseFacts, ReceiptFacts};
use std::collections::BTreeMap;

pub use domain::rate_card::RateCard;

/// Capacity coming online: `units_micros` of `resource` from `date` on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CapacityStep {
    pub date: NaiveDate,
    pub resource: String,
    pub units_micros: i64,
}

/// The capacity steps of one contract as known on `as_of`: every receipt up to then, and
/// what each phase still owes, arriving on its planned date — or, for a phase already late,
/// the day after `as_of` (the earliest it can still come; a scenario's delay moves the planned
/// date itself). A phase's power (stated, or its quantity when it counts MW) comes online the
/// same way, as the resource `MW`.
pub fn capacity_steps(
    phases: &[PhaseFacts],
    receipts: &[ReceiptFacts],
    as_of: NaiveDate,
) -> Vec<CapacityStep> {
    let tomorrow = as_of.succ_opt().unwrap_or(as_of);
    let mut steps = Vec::new();
    let owed = |steps: &mut Vec<CapacityStep>, phase: &PhaseFacts, resource: &str, left: i64| {
        if left > 0 {
            steps.push(CapacityStep {
                date: phase.planned_date.max(tomorrow),
                resource: resource.to_owned(),
                units_micros: left,
            });
        }
    };
    for phase in phases {
        let received: Vec<&ReceiptFacts> = receipts
            .iter()
            .filter(|r| r.contract == phase.contract && r.phase == phase.phase && r.date <= as_of)
            .collect();
        if !capacity::is_power(&phase.resource) {
            for r in &received {
                steps.push(CapacityStep {
                    date: r.date,
                    resource: phase.resource.clone(),
                    units_micros: r.quantity_micros,
                });
            }
            let left = phase.planned_quantity_micros
                - received.iter().map(|r| r.quantity_micros).sum::<i64>();
            owed(&mut steps, phase, &phase.resource, left);
        }
        let Some(power) = capacity::phase_power_micros(
            &phase.resource,
            phase.planned_quantity_micros,
            phase.planned_power_micros,
        ) else {
            continue;
        };
        let mut delivered = 0;
        for r in &received {
            let Some(mw) = capacity::receipt_power_micros(
                &phase.resource,
                phase.planned_quantity_micros,
                phase.planned_power_micros,
                r.quantity_micros,
                r.power_micros,
            ) else {
                continue;
            };
            delivered += mw;
            steps.push(CapacityStep {
                date: r.date,
                resource: capacity::POWER.to_owned(),
                units_micros: mw,
            });
        }
        owed(&mut steps, phase, capacity::POWER, power - delivered);
    }
    steps.sort();
    steps
}

/// Whether a step counts accelerators or power.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Accelerators,
    Power,
}

impl Kind {
    fn of(resource: &str) -> Self {
        if capacity::is_power(resource) {
            Kind::Power
        } else {
            Kind::Accelerators
        }
    }
}

/// The card in force for `resource` on `day`: the latest from on or before it.
fn card_on<'c>(cards: &'c [RateCard], resource: &str, day: NaiveDate) -> Option<&'c RateCard> {
    cards
        .iter()
        .filter(|c| c.resource.eq_ignore_ascii_case(resource) && c.from <= day)
        .max_by_key(|c| c.from)
}

/// Units of each resource online on `day`.
fn online(steps: &[CapacityStep], day: NaiveDate) -> BTreeMap<&str, i64> {
    let mut units: BTreeMap<&str, i64> = BTreeMap::new();
    for s in steps.iter().filter(|s| s.date <= day) {
        *units.entry(s.resource.as_str()).or_default() += s.units_micros;
    }
    units
}

/// Units of one kind online on `day`, in millionths.
pub fn online_of(steps: &[CapacityStep], kind: Kind, day: NaiveDate) -> i64 {
    steps
        .iter()
        .filter(|s| s.date <= day && Kind::of(&s.resource) == kind)
        .map(|s| s.units_micros)
        .sum()
}

const HOURS_A_DAY: i128 = 24;
const MICROS: i128 = 1_000_000;
const FULL_BP: i128 = 10_000;

/// The forecast spend of each day from `from` to `to` (inclusive), in millionths of the
/// currency: Σ over resources of units online × 24 × utilisation × price. A resource without a
/// card that day adds nothing (the card's absence is for the caller to flag). A scenario's
/// `utilisation_bp` replaces every card's.
pub fn forecast_daily(
    steps: &[CapacityStep],
    cards: &[RateCard],
    utilisation_bp: Option<i64>,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(NaiveDate, i64)> {
    from.iter_days()
        .take_while(|day| *day <= to)
        .map(|day| {
            let spend: i128 = online(steps, day)
                .into_iter()
                .filter_map(|(resource, units)| {
                    let card = card_on(cards, resource, day)?;
                    let numerator = i128::from(units)
                        * HOURS_A_DAY
                        * i128::from(card.price_e6)
                        * i128::from(utilisation_bp.unwrap_or(card.utilisation_bp));
                    Some(divide_half_even(numerator, MICROS * FULL_BP))
                })
                .sum();
            (day, i64::try_from(spend).unwrap_or(i64::MAX))
        })
        .collect()
}

/// Unit-hours of one kind online over `days`, in millionths.
pub fn unit_hours_micros(
    steps: &[CapacityStep],
    kind: Kind,
    days: impl Iterator<Item = NaiveDate>,
) -> i128 {
    days.map(|day| i128::from(online_of(steps, kind, day)) * HOURS_A_DAY)
        .sum()
}

/// The effective price paid per unit-hour over `days`: spend ÷ unit-hours of `kind` online,
/// in millionths of the currency per unit-hour, rounded once; `None` with none online.
pub fn effective_price_e6(
    steps: &[CapacityStep],
    kind: Kind,
    spend_e6: i64,
    days: impl Iterator<Item = NaiveDate>,
) -> Option<i64> {
    per_unit_e6(spend_e6, unit_hours_micros(steps, kind, days))
}

/// `spend_e6` per unit (millionths of a unit), in millionths, rounded once; `None` for none.
pub fn per_unit_e6(spend_e6: i64, units_micros: i128) -> Option<i64> {
    (units_micros > 0).then(|| {
        let price = divide_half_even(i128::from(spend_e6) * MICROS, units_micros);
        i64::try_from(price).unwrap_or(i64::MAX)
    })
}

#[cfg(test)]
mod tests {
    //! A contract with two GB200 phases (100 units planned for Mar 1, received as 60 on Mar 1
    //! and 40 late on Mar 11; 200 more planned for Jun 1) at $4.00 per GPU-hour at 100%.
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn units(n: i64) -> i64 {
        n * 1_000_000
    }

    fn phases() -> Vec<PhaseFacts> {
        [
            ("initial", "2026-03-01", 100),
            ("expansion", "2026-06-01", 200),
        ]
        .into_iter()
        .map(|(phase, planned, quantity)| PhaseFacts {
            contract: "C".into(),
            phase: phase.into(),
            resource: "GB200".into(),
            planned_date: d(planned),
            planned_quantity_micros: units(quantity),
            planned_power_micros: None,
        })
        .collect()
    }

    fn receipts() -> Vec<ReceiptFacts> {
        [("2026-03-01", 60), ("2026-03-11", 40)]
            .into_iter()
            .map(|(date, quantity)| ReceiptFacts {
                contract: "C".into(),
                phase: "initial".into(),
                date: d(date),
                quantity_micros: units(quantity),
                power_micros: None,
            })
            .collect()
    }

    fn card(from: &str, dollars_e6: i64, utilisation_bp: i64) -> RateCard {
        RateCard {
            contract: "C".into(),
            resource: "GB200".into(),
            from: d(from),
            price_e6: dollars_e6,
            utilisation_bp,
        }
    }

    #[test]
    fn a_phase_arriving_mid_term_adds_its_capacity_from_its_planned_date() {
        let steps = capacity_steps(&phases(), &receipts(), d("2026-04-30"));
        let cards = [card("2026-01-01", 4_000_000, 10_000)];
        let days = forecast_daily(&steps, &cards, None, d("2026-05-31"), d("2026-06-01"));
        // May 31: 100 GPUs × 24 h × $4 = $9,600; from Jun 1, 300 GPUs: $28,800.
        assert_eq!(
            days,
            [
                (d("2026-05-31"), 9_600_000_000),
                (d("2026-06-01"), 28_800_000_000)
            ]
        );
    }

    #[test]
    fn a_late_receipt_counts_from_the_day_it_arrived_and_an_overdue_phase_from_tomorrow() {
        // On Mar 5 only 60 of the initial 100 have arrived; the 40 owed are overdue: expected
        // from Mar 6. Known on Mar 20, they arrived on Mar 11.
        let early = capacity_steps(&phases(), &receipts(), d("2026-03-05"));
        assert_eq!(
            early[..2],
            [
                CapacityStep {
                    date: d("2026-03-01"),
                    resource: "GB200".into(),
                    units_micros: units(60)
                },
                CapacityStep {
                    date: d("2026-03-06"),
                    resource: "GB200".into(),
                    units_micros: units(40)
                },
            ]
        );
        let later = capacity_steps(&phases(), &receipts(), d("2026-03-20"));
        let cards = [card("2026-01-01", 4_000_000, 10_000)];
        let days = forecast_daily(&later, &cards, None, d("2026-03-10"), d("2026-03-11"));
        // 60 × 24 × 4 = 5,760 on Mar 10; 100 × 24 × 4 = 9,600 from Mar 11.
        assert_eq!(days[0].1, 5_760_000_000);
        assert_eq!(days[1].1, 9_600_000_000);
    }

    #[test]
    fn a_utilisation_change_and_a_price_change_apply_from_their_day() {
        let steps = capacity_steps(&phases(), &receipts(), d("2026-04-30"));
        let cards = [
            card("2026-01-01", 4_000_000, 10_000),
            // From May 1, 85% utilised; from May 2, $3.75 per GPU-hour at 85%.
            card("2026-05-01", 4_000_000, 8_500),
            card("2026-05-02", 3_750_000, 8_500),
        ];
        let days = forecast_daily(&steps, &cards, None, d("2026-04-30"), d("2026-05-02"));
        // 100 × 24 × 4 = 9,600; × 0.85 = 8,160; 100 × 24 × 3.75 × 0.85 = 7,650.
        let spend: Vec<i64> = days.iter().map(|(_, s)| *s).collect();
        assert_eq!(spend, [9_600_000_000, 8_160_000_000, 7_650_000_000]);
        // A resource without a card adds nothing.
        assert!(forecast_daily(&steps, &[], None, d("2026-05-01"), d("2026-05-01"))[0].1 == 0);
    }

    #[test]
    fn the_effective_price_is_spend_over_unit_hours_online() {
        let steps = capacity_steps(&phases(), &receipts(), d("2026-03-31"));
        // March: 60 GPUs Mar 1–10 (10 days) and 100 from Mar 11 (21 days) = 600 + 2,100 =
        // 2,700 GPU-days = 64,800 GPU-hours. $243,000 spent is $3.75 per GPU-hour.
        let march = d("2026-03-01").iter_days().take(31);
        assert_eq!(
            effective_price_e6(&steps, Kind::Accelerators, 243_000_000_000, march),
            Some(3_750_000)
        );
        // Nothing online in February: no price.
        let february = d("2026-02-01").iter_days().take(28);
        assert_eq!(
            effective_price_e6(&steps, Kind::Accelerators, 1_000_000, february),
            None
        );
    }

    #[test]
    fn power_comes_online_with_its_phase_and_a_megawatt_card_prices_it() {
        // 1,000 GB300s stating 2 MW planned for Jun 1, 400 received early on Mar 1 (0.8 MW pro
        // rata); and a 5 MW colocation hall (a phase counting MW) planned for Apr 1.
        let phases = vec![
            PhaseFacts {
                contract: "C".into(),
                phase: "gpus".into(),
                resource: "GB300".into(),
                planned_date: d("2026-06-01"),
                planned_quantity_micros: units(1_000),
                planned_power_micros: Some(units(2)),
            },
            PhaseFacts {
                contract: "C".into(),
                phase: "hall".into(),
                resource: "MW".into(),
                planned_date: d("2026-04-01"),
                planned_quantity_micros: units(5),
                planned_power_micros: None,
            },
        ];
        let receipts = vec![ReceiptFacts {
            contract: "C".into(),
            phase: "gpus".into(),
            date: d("2026-03-01"),
            quantity_micros: units(400),
            power_micros: None,
        }];
        let steps = capacity_steps(&phases, &receipts, d("2026-03-31"));
        assert_eq!(online_of(&steps, Kind::Power, d("2026-03-31")), 800_000);
        assert_eq!(online_of(&steps, Kind::Power, d("2026-06-01")), units(7));
        assert_eq!(
            online_of(&steps, Kind::Accelerators, d("2026-06-01")),
            units(1_000)
        );
        // $100 per MW-hour at 100%: Apr 1, 5.8 MW × 24 × 100 = 13,920; Jun 1, 7 MW: 16,800.
        let cards = [RateCard {
            contract: "C".into(),
            resource: "mw".into(),
            from: d("2026-01-01"),
            price_e6: 100_000_000,
            utilisation_bp: 10_000,
        }];
        let spend = |utilisation, day: &str| {
            forecast_daily(&steps, &cards, utilisation, d(day), d(day))[0].1
        };
        assert_eq!(spend(None, "2026-04-01"), 13_920_000_000);
        assert_eq!(spend(None, "2026-06-01"), 16_800_000_000);
        // A scenario's 50% utilisation replaces the card's.
        assert_eq!(spend(Some(5_000), "2026-04-01"), 6_960_000_000);
    }
}
