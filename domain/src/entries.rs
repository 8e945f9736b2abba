//! The six kinds of ledger entry, each built from raw text by one `parse` that reports every
//! broken rule of the entry at once (a form shows them all; the importer lists them all).
//! References to other entries (vendor names, contract references, phases) are checked by the
//! store, which knows what exists; rules that need the referenced entry live here too.

use crate::date::{parse_iso_date, parse_period_start, Term};
use crate::error::{FieldError, InColumn};
use crate::text::{self, LABEL_MAX, NAME_MAX, NOTE_MAX};
use crate::{CommitmentModel, Currency, FulfillmentInterval, Money, Quantity, VendorKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Collects field errors while parsing so that every broken rule is reported, not just the first.
#[derive(Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    pub fn new() -> Self {
        Self { errors: Vec::new() }
    }

    pub fn field<T>(&mut self, column: &str, result: Result<T, String>) -> Option<T> {
        match result.in_column(column) {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, Vec<FieldError>> {
        match (self.errors.is_empty(), build()) {
            (true, Some(v)) => Ok(v),
            _ => Err(self.errors),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewVendor {
    pub name: String,
    pub kind: VendorKind,
}

crate::raw::raw_record!(RawVendor { name, kind });

impl NewVendor {
    pub fn parse(raw: &RawVendor<'_>) -> Result<Self, Vec<FieldError>> {
        let mut c = Checker::new();
        let name = c.field("name", text::required(raw.name, NAME_MAX));
        let kind = c.field("kind", VendorKind::parse(raw.kind));
        c.finish(|| {
            Some(Self {
                name: name?,
                kind: kind?,
            })
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewContract {
    pub reference: String,
    pub vendor: String,
    pub title: String,
    pub term: Term,
    pub currency: Currency,
    /// The contract's own commitment over its whole term; `None` (an empty amount) when its
    /// commitments are all given separately (see [`crate::commitment`]).
    pub committed: Option<Money>,
    pub commitment_model: CommitmentModel,
    pub fulfillment_interval: FulfillmentInterval,
    pub notes: String,
}

crate::raw::raw_record!(RawContract {
    reference,
    vendor,
    start_date,
    end_date,
    committed_amount,
    currency,
    title,
    commitment_model,
    fulfillment_interval,
    notes,
});

impl NewContract {
    pub fn parse(raw: &RawContract<'_>) -> Result<Self, Vec<FieldError>> {
        let mut c = Checker::new();
        let reference = c.field("reference", text::required(raw.reference, NAME_MAX));
        let vendor = c.field("vendor", text::required(raw.vendor, NAME_MAX));
        let start = c.field("start_date", parse_iso_date(raw.start_date));
        let end = c.field("end_date", parse_iso_date(raw.end_date));
        let term = match (start, end) {
            (Some(s), Some(e)) => c.field("end_date", Term::new(s, e)),
            _ => None,
        };
        let currency = c.field("currency", Currency::parse(raw.currency));
        let committed = currency.and_then(|cur| match raw.committed_amount.trim() {
            "" => Some(None),
            amount => c
                .field(
                    "committed_amount",
                    Money::parse_non_negative(amount, cur).and_then(crate::exact::within_limit),
                )
                .map(Some),
        });
        let title = c.field("title", text::optional(raw.title, LABEL_MAX));
        let model = c.field(
            "commitment_model",
            CommitmentModel::parse(raw.commitment_model),
        );
        let interval = c.field(
            "fulfillment_interval",
            FulfillmentInterval::parse(raw.fulfillment_interval),
        );
        let notes = c.field("notes", text::optional(raw.notes, NOTE_MAX));
        c.finish(|| {
            Some(Self {
                reference: reference?,
                vendor: vendor?,
                title: title?,
                term: term?,
                currency: currency?,
                committed: committed?,
                commitment_model: model?,
                fulfillment_interval: interval?,
                notes: notes?,
            })
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPhase {
    pub contract: String,
    pub phase: String,
    pub resource: String,
    pub region: String,
    pub planned_date: NaiveDate,
    /// Units of `resource` (GPUs of a kind; megawatts when the resource is `MW`).
    pub planned_quantity: Quantity,
    /// The power the phase brings, in MW, where the contract states it beside the GPUs.
    #[serde(default)]
    pub planned_power: Option<Quantity>,
}

crate::raw::raw_record!(RawPhase {
    contract,
    phase,
    resource,
    region,
    planned_date,
    planned_quantity,
    planned_power_mw,
});

impl NewPhase {
    pub fn parse(raw: &RawPhase<'_>) -> Result<Self, Vec<FieldError>> {
        let mut c = Checker::new();
        let contract = c.field("contract", text::required(raw.contract, NAME_MAX));
        let phase = c.field("phase", text::required(raw.phase, NAME_MAX));
        let resource = c.field("resource", text::required(raw.resource, LABEL_MAX));
        let region = c.field("region", text::optional(raw.region, LABEL_MAX));
        let planned_date = c.field("planned_date", parse_iso_date(raw.planned_date));
        let planned_quantity = c.field("planned_quantity", Quantity::parse(raw.planned_quantity));
        let planned_power = c.field(
            "planned_power_mw",
            Quantity::parse_optional(raw.planned_power_mw),
        );
        c.finish(|| {
            Some(Self {
                contract: contract?,
                phase: phase?,
                resource: resource?,
                region: region?,
                planned_date: planned_date?,
                planned_quantity: planned_quantity?,
                planned_power: planned_power?,
            })
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewReceipt {
    pub contract: String,
    pub phase: String,
    pub date: NaiveDate,
    pub quantity: Quantity,
    pub note: String,
    /// The power delivered, in MW, where stated (blank: the phase's power pro rata).
    #[serde(default)]
    pub power: Option<Quantity>,
}

crate::raw::raw_record!(RawReceipt {
    contract,
    phase,
    date,
    quantity,
    note,
    power_mw,
});

impl NewReceipt {
    pub fn parse(raw: &RawReceipt<'_>) -> Result<Self, Vec<FieldError>> {
        let mut c = Checker::new();
        let contract = c.field("contract", text::required(raw.contract, NAME_MAX));
        let phase = c.field("phase", text::required(raw.phase, NAME_MAX));
        let date = c.field("date", parse_iso_date(raw.date));
        let quantity = c.field("quantity", Quantity::parse(raw.quantity));
        let note = c.field("note", text::optional(raw.note, NOTE_MAX));
        let power = c.field("power_mw", Quantity::parse_optional(raw.power_mw));
        c.finish(|| {
            Some(Self {
                contract: contract?,
                phase: phase?,
                date: date?,
                quantity: quantity?,
                note: note?,
                power: power?,
            })
        })
    }
}

/// Spend burned against a commitment. The currency is the contract's, so the amount is held in
/// minor units until the contract is known. Negative amounts are credits or corrections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUsage {
    /// The contract the spend burns; `None` for spend under no contract (on-demand), which
    /// counts in the vendor's totals and the infra-to-revenue ratio but in no burn-down.
    pub contract: Option<String>,
    /// The vendor billed: required without a contract, and the contract's vendor with one.
    pub vendor: Option<String>,
    /// The contract's when omitted; required without a contract.
    pub currency: Option<Currency>,
    pub date: NaiveDate,
    /// Exact: millionths of the currency unit (see [`crate::exact`]); negative for credits.
    pub amount_e6: i64,
    /// Signed: refunds and reversals carry a negative quantity.
    pub quantity: Quantity,
    pub unit: String,
    pub sku: String,
    /// The contract's commitment it is applied to, when the source names one; otherwise the
    /// only commitment whose period and scope hold it (see [`crate::commitment::apply`]).
    pub commitment: Option<String>,
}

crate::raw::raw_record!(RawUsage {
    contract,
    vendor,
    currency,
    date,
    amount,
    quantity,
    unit,
    sku,
    commitment,
});

impl NewUsage {
    pub fn parse(raw: &RawUsage<'_>) -> Result<Self, Vec<FieldError>> {
        let mut c = Checker::new();
        let contract = c.field("contract", text::optional(raw.contract, NAME_MAX));
        let vendor = c.field("vendor", text::optional(raw.vendor, NAME_MAX));
        if let (Some(contract), Some(vendor)) = (&contract, &vendor) {
            if contract.is_empty() && vendor.is_empty() {
                c.field::<()>(
                    "contract",
                    Err("is required (or name a vendor, for spend under no contract)".to_owned()),
                );
            }
        }
        let currency = match raw.currency.trim() {
            "" => Some(None),
            code => c.field("currency", Currency::parse(code)).map(Some),
        };
        let date = c.field("date", parse_iso_date(raw.date));
        let amount = c.field("amount", crate::exact::parse(raw.amount));
        let quantity = c.field("quantity", Quantity::parse_signed(raw.quantity));
        let unit = c.field("unit", text::required(raw.unit, LABEL_MAX));
        let sku = c.field("sku", text::optional(raw.sku, LABEL_MAX));
        let commitment = c.field("commitment", text::optional(raw.commitment, NAME_MAX));
        if contract.as_deref() == Some("") && commitment.as_deref().is_some_and(|k| !k.is_empty()) {
            c.field::<()>(
                "commitment",
                Err("needs a contract (a commitment belongs to one)".to_owned()),
            );
        }
        let some = |s: String| (!s.is_empty()).then_some(s);
        c.finish(|| {
            Some(Self {
                contract: some(contract?),
                vendor: some(vendor?),
                currency: currency?,
                date: date?,
                amount_e6: amount?,
                quantity: quantity?,
                unit: unit?,
                sku: sku?,
                commitment: some(commitment?),
            })
        })
    }

    /// The vendor and currency the entry is recorded under. `contract` is the named contract's
    /// (vendor id, currency, term), `vendor_id` the named vendor's; the caller has already
    /// refused names the ledger does not hold.
    pub fn placement(
        &self,
        contract: Option<(i64, Currency, &Term)>,
        vendor_id: Option<i64>,
    ) -> Result<(i64, Currency), Vec<FieldError>> {
        let mut errors = Vec::new();
        let placed = match contract {
            Some((contract_vendor, contract_currency, term)) => {
                if vendor_id.is_some_and(|v| v != contract_vendor) {
                    errors.push(FieldError::new(
                        "vendor",
                        format!(
                            "is not the vendor of contract {}",
                            self.contract.as_deref().unwrap_or_default()
                        ),
                    ));
                }
                if let Some(currency) = self.currency.filter(|c| *c != contract_currency) {
                    errors.push(FieldError::new(
                        "currency",
                        format!(
                            "is {currency} but contract {} is in {contract_currency}",
                            self.contract.as_deref().unwrap_or_default()
                        ),
                    ));
                }
                if let Err(e) = self.check_within_term(term) {
                    errors.push(e);
                }
                Some((contract_vendor, contract_currency))
            }
            None => {
                let currency = self.currency;
                if currency.is_none() {
                    errors.push(FieldError::new(
                        "currency",
                        "is required for spend under no contract",
                    ));
                }
                if vendor_id.is_none() {
                    errors.push(FieldError::new(
                        "vendor",
                        "is required for spend under no contract",
                    ));
                }
                vendor_id.zip(currency)
            }
        };
        match placed {
            Some(placed) if errors.is_empty() => Ok(placed),
            _ => Err(errors),
        }
    }

    /// Usage counts against a contract only inside its term (inclusive).
    pub fn check_within_term(&self, term: &Term) -> Result<(), FieldError> {
        if term.contains(self.date) {
            return Ok(());
        }
        Err(FieldError::new(
            "date",
            format!(
                "{} is outside contract {}'s term {}..{}",
                self.date,
                self.contract.as_deref().unwrap_or_default(),
                term.start(),
                term.end()
            ),
        ))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRevenue {
    pub period_start: NaiveDate,
    pub amount: Money,
}

crate::raw::raw_record!(RawRevenue {
    period_start,
    amount,
    currency,
});

impl NewRevenue {
    pub fn parse(raw: &RawRevenue<'_>) -> Result<Self, Vec<FieldError>> {
        let mut c = Checker::new();
        let period_start = c.field("period_start", parse_period_start(raw.period_start));
        let currency = c.field("currency", Currency::parse(raw.currency));
        let amount = currency.and_then(|cur| {
            c.field(
                "amount",
                Money::parse_non_negative(raw.amount, cur).and_then(crate::exact::within_limit),
            )
        });
        c.finish(|| {
            Some(Self {
                period_start: period_start?,
                amount: amount?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contract<'a>() -> RawContract<'a> {
        RawContract {
            reference: "AWS-2025-001",
            vendor: "AWS",
            start_date: "2025-11-03",
            end_date: "2032-11-02",
            committed_amount: "38000000000.00",
            currency: "USD",
            title: "",
            commitment_model: "",
            fulfillment_interval: "annual",
            notes: "",
        }
    }

    fn columns(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.column).collect()
    }

    #[test]
    fn a_valid_contract_gets_defaults() {
        let c = NewContract::parse(&contract()).unwrap();
        assert_eq!(c.committed.map(|m| m.minor()), Some(3_800_000_000_000));
        assert_eq!(c.commitment_model, CommitmentModel::BuildUp);
        assert_eq!(c.fulfillment_interval, FulfillmentInterval::Annual);
    }

    #[test]
    fn a_contract_reports_every_broken_rule() {
        let raw = RawContract {
            end_date: "2025-01-01",
            committed_amount: "-5",
            currency: "usd",
            ..contract()
        };
        let errs = columns(NewContract::parse(&raw).unwrap_err());
        assert_eq!(errs, ["end_date", "currency"]);
        let raw = RawContract {
            committed_amount: "-5",
            ..contract()
        };
        assert_eq!(
            columns(NewContract::parse(&raw).unwrap_err()),
            ["committed_amount"]
        );
    }

    #[test]
    fn usage_rejects_bad_fields_and_dates_outside_the_term() {
        let raw = RawUsage {
            contract: "C1",
            vendor: "",
            currency: "",
            date: "2026-01-05",
            // Seven places: finer than the ledger keeps. A negative quantity is a refund.
            amount: "1.2345678",
            quantity: "-1.0000001",
            unit: "",
            sku: "x",
            commitment: "",
        };
        assert_eq!(
            columns(NewUsage::parse(&raw).unwrap_err()),
            ["amount", "quantity", "unit"]
        );
        let refund = NewUsage::parse(&RawUsage {
            amount: "-0.015907",
            quantity: "-2.5",
            unit: "h",
            ..raw
        })
        .unwrap();
        assert_eq!(
            (refund.amount_e6, refund.quantity.micros()),
            (-15_907, -2_500_000)
        );
        let neither = NewUsage::parse(&RawUsage {
            contract: "",
            unit: "h",
            amount: "1",
            quantity: "1",
            ..raw
        })
        .unwrap_err();
        assert_eq!(columns(neither), ["contract"]);
        let ok = RawUsage {
            amount: "-12.50",
            quantity: "10",
            unit: "gpu_hour",
            ..raw
        };
        let usage = NewUsage::parse(&ok).unwrap();
        assert_eq!(usage.amount_e6, -12_500_000, "credits are signed amounts");
        let d = |s| parse_iso_date(s).unwrap();
        assert!(usage
            .check_within_term(&Term::new(d("2026-01-01"), d("2026-12-31")).unwrap())
            .is_ok());
        let err = usage
            .check_within_term(&Term::new(d("2026-02-01"), d("2026-12-31")).unwrap())
            .unwrap_err();
        assert!(err.reason.contains("outside contract C1's term"), "{err}");
    }

    #[test]
    fn revenue_is_monthly_and_non_negative() {
        let raw = RawRevenue {
            period_start: "2026-01-15",
            amount: "-1",
            currency: "USD",
        };
        assert_eq!(
            columns(NewRevenue::parse(&raw).unwrap_err()),
            ["period_start", "amount"]
        );
    }

    #[test]
    fn phases_and_receipts_need_names_and_quantities() {
        let raw = RawPhase {
            contract: "C1",
            phase: " ",
            resource: "GB200",
            region: "",
            planned_date: "2026-12-31",
            planned_quantity: "1.5",
            planned_power_mw: "",
        };
        assert_eq!(columns(NewPhase::parse(&raw).unwrap_err()), ["phase"]);
        let raw = RawReceipt {
            contract: "C1",
            phase: "P1",
            date: "2026-13-01",
            quantity: "abc",
            note: "",
            power_mw: "-2",
        };
        assert_eq!(
            columns(NewReceipt::parse(&raw).unwrap_err()),
            ["date", "quantity", "power_mw"]
        );
    }

    #[test]
    fn vendors_default_to_other() {
        let v = NewVendor::parse(&RawVendor {
            name: "Lambda",
            kind: "",
        })
        .unwrap();
        assert_eq!(v.kind, VendorKind::Other);
    }
}
