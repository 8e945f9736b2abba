//! A commitment inside a contract: what the company promised to spend or consume, over which
//! period, how it is measured, and which spend counts towards it.
//!
//! A contract (the agreement) holds one or more commitments. The one whose reference equals
//! the contract's is the contract's own: `contracts.csv` and the contract form edit it, so a
//! contract file keeps meaning "a contract with one commitment". Further commitments come from
//! `commitments.csv`, a FOCUS contract commitment dataset, or the contract page.

use crate::date::{parse_iso_date, Term};
use crate::entries::Checker;
use crate::error::FieldError;
use crate::text::{self, LABEL_MAX, NAME_MAX};
use crate::{CommitmentModel, Currency, FulfillmentInterval, Money, Quantity};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use crate::kinds::CommitmentCategory;

/// Which spend counts towards a commitment: SKU prefixes, compared without case. Empty: all
/// of the contract's spend in the commitment's period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope(Vec<String>);

impl Scope {
    pub const SEPARATOR: char = ';';

    /// `"p5.;g6."` is two prefixes; blanks between separators are ignored.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let prefixes: Vec<String> = raw
            .split(Self::SEPARATOR)
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_lowercase)
            .collect();
        if raw.len() > LABEL_MAX * 4 {
            return Err(format!("is longer than {} characters", LABEL_MAX * 4));
        }
        Ok(Self(prefixes))
    }

    pub fn is_all(&self) -> bool {
        self.0.is_empty()
    }

    pub fn admits(&self, sku: &str) -> bool {
        self.is_all() || {
            let sku = sku.to_lowercase();
            self.0.iter().any(|p| sku.starts_with(p.as_str()))
        }
    }

    /// As stored and written to CSV.
    pub fn as_text(&self) -> String {
        self.0.join(&Self::SEPARATOR.to_string())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCommitment {
    pub contract: String,
    /// Unique within the contract.
    pub reference: String,
    pub category: CommitmentCategory,
    /// Required for a spend commitment; optional (zero) for a usage one.
    pub committed: Money,
    /// A usage commitment's quantity and unit (GPU-hours, say).
    pub quantity: Option<Quantity>,
    pub unit: String,
    pub model: CommitmentModel,
    pub interval: FulfillmentInterval,
    pub period: Term,
    pub scope: Scope,
}

crate::raw::raw_record!(RawCommitment {
    contract,
    commitment,
    category,
    committed_amount,
    quantity,
    unit,
    commitment_model,
    fulfillment_interval,
    start_date,
    end_date,
    scope,
});

impl NewCommitment {
    /// `currency` is the contract's (a commitment is in its contract's currency).
    pub fn parse(raw: &RawCommitment<'_>, currency: Currency) -> Result<Self, Vec<FieldError>> {
        let mut c = Checker::new();
        let contract = c.field("contract", text::required(raw.contract, NAME_MAX));
        let reference = c.field("commitment", text::required(raw.commitment, NAME_MAX));
        let category = c.field("category", CommitmentCategory::parse(raw.category));
        let committed = match (category, raw.committed_amount.trim()) {
            (Some(CommitmentCategory::Usage), "") => Some(Money::from_minor(0, currency)),
            (Some(CommitmentCategory::Spend), "") => c.field(
                "committed_amount",
                Err("is required for a spend commitment".to_owned()),
            ),
            (_, amount) => c.field(
                "committed_amount",
                Money::parse_non_negative(amount, currency).and_then(crate::exact::within_limit),
            ),
        };
        let quantity = match (category, raw.quantity.trim()) {
            (Some(CommitmentCategory::Usage), "") => c.field(
                "quantity",
                Err("is required for a usage commitment (how much is to be consumed)".to_owned()),
            ),
            (Some(CommitmentCategory::Usage), q) => {
                c.field("quantity", Quantity::parse(q)).map(Some)
            }
            (_, "") => Some(None),
            (_, _) => c.field(
                "quantity",
                Err("is only for a usage commitment; a spend commitment is an amount".to_owned()),
            ),
        };
        let unit = match (category, raw.unit.trim()) {
            (Some(CommitmentCategory::Usage), "") => c.field(
                "unit",
                Err("is required for a usage commitment (GPU-hours, say)".to_owned()),
            ),
            (_, unit) => c.field("unit", text::optional(unit, LABEL_MAX)),
        };
        let model = c.field(
            "commitment_model",
            CommitmentModel::parse(raw.commitment_model),
        );
        let interval = c.field(
            "fulfillment_interval",
            FulfillmentInterval::parse(raw.fulfillment_interval),
        );
        let start = c.field("start_date", parse_iso_date(raw.start_date));
        let end = c.field("end_date", parse_iso_date(raw.end_date));
        let period = match (start, end) {
            (Some(s), Some(e)) => c.field("end_date", Term::new(s, e)),
            _ => None,
        };
        // Free text first (no control characters: PostgreSQL refuses a NUL in text); a scope
        // already stored is read with `Scope::parse` alone.
        let scope = c.field(
            "scope",
            text::optional(raw.scope, LABEL_MAX * 4).and_then(|s| Scope::parse(&s)),
        );
        c.finish(|| {
            Some(Self {
                contract: contract?,
                reference: reference?,
                category: category?,
                committed: committed?,
                quantity: quantity?,
                unit: unit?,
                model: model?,
                interval: interval?,
                period: period?,
                scope: scope?,
            })
        })
    }

    /// A commitment runs inside its contract's term.
    pub fn check_within(&self, term: &Term) -> Result<(), FieldError> {
        if term.contains(self.period.start()) && term.contains(self.period.end()) {
            return Ok(());
        }
        Err(FieldError::new(
            "start_date",
            format!(
                "{}..{} is not inside contract {}'s term {}..{}",
                self.period.start(),
                self.period.end(),
                self.contract,
                term.start(),
                term.end()
            ),
        ))
    }
}

/// What a usage entry needs to find its commitment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applicable {
    pub id: i64,
    pub reference: String,
    pub period: Term,
    pub scope: Scope,
}

