//! What the dashboards add up across commitments, read from the reports' frames: the
//! projection per commitment with its term and currency, totals per currency (in i128: a
//! portfolio of very large commitments can pass i64), the straight-line "on pace" spend, the
//! true-up by kind, and capacity planned and received per resource. Exact minor units
//! throughout; nothing here parses a formatted cell.

use crate::columns::Columns;
use chrono::NaiveDate;
use domain::snapshot::CommitmentFacts;
use polars::prelude::{DataFrame, PolarsResult};
use std::collections::{BTreeMap, HashSet};

/// One spend commitment's row of the `projection` report, with its term and currency.
#[derive(Debug, Clone, PartialEq)]
pub struct CommitmentFigures {
    pub contract: String,
    pub commitment: String,
    pub currency: String,
    pub committed: i64,
    pub spent: i64,
    pub projected_total: i64,
    pub projected_low: i64,
    pub projected_high: i64,
    pub shortfall: i64,
    pub exhaustion: Option<NaiveDate>,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The plan-driven forecast's total and shortfall (`None`: no rate card, no plan).
    pub plan_total: Option<i64>,
    pub plan_shortfall: Option<i64>,
}

impl CommitmentFigures {
    /// The projection's rows of the commitments in `facts` (rows of any other are left out).
    /// The currency is the contract's (its first commitment's, as every commitment of a
    /// contract shares it).
    pub fn from_projection(
        projection: &DataFrame,
        facts: &BTreeMap<(String, String), CommitmentFacts>,
    ) -> PolarsResult<Vec<Self>> {
        let c = Columns::new(projection);
        let contract = c.text("contract")?;
        let commitment = c.text("commitment")?;
        let committed = c.minor("committed")?;
        let spent = c.minor("spent")?;
        let total = c.minor("projected_total")?;
        let low = c.minor("projected_low")?;
        let high = c.minor("projected_high")?;
        let shortfall = c.minor("projected_shortfall")?;
        let exhaustion = c.dates("exhaustion_date")?;
        let currency = |reference: &str| {
            facts
                .values()
                .find(|f| f.contract == reference)
                .map(|f| f.currency.to_string())
                .unwrap_or_default()
        };
        Ok((0..c.len())
            .filter_map(|i| {
                let term = facts.get(&(contract[i].clone(), commitment[i].clone()))?;
                Some(Self {
                    contract: contract[i].clone(),
                    commitment: commitment[i].clone(),
                    currency: currency(&contract[i]),
                    committed: committed[i].unwrap_or(0),
                    spent: spent[i].unwrap_or(0),
                    projected_total: total[i].unwrap_or(0),
                    projected_low: low[i].unwrap_or(0),
                    projected_high: high[i].unwrap_or(0),
                    shortfall: shortfall[i].unwrap_or(0),
                    exhaustion: exhaustion[i],
                    start: term.start_date,
                    end: term.end_date,
                    plan_total: None,
                    plan_shortfall: None,
                })
            })
            .collect())
    }

    /// The plan-driven forecast of each commitment, from the `plan-forecast` report.
    pub fn add_plan(figures: &mut [Self], plan: &DataFrame) -> PolarsResult<()> {
        let c = Columns::new(plan);
        let (contract, commitment) = (c.text("contract")?, c.text("commitment")?);
        let (total, shortfall) = (c.minor("plan_total")?, c.minor("plan_shortfall")?);
        for f in figures.iter_mut() {
            if let Some(i) =
                (0..c.len()).find(|&i| contract[i] == f.contract && commitment[i] == f.commitment)
            {
                f.plan_total = total[i];
                f.plan_shortfall = shortfall[i];
            }
        }
        Ok(())
    }

    /// The shortfall by the delivery plan, or at the run-rate without a rate card (the plan
    /// cannot price the commitment).
    pub fn plan_or_run_rate_shortfall(&self) -> i64 {
        self.plan_shortfall.unwrap_or(self.shortfall)
    }

    /// The contract, and the commitment when it is not the contract's own.
    pub fn label(&self) -> String {
        if self.commitment == self.contract {
            self.contract.clone()
        } else {
            format!("{} / {}", self.contract, self.commitment)
        }
    }

    /// Straight-line spend by `day` if the commitment burned evenly over its term.
    pub fn on_pace(&self, day: NaiveDate) -> i64 {
        let term = (self.end - self.start).num_days().max(1) as i128;
        let elapsed = (day - self.start).num_days().clamp(0, term as i64) as i128;
        (self.committed as i128 * elapsed / term) as i64
    }
}

/// Sums per currency, in currency order.
pub fn per_currency(
    figures: &[CommitmentFigures],
    amount: impl Fn(&CommitmentFigures) -> i64,
) -> BTreeMap<String, i128> {
    domain::money::sum_per_currency(figures.iter().map(|f| (f.currency.clone(), amount(f))))
        .into_iter()
        .collect()
}

/// What a commitment model adds to the bill: a true-up owed for an ended interval, one
/// projected for a running interval, and on-demand spend after a prepaid pool runs out.
/// In the order the overview's card lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TrueUpPart {
    Overrun,
    Owed,
    Projected,
}

impl TrueUpPart {
    pub fn as_str(self) -> &'static str {
        match self {
            TrueUpPart::Owed => "owed",
            TrueUpPart::Overrun => "on-demand after exhaustion",
            TrueUpPart::Projected => "projected",
        }
    }
}

