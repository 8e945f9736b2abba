//! What the reports read from the ledger: contracts, usage summed per contract and day, and
//! revenue per month. Columnar and plain, so the store can fill it without knowing the
//! analytics engine and the analytics can read it without knowing the database.

use crate::Currency;

use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractFacts {
    pub id: i64,
    pub reference: String,
    pub vendor: String,
    pub committed_minor: i64,
    pub currency: Currency,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// `build_up` or `burn_down` (see `CommitmentModel`).
    pub commitment_model: String,
    /// `term` or `annual`.
    pub fulfillment_interval: String,
}

/// Usage per vendor, contract and day: one entry per (contract, day) with usage, and per
/// (vendor, day) for spend under no contract (`contract_id` `None`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DailyUsage {
    pub vendor_id: Vec<i64>,
    pub contract_id: Vec<Option<i64>>,
    pub date: Vec<NaiveDate>,
    /// Exact sums, in millionths (see [`crate::exact`]).
    pub amount_e6: Vec<i64>,
}

impl DailyUsage {
    pub fn push(
        &mut self,
        vendor_id: i64,
        contract_id: Option<i64>,
        date: NaiveDate,
        amount_e6: i64,
    ) {
        self.vendor_id.push(vendor_id);
        self.contract_id.push(contract_id);
        self.date.push(date);
        self.amount_e6.push(amount_e6);
    }

    pub fn len(&self) -> usize {
        self.date.len()
    }

    pub fn is_empty(&self) -> bool {
        self.date.is_empty()
    }
}

/// Revenue per month (first day of the month).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthlyRevenue {
    pub period_start: Vec<NaiveDate>,
    pub amount_minor: Vec<i64>,
}

/// A delivery phase: what the contract promises, by when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseFacts {
    pub contract: String,
    pub phase: String,
    pub resource: String,
    pub planned_date: NaiveDate,
    pub planned_quantity_micros: i64,
}

/// A delivery receipt: what arrived, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptFacts {
    pub contract: String,
    pub phase: String,
    pub date: NaiveDate,
    pub quantity_micros: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerSnapshot {
    /// Every vendor by id, for spend under no contract.
    pub vendors: Vec<(i64, String)>,
    pub contracts: Vec<ContractFacts>,
    pub usage: DailyUsage,
    pub revenue: MonthlyRevenue,
    pub phases: Vec<PhaseFacts>,
    pub receipts: Vec<ReceiptFacts>,
}
