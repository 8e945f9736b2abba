//! What-if scenarios laid over the ledger's frames. The frames are copied and changed; the
//! ledger (and every report computed without a scenario) is untouched.

use crate::ledger::LedgerFrames;
use chrono::{Months, NaiveDate};
use domain::scenario::Scenario;
use polars::prelude::*;

/// The frames as the scenario would have them.
pub fn apply(frames: &LedgerFrames, scenario: &Scenario) -> PolarsResult<LedgerFrames> {
    let mut out = frames.clone();
    out.outlook.run_rate_factor *= 1.0 + scenario.run_rate_change_bp as f64 / 10_000.0;
    out.outlook.revenue_growth = (1.0 + out.outlook.revenue_growth)
        * (1.0 + scenario.revenue_growth_bp as f64 / 10_000.0)
        - 1.0;
    out.outlook.utilisation_bp = scenario.utilisation_bp.or(out.outlook.utilisation_bp);
    if !scenario.phase_delays.is_empty() {
        out.phases = delay_phases(&frames.phases, scenario)?;
    }
    for c in &scenario.new_contracts {
        let k = c.commitment();
        let row = df!(
            "contract" => [k.contract.as_str()],
            "commitment" => [k.commitment.as_str()],
            "vendor" => [k.vendor.as_str()],
            "category" => [k.category.as_str()],
            "committed_e6" => [k.committed_minor * domain::exact::PER_MINOR],
            "committed_quantity_micros" => [k.quantity_micros],
            "unit" => [k.unit.as_str()],
            "start_date" => [k.start_date],
            "end_date" => [k.end_date],
            "commitment_model" => [k.commitment_model.as_str()],
            "fulfillment_interval" => [k.fulfillment_interval.as_str()],
            "scoped" => [k.scoped],
            "currency" => [k.currency.as_str()],
        )?;
        let names: Vec<PlSmallStr> = out
            .commitments
            .get_column_names()
            .into_iter()
            .cloned()
            .collect();
        let row = row.select(names)?;
        out.commitments = out.commitments.vstack(&row)?;
        out.outlook.fixed_daily_e6.insert(
            c.reference.clone(),
            (c.daily_spend_minor * domain::exact::PER_MINOR) as f64,
        );
    }
    Ok(out)
}

const LAST_DATE: NaiveDate = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();

fn delay_phases(phases: &DataFrame, scenario: &Scenario) -> PolarsResult<DataFrame> {
    let contracts = phases.column("contract")?.str()?;
    let names = phases.column("phase")?.str()?;
    let planned: Vec<Option<NaiveDate>> = phases
        .column("planned_date")?
        .date()?
        .as_date_iter()
        .enumerate()
        .map(|(i, date)| {
            let delay = scenario.phase_delays.iter().find(|d| {
                contracts.get(i) == Some(d.contract.as_str())
                    && names.get(i) == Some(d.phase.as_str())
            });
            match (date, delay) {
                // Reports write four-digit years: a delay past 9999 stops at its last day.
                (Some(date), Some(d)) => Some(
                    date.checked_add_months(Months::new(d.months))
                        .filter(|moved| *moved <= LAST_DATE)
                        .unwrap_or(LAST_DATE),
                ),
                (date, _) => date,
            }
        })
        .collect();
    let mut out = phases.clone();
    out.with_column(Column::new("planned_date".into(), planned))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::worked_example::frames;
    use crate::outlook::Outlook;
    use domain::scenario::{HypotheticalContract, PhaseDelay};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_delay_moves_only_its_phase_and_a_new_contract_joins_the_contracts() {
        let base = frames();
        let scenario = Scenario {
            name: "What if".into(),
            run_rate_change_bp: -2500,
            revenue_growth_bp: 500,
            utilisation_bp: Some(7_000),
            phase_delays: vec![PhaseDelay {
                contract: "C1".into(),
                phase: "initial".into(),
                months: 3,
            }],
            new_contracts: vec![HypotheticalContract {
                reference: "NEW".into(),
                vendor: "C".into(),
                start_date: d("2027-01-01"),
                end_date: d("2027-12-31"),
                committed: domain::Money::from_minor(
                    365_000,
                    domain::Currency::parse("USD").unwrap(),
                ),
                daily_spend_minor: 1_000,
            }],
        };
        let changed = apply(&base, &scenario).unwrap();
        let planned = |f: &LedgerFrames| -> Vec<Option<NaiveDate>> {
            f.phases
                .column("planned_date")
                .unwrap()
                .date()
                .unwrap()
                .as_date_iter()
                .collect()
        };
        let (before, after) = (planned(&base), planned(&changed));
        let contracts = base
            .phases
            .column("contract")
            .unwrap()
            .str()
            .unwrap()
            .clone();
        let phase_names = base.phases.column("phase").unwrap().str().unwrap().clone();
        for i in 0..before.len() {
            if contracts.get(i) == Some("C1") && phase_names.get(i) == Some("initial") {
                assert_eq!(
                    after[i],
                    before[i].and_then(|p| p.checked_add_months(Months::new(3)))
                );
            } else {
                assert_eq!(after[i], before[i]);
            }
        }
        assert_eq!(changed.commitments.height(), base.commitments.height() + 1);
        assert_eq!(changed.outlook.run_rate_factor, 0.75);
        assert_eq!(changed.outlook.utilisation_bp, Some(7_000));
        assert!((changed.outlook.revenue_growth - 0.05).abs() < 1e-15);
        assert_eq!(
            changed.outlook.run_rate("NEW", 0.0),
            10_000_000.0,
            "10.00 a day, exact"
        );
        assert_eq!(changed.outlook.run_rate("C1", 400.0), 300.0);
        assert_eq!(
            base.outlook,
            Outlook::default(),
            "the baseline frames are untouched"
        );
    }
}
