//! What-if scenarios: named changes laid over the real ledger without touching it. A scenario
//! is stored as JSON beside the ledger; reports and dashboards computed under one show it next
//! to the baseline.

use crate::date::parse_iso_date;
use crate::error::FieldError;
use crate::kinds::CommitmentCategory;
use crate::snapshot::CommitmentFacts;
use crate::{text, CommitmentModel, Currency, FulfillmentInterval, Money};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Scenario {
    pub name: String,
    /// Change to every contract's usage run-rate from the as-of date on, in basis points
    /// (−2500 = 25% less spend a day).
    pub run_rate_change_bp: i64,
    /// Revenue growth a month, compounded, in basis points (500 = 5% a month). Scenarios saved
    /// before it existed read as no growth.
    #[serde(default)]
    pub revenue_growth_bp: i64,
    /// The utilisation the plan-driven forecast assumes instead of the rate cards', in basis
    /// points (7_000 = 70%); `None` keeps the cards'.
    #[serde(default)]
    pub utilisation_bp: Option<i64>,
    pub phase_delays: Vec<PhaseDelay>,
    pub new_contracts: Vec<HypotheticalContract>,
}

/// A delivery phase arriving `months` later than planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseDelay {
    pub contract: String,
    pub phase: String,
    pub months: u32,
}

/// A contract under negotiation: its commitment and the spend a day expected once it starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HypotheticalContract {
    pub reference: String,
    pub vendor: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub committed: Money,
    pub daily_spend_minor: i64,
}

impl HypotheticalContract {
    /// The contract as the ledger would hold it: one spend commitment over its term, built up.
    /// The analytics add it to the frames, and the dashboards to the contracts they list, from
    /// this one description.
    pub fn commitment(&self) -> CommitmentFacts {
        CommitmentFacts {
            contract_id: 0,
            commitment_id: 0,
            contract: self.reference.clone(),
            commitment: self.reference.clone(),
            vendor: self.vendor.clone(),
            category: CommitmentCategory::Spend,
            committed_minor: self.committed.minor(),
            quantity_micros: None,
            unit: String::new(),
            currency: self.committed.currency(),
            start_date: self.start_date,
            end_date: self.end_date,
            commitment_model: CommitmentModel::BuildUp,
            fulfillment_interval: FulfillmentInterval::Term,
            scoped: false,
        }
    }
}

/// The scenario form's fields as typed; the phase delay and new contract are optional.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RawScenario {
    pub name: String,
    pub run_rate_change_percent: String,
    pub revenue_growth_percent: String,
    #[serde(default)]
    pub utilisation_percent: String,
    pub delay_contract: String,
    pub delay_phase: String,
    pub delay_months: String,
    pub new_reference: String,
    pub new_vendor: String,
    pub new_start_date: String,
    pub new_end_date: String,
    pub new_committed_amount: String,
    pub new_currency: String,
    pub new_daily_spend: String,
}

/// The largest hypothetical commitment or spend a day: the largest amount the analytics hold
/// exactly (9 trillion), far beyond any real contract.
const WHAT_IF_MAX_MINOR: i64 = crate::exact::MAX_MINOR;

fn within_what_if(minor: i64) -> Result<i64, String> {
    if minor > WHAT_IF_MAX_MINOR {
        Err(format!(
            "must be at most {} for a what-if",
            crate::decimal::format_scaled(WHAT_IF_MAX_MINOR, 2)
        ))
    } else {
        Ok(minor)
    }
}