/// The `trueup` report summed per currency: the true-up in total (owed and projected), and
/// each part (zero parts included).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrueUpTotals {
    pub totals: BTreeMap<String, i128>,
    pub parts: BTreeMap<(String, TrueUpPart), i128>,
}

/// `currency_of` names each row's contract's currency.
pub fn true_up_totals(
    trueup: &DataFrame,
    currency_of: impl Fn(&str) -> String,
) -> PolarsResult<TrueUpTotals> {
    let c = Columns::new(trueup);
    let (contract, status) = (c.text("contract")?, c.text("status")?);
    let (true_up, overrun) = (c.minor("true_up")?, c.minor("overrun")?);
    let mut out = TrueUpTotals::default();
    for i in 0..c.len() {
        let currency = currency_of(&contract[i]);
        let part = if status[i] == "owed" {
            TrueUpPart::Owed
        } else {
            TrueUpPart::Projected
        };
        let amount = i128::from(true_up[i].unwrap_or(0));
        *out.parts.entry((currency.clone(), part)).or_default() += amount;
        *out.totals.entry(currency.clone()).or_default() += amount;
        *out.parts
            .entry((currency, TrueUpPart::Overrun))
            .or_default() += i128::from(overrun[i].unwrap_or(0));
    }
    Ok(out)
}

/// Planned and received capacity per resource, in millionths of its unit, from the
/// `slippage` report (a phase's plan counted once however many receipts it has).
pub fn capacity_by_resource(slippage: &DataFrame) -> PolarsResult<BTreeMap<String, (i64, i64)>> {
    let c = Columns::new(slippage);
    let (contract, phase, resource) = (c.text("contract")?, c.text("phase")?, c.text("resource")?);
    let (planned, received) = (
        c.micros("planned_quantity")?,
        c.micros("received_quantity")?,
    );
    let mut seen = HashSet::new();
    let mut totals: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for i in 0..c.len() {
        let entry = totals.entry(resource[i].clone()).or_default();
        if seen.insert((contract[i].clone(), phase[i].clone())) {
            entry.0 += planned[i].unwrap_or(0);
        }
        entry.1 += received[i].unwrap_or(0);
    }
    Ok(totals)
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn figures(currency: &str, committed: i64, spent: i64) -> CommitmentFigures {
        CommitmentFigures {
            contract: "C1".into(),
            commitment: "C1".into(),
            currency: currency.into(),
            committed,
            spent,
            projected_total: 0,
            projected_low: 0,
            projected_high: 0,
            shortfall: 0,
            exhaustion: None,
            start: d("2026-01-01"),
            end: d("2026-01-11"),
            plan_total: None,
            plan_shortfall: None,
        }
    }

    #[test]
    fn on_pace_is_the_straight_line_over_the_term() {
        let f = figures("USD", 1_000, 0);
        assert_eq!(f.on_pace(d("2025-12-01")), 0);
        // 4 of 10 days: 400.
        assert_eq!(f.on_pace(d("2026-01-05")), 400);
        assert_eq!(f.on_pace(d("2027-01-01")), 1_000);
    }

    #[test]
    fn totals_are_per_currency_and_pass_i64() {
        let all = [
            figures("USD", i64::MAX, 1),
            figures("USD", i64::MAX, 2),
            figures("EUR", 5, 3),
        ];
        let committed = per_currency(&all, |f| f.committed);
        assert_eq!(committed["USD"], i128::from(i64::MAX) * 2);
        assert_eq!(committed["EUR"], 5);
        assert_eq!(
            per_currency(&all, |f| f.spent)
                .into_iter()
                .collect::<Vec<_>>(),
            [("EUR".to_owned(), 3), ("USD".to_owned(), 3)]
        );
    }

    #[test]
    fn true_ups_are_summed_by_kind() {
        let frame = df!(
            "contract" => ["C1", "C1", "C2"],
            "status" => ["owed", "running", "running"],
            "true_up_e6" => [1_000_000i64, 2_500_000, 10_000],
            "overrun_e6" => [0i64, 0, 7_000_000],
        )
        .unwrap();
        let sums =
            true_up_totals(&frame, |c| if c == "C1" { "USD" } else { "EUR" }.into()).unwrap();
        // 1.00 owed + 2.50 projected in USD; 0.01 projected and 7.00 overrun in EUR (cents).
        assert_eq!(sums.totals["USD"], 350);
        assert_eq!(sums.totals["EUR"], 1);
        assert_eq!(sums.parts[&("USD".into(), TrueUpPart::Owed)], 100);
        assert_eq!(sums.parts[&("USD".into(), TrueUpPart::Projected)], 250);
        assert_eq!(sums.parts[&("USD".into(), TrueUpPart::Overrun)], 0);
        assert_eq!(sums.parts[&("EUR".into(), TrueUpPart::Overrun)], 700);
    }

    #[test]
    fn a_phase_plan_counts_once_however_many_receipts() {
        let frame = df!(
            "contract" => ["C1", "C1", "C2"],
            "phase" => ["p1", "p1", "p1"],
            "resource" => ["GB200", "GB200", "GB200"],
            "planned_quantity_micros" => [10_000_000i64, 10_000_000, 4_000_000],
            "received_quantity_micros" => [Some(6_000_000i64), Some(4_000_000), None],
        )
        .unwrap();
        let totals = capacity_by_resource(&frame).unwrap();
        assert_eq!(totals["GB200"], (14_000_000, 10_000_000));
    }
}
