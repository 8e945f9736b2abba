//! What the reports read from the ledger: contracts, usage summed per contract and day, and
//! revenue per month. Columnar and plain, so the store can fill it without knowing the
//! analytics engine and the analytics can read it without knowing the database.

use crate::kinds::CommitmentCategory;
use crate::{CommitmentModel, Currency, FulfillmentInterval};

use chrono::NaiveDate;

/// A contract, with commitments or without.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractFacts {
    pub id: i64,
    pub reference: String,
    pub vendor: String,
    pub currency: Currency,
}

/// One commitment of a contract, with the contract's reference, vendor and currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitmentFacts {
    /// The contract's id.
    pub contract_id: i64,
    pub commitment_id: i64,
    pub contract: String,
    /// The commitment's reference, unique within the contract.
    pub commitment: String,
    pub vendor: String,
    pub category: CommitmentCategory,
    /// A usage commitment's amount is optional: zero when it has none.
    pub committed_minor: i64,
    /// A usage commitment's quantity, in millionths of its unit.
    pub quantity_micros: Option<i64>,
    pub unit: String,
    pub currency: Currency,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub commitment_model: CommitmentModel,
    pub fulfillment_interval: FulfillmentInterval,
    /// Whether a scope limits which of the contract's spend counts.
    pub scoped: bool,
}

/// Usage per vendor, contract, commitment and day: spend under no contract has `contract_id`
/// `None` and its own `currency` (spend under a contract is in the contract's, `None` here),
/// spend applied to no commitment `commitment_id` `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DailyUsage {
    pub vendor_id: Vec<i64>,
    pub contract_id: Vec<Option<i64>>,
    pub commitment_id: Vec<Option<i64>>,
    pub currency: Vec<Option<Currency>>,
    pub date: Vec<NaiveDate>,
    /// Exact sums, in millionths (see [`crate::exact`]).
    pub amount_e6: Vec<i64>,
    /// Signed sums of the entries' quantities, in millionths of their unit.
    pub quantity_micros: Vec<i64>,
}

/// One day's sum for [`DailyUsage::push`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DaySum {
    pub vendor_id: i64,
    pub contract_id: Option<i64>,
    pub commitment_id: Option<i64>,
    pub currency: Option<Currency>,
    pub date: NaiveDate,
    pub amount_e6: i64,
    pub quantity_micros: i64,
}

impl DailyUsage {
    pub fn push(&mut self, day: DaySum) {
        self.vendor_id.push(day.vendor_id);
        self.contract_id.push(day.contract_id);
        self.commitment_id.push(day.commitment_id);
        self.currency.push(day.currency);
        self.date.push(day.date);
        self.amount_e6.push(day.amount_e6);
        self.quantity_micros.push(day.quantity_micros);
    }

    /// The `i`th row.
    pub fn day(&self, i: usize) -> DaySum {
        DaySum {
            vendor_id: self.vendor_id[i],
            contract_id: self.contract_id[i],
            commitment_id: self.commitment_id[i],
            currency: self.currency[i],
            date: self.date[i],
            amount_e6: self.amount_e6[i],
            quantity_micros: self.quantity_micros[i],
        }
    }

    /// The same rows in a canonical order (row order carries no meaning).
    pub fn sorted(&self) -> DailyUsage {
        let mut days: Vec<DaySum> = (0..self.len()).map(|i| self.day(i)).collect();
        days.sort();
        let mut sorted = DailyUsage::default();
        for day in days {
            sorted.push(day);
        }
        sorted
    }

    pub fn len(&self) -> usize {
        self.date.len()
    }

    pub fn is_empty(&self) -> bool {
        self.date.is_empty()
    }
}

/// Revenue per month (first day of the month), in its currency.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthlyRevenue {
    pub period_start: Vec<NaiveDate>,
    pub amount_minor: Vec<i64>,
    pub currency: Vec<Currency>,
}

/// A delivery phase: what the contract promises, by when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseFacts {
    pub contract: String,
    pub phase: String,
    pub resource: String,
    pub planned_date: NaiveDate,
    pub planned_quantity_micros: i64,
    /// The power the phase states beside its GPUs (see `capacity`).
    pub planned_power_micros: Option<i64>,
}

/// A delivery receipt: what arrived, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptFacts {
    pub contract: String,
    pub phase: String,
    pub date: NaiveDate,
    pub quantity_micros: i64,
    /// The power the receipt states it delivered.
    pub power_micros: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerSnapshot {
    /// Every vendor by id, for spend under no contract.
    pub vendors: Vec<(i64, String)>,
    /// Every contract, with commitments or without.
    pub contracts: Vec<ContractFacts>,
    /// Every commitment of every contract, in (contract, commitment) reference order.
    pub commitments: Vec<CommitmentFacts>,
    pub usage: DailyUsage,
    pub revenue: MonthlyRevenue,
    pub phases: Vec<PhaseFacts>,
    pub receipts: Vec<ReceiptFacts>,
    /// Every stored exchange rate.
    pub rates: Vec<crate::fx::Rate>,
    /// Every rate card, each in its contract's currency.
    pub rate_cards: Vec<crate::rate_card::RateCard>,
}