impl Scenario {
    pub fn parse(raw: &RawScenario) -> Result<Self, Vec<FieldError>> {
        let mut c = crate::entries::Checker::new();
        let name = c.field("name", text::required(&raw.name, text::NAME_MAX));
        let change = match raw.run_rate_change_percent.trim() {
            "" => Some(0),
            percent => c.field(
                "run_rate_change_percent",
                crate::decimal::parse_scaled(percent, 2, true).and_then(|bp| {
                    if bp <= -10_000 {
                        Err("must be more than -100 (a run-rate cannot fall below zero)".into())
                    } else if bp > 1_000_000 {
                        Err("must be at most 10000".into())
                    } else {
                        Ok(bp)
                    }
                }),
            ),
        };
        let growth = match raw.revenue_growth_percent.trim() {
            "" => Some(0),
            percent => c.field(
                "revenue_growth_percent",
                crate::decimal::parse_scaled(percent, 2, true).and_then(|bp| {
                    if bp <= -10_000 || bp > 10_000 {
                        Err("must be more than -100 and at most 100 (% a month)".into())
                    } else {
                        Ok(bp)
                    }
                }),
            ),
        };
        let utilisation = match raw.utilisation_percent.trim() {
            "" => Some(None),
            percent => c
                .field(
                    "utilisation_percent",
                    crate::rate_card::utilisation_bp(percent),
                )
                .map(Some),
        };
        let mut delays = Vec::new();
        if !raw.delay_contract.trim().is_empty() || !raw.delay_phase.trim().is_empty() {
            let contract = c.field(
                "delay_contract",
                text::required(&raw.delay_contract, text::NAME_MAX),
            );
            let phase = c.field(
                "delay_phase",
                text::required(&raw.delay_phase, text::NAME_MAX),
            );
            let months = c.field(
                "delay_months",
                raw.delay_months
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|m| (1..=120).contains(m))
                    .ok_or_else(|| "must be a whole number of months from 1 to 120".to_owned()),
            );
            if let (Some(contract), Some(phase), Some(months)) = (contract, phase, months) {
                delays.push(PhaseDelay {
                    contract,
                    phase,
                    months,
                });
            }
        }
        let mut contracts = Vec::new();
        if !raw.new_reference.trim().is_empty() {
            let reference = c.field(
                "new_reference",
                text::required(&raw.new_reference, text::NAME_MAX),
            );
            let vendor = c.field(
                "new_vendor",
                text::required(&raw.new_vendor, text::NAME_MAX),
            );
            let start = c.field("new_start_date", parse_iso_date(&raw.new_start_date));
            let end = c.field("new_end_date", parse_iso_date(&raw.new_end_date));
            let currency = c.field("new_currency", Currency::parse(&raw.new_currency));
            let committed = currency.and_then(|cur| {
                c.field(
                    "new_committed_amount",
                    Money::parse_non_negative(&raw.new_committed_amount, cur)
                        .and_then(|m| within_what_if(m.minor()).map(|_| m)),
                )
            });
            let daily = c.field(
                "new_daily_spend",
                crate::decimal::parse_scaled(&raw.new_daily_spend, 2, false)
                    .and_then(within_what_if),
            );
            if let (Some(start), Some(end)) = (start, end) {
                if end < start {
                    c.field(
                        "new_end_date",
                        Err::<(), _>("must not be before the start date".to_owned()),
                    );
                }
            }
            if let (
                Some(reference),
                Some(vendor),
                Some(start_date),
                Some(end_date),
                Some(committed),
                Some(daily),
            ) = (reference, vendor, start, end, committed, daily)
            {
                contracts.push(HypotheticalContract {
                    reference,
                    vendor,
                    start_date,
                    end_date,
                    committed,
                    daily_spend_minor: daily,
                });
            }
        }
        let scenario = c.finish(|| {
            Some(Self {
                name: name?,
                run_rate_change_bp: change?,
                revenue_growth_bp: growth?,
                utilisation_bp: utilisation?,
                phase_delays: delays,
                new_contracts: contracts,
            })
        })?;
        if scenario.changes_nothing() {
            return Err(vec![FieldError::new(
                "run_rate_change_percent",
                "a scenario must change something: a run-rate, revenue growth, utilisation, a phase delay or a new contract",
            )]);
        }
        Ok(scenario)
    }

    pub fn changes_nothing(&self) -> bool {
        self.run_rate_change_bp == 0
            && self.revenue_growth_bp == 0
            && self.utilisation_bp.is_none()
            && self.phase_delays.is_empty()
            && self.new_contracts.is_empty()
    }

    /// What it changes, in words, for lists and chart legends.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if self.run_rate_change_bp != 0 {
            parts.push(format!(
                "run-rate {}{}%",
                if self.run_rate_change_bp > 0 { "+" } else { "" },
                crate::decimal::format_scaled_trimmed(self.run_rate_change_bp, 2)
            ));
        }
        if self.revenue_growth_bp != 0 {
            parts.push(format!(
                "revenue {}{}% a month",
                if self.revenue_growth_bp > 0 { "+" } else { "" },
                crate::decimal::format_scaled_trimmed(self.revenue_growth_bp, 2)
            ));
        }
        if let Some(bp) = self.utilisation_bp {
            parts.push(format!(
                "utilisation {}%",
                crate::decimal::format_scaled_trimmed(bp, 2)
            ));
        }
        for d in &self.phase_delays {
            parts.push(format!(
                "{} {} delayed {} month(s)",
                d.contract, d.phase, d.months
            ));
        }
        for c in &self.new_contracts {
            parts.push(format!(
                "new contract {} ({} {})",
                c.reference,
                c.committed.currency(),
                c.committed.amount_string()
            ));
        }
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawScenario {
        RawScenario {
            name: "Slower ramp".into(),
            run_rate_change_percent: "-20".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_run_rate_change_is_held_in_basis_points() {
        let s = Scenario::parse(&raw()).unwrap();
        assert_eq!(s.run_rate_change_bp, -2000);
        assert_eq!(s.summary(), "run-rate -20%");
    }

    #[test]
    fn revenue_growth_alone_is_a_change_and_older_definitions_read_as_none() {
        let s = Scenario::parse(&RawScenario {
            name: "Fast growth".into(),
            revenue_growth_percent: "7.5".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(s.revenue_growth_bp, 750);
        assert_eq!(s.summary(), "revenue +7.5% a month");
        let stored =
            r#"{"name":"Old","run_rate_change_bp":-2000,"phase_delays":[],"new_contracts":[]}"#;
        let old: Scenario = serde_json::from_str(stored).unwrap();
        assert_eq!(old.revenue_growth_bp, 0);
    }

    #[test]
    fn errors_name_their_fields() {
        let bad = RawScenario {
            name: "".into(),
            run_rate_change_percent: "-100".into(),
            revenue_growth_percent: "101".into(),
            delay_contract: "C1".into(),
            delay_months: "0".into(),
            new_reference: "NEW".into(),
            new_start_date: "2027-01-01".into(),
            new_end_date: "2026-01-01".into(),
            ..Default::default()
        };
        let fields: Vec<String> = Scenario::parse(&bad)
            .unwrap_err()
            .into_iter()
            .map(|e| e.column)
            .collect();
        assert_eq!(
            fields,
            [
                "name",
                "run_rate_change_percent",
                "revenue_growth_percent",
                "delay_phase",
                "delay_months",
                "new_vendor",
                "new_currency",
                "new_daily_spend",
                "new_end_date"
            ]
        );
    }

    #[test]
    fn a_hypothetical_contract_has_a_ceiling() {
        let huge = RawScenario {
            name: "Huge".into(),
            new_reference: "BIG".into(),
            new_vendor: "V".into(),
            new_start_date: "2027-01-01".into(),
            new_end_date: "2027-12-31".into(),
            new_committed_amount: "92233720368547758.07".into(),
            new_currency: "USD".into(),
            new_daily_spend: "9000000000000.01".into(),
            ..Default::default()
        };
        let errors = Scenario::parse(&huge).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(fields, ["new_committed_amount", "new_daily_spend"]);
        assert!(
            errors[0].reason.contains("at most 9000000000000.00"),
            "{errors:?}"
        );
        let at_ceiling = RawScenario {
            new_committed_amount: "9000000000000.00".into(),
            new_daily_spend: "9000000000000.00".into(),
            ..huge
        };
        assert!(Scenario::parse(&at_ceiling).is_ok());
    }

    #[test]
    fn utilisation_is_a_percentage_held_in_basis_points() {
        let s = Scenario::parse(&RawScenario {
            name: "Idle racks".into(),
            utilisation_percent: "70".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(s.utilisation_bp, Some(7_000));
        assert_eq!(s.summary(), "utilisation 70%");
        let bad = Scenario::parse(&RawScenario {
            name: "Too busy".into(),
            utilisation_percent: "120".into(),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(bad[0].column, "utilisation_percent");
    }

    #[test]
    fn a_scenario_must_change_something() {
        let none = RawScenario {
            name: "Same".into(),
            ..Default::default()
        };
        assert!(Scenario::parse(&none).is_err());
    }
}