/// The commitment a usage entry of the contract is applied to: the one it names, or else the
/// only one whose period and scope hold it. `Ok(None)`: none or several hold it, so the spend
/// counts for the contract and vendor but burns no commitment. Naming a commitment the
/// contract does not hold, or one whose period misses the date, is an error.
pub fn apply(
    commitments: &[Applicable],
    named: Option<&str>,
    date: NaiveDate,
    sku: &str,
) -> Result<Option<i64>, FieldError> {
    if let Some(name) = named {
        let Some(k) = commitments.iter().find(|k| k.reference == name) else {
            let known: Vec<&str> = commitments.iter().map(|k| k.reference.as_str()).collect();
            return Err(FieldError::new(
                "commitment",
                format!(
                    "{name:?} is not a commitment of this contract (it has {})",
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                ),
            ));
        };
        if !k.period.contains(date) {
            return Err(FieldError::new(
                "date",
                format!(
                    "{date} is outside commitment {name}'s period {}..{}",
                    k.period.start(),
                    k.period.end()
                ),
            ));
        }
        return Ok(Some(k.id));
    }
    let mut holding = commitments
        .iter()
        .filter(|k| k.period.contains(date) && k.scope.admits(sku));
    match (holding.next(), holding.next()) {
        (Some(k), None) => Ok(Some(k.id)),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn usd() -> Currency {
        Currency::parse("USD").unwrap()
    }

    fn raw<'a>(
        category: &'a str,
        amount: &'a str,
        quantity: &'a str,
        unit: &'a str,
    ) -> RawCommitment<'a> {
        RawCommitment {
            contract: "AWS-2026",
            commitment: "gpu-hours",
            category,
            committed_amount: amount,
            quantity,
            unit,
            commitment_model: "",
            fulfillment_interval: "quarterly",
            start_date: "2026-04-01",
            end_date: "2027-03-31",
            scope: " p5. ; ; G6.",
        }
    }

    #[test]
    fn a_usage_commitment_needs_a_quantity_and_unit_and_may_omit_the_amount() {
        let k = NewCommitment::parse(&raw("usage", "", "1000000", "GPU-hours"), usd()).unwrap();
        assert_eq!(k.committed.minor(), 0);
        assert_eq!(k.quantity.map(|q| q.micros()), Some(1_000_000_000_000));
        assert_eq!(k.interval, FulfillmentInterval::Quarterly);
        assert_eq!(k.scope.as_text(), "p5.;g6.");
        let err = NewCommitment::parse(&raw("usage", "", "", ""), usd()).unwrap_err();
        let fields: Vec<&str> = err.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(fields, ["quantity", "unit"]);
    }

    #[test]
    fn a_spend_commitment_needs_an_amount_and_takes_no_quantity() {
        let err = NewCommitment::parse(&raw("spend", "", "5", ""), usd()).unwrap_err();
        let fields: Vec<&str> = err.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(fields, ["committed_amount", "quantity"]);
        let k = NewCommitment::parse(&raw("", "12.34", "", ""), usd()).unwrap();
        assert_eq!(
            (k.category, k.committed.minor()),
            (CommitmentCategory::Spend, 1234)
        );
    }

    fn applicable(id: i64, reference: &str, from: &str, to: &str, scope: &str) -> Applicable {
        Applicable {
            id,
            reference: reference.into(),
            period: Term::new(d(from), d(to)).unwrap(),
            scope: Scope::parse(scope).unwrap(),
        }
    }

    #[test]
    fn spend_applies_to_the_only_commitment_holding_it() {
        let ks = [
            applicable(1, "minimum", "2026-01-01", "2026-12-31", ""),
            applicable(2, "compute", "2027-01-01", "2027-12-31", "p5."),
            applicable(3, "storage", "2027-01-01", "2027-12-31", "s3"),
        ];
        assert_eq!(apply(&ks, None, d("2026-06-01"), "anything"), Ok(Some(1)));
        assert_eq!(
            apply(&ks, None, d("2027-06-01"), "P5.48xlarge"),
            Ok(Some(2))
        );
        // In 2027 an EC2 Lambda SKU is in no commitment's scope: unapplied, not refused.
        assert_eq!(apply(&ks, None, d("2027-06-01"), "lambda"), Ok(None));
        assert_eq!(
            apply(&ks, Some("storage"), d("2027-06-01"), "lambda"),
            Ok(Some(3))
        );
        assert_eq!(
            apply(&ks, Some("storage"), d("2026-06-01"), "s3")
                .unwrap_err()
                .column,
            "date"
        );
        assert_eq!(
            apply(&ks, Some("nope"), d("2026-06-01"), "s3")
                .unwrap_err()
                .column,
            "commitment"
        );
    }

    #[test]
    fn overlapping_commitments_leave_spend_unapplied() {
        let ks = [
            applicable(1, "a", "2026-01-01", "2026-12-31", ""),
            applicable(2, "b", "2026-06-01", "2026-12-31", ""),
        ];
        assert_eq!(apply(&ks, None, d("2026-03-01"), "x"), Ok(Some(1)));
        assert_eq!(apply(&ks, None, d("2026-07-01"), "x"), Ok(None));
    }
}
