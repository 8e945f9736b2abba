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
    /// `build_up` or `burn_down` (DOMAIN.md "Commitment models").
    pub commitment_model: String,
    /// `term` or `annual`.
    pub fulfillment_interval: String,
}

/// Usage per contract and day, one entry per (contract, day) with usage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DailyUsage {
    pub contract_id: Vec<i64>,
    pub date: Vec<NaiveDate>,
    pub amount_minor: Vec<i64>,
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
    pub contracts: Vec<ContractFacts>,
    pub usage: DailyUsage,
    pub revenue: MonthlyRevenue,
    pub phases: Vec<PhaseFacts>,
    pub receipts: Vec<ReceiptFacts>,
}
