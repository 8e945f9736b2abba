//! Read models shared by the server and the browser (plain serde, no database types).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{Currency, Money};

/// One line of the contracts list: the commitment and how much of it is burned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractOverview {
    pub reference: String,
    pub vendor: String,
    pub title: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub currency: Currency,
    pub committed_minor: i64,
    pub burned_minor: i64,
    pub archived: bool,
}

impl ContractOverview {
    pub fn committed(&self) -> Money {
        Money::from_minor(self.committed_minor, self.currency)
    }

    pub fn burned(&self) -> Money {
        Money::from_minor(self.burned_minor, self.currency)
    }

    pub fn remaining(&self) -> Money {
        Money::from_minor(self.committed_minor - self.burned_minor, self.currency)
    }

    /// Share of the commitment burned, 0.0 when nothing is committed.
    pub fn burned_share(&self) -> f64 {
        if self.committed_minor == 0 {
            0.0
        } else {
            self.burned_minor as f64 / self.committed_minor as f64
        }
    }
}

/// One page of a longer list, and how many rows the whole list has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

impl<T> Page<T> {
    pub fn page_count(&self) -> u64 {
        self.total.div_ceil(self.page_size.max(1)).max(1)
    }
}

/// Contracts are few (tens, not millions), so the list is filtered and totalled whole and then
/// cut into pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractList {
    pub page: Page<ContractOverview>,
    /// Committed and burned over every contract that matches the filter, per currency.
    pub totals: Vec<(Money, Money)>,
    pub vendors: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub contracts: i64,
    pub archived: bool,
}

/// Everything the contract page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractDetail {
    pub overview: ContractOverview,
    /// The contract's own commitment's terms (what the contract form edits); `None` when all
    /// its commitments were given separately.
    pub own_committed_minor: Option<i64>,
    pub commitment_model: String,
    pub fulfillment_interval: String,
    pub commitments: Vec<CommitmentRow>,
    pub notes: String,
    pub archived_at: Option<String>,
    pub phases: Vec<PhaseProgress>,
    pub recent_usage: Vec<UsageRow>,
    pub history: Vec<AuditRow>,
}

/// One commitment of a contract and how far it is fulfilled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitmentRow {
    pub reference: String,
    /// The contract's own commitment (edited with the contract).
    pub own: bool,
    pub category: String,
    pub committed: Money,
    /// Spend applied to it (rounded once, here).
    pub applied: Money,
    /// Spend of the contract in its period that its scope kept out.
    pub not_counted: Money,
    pub quantity_micros: Option<i64>,
    pub applied_quantity_micros: i64,
    pub unit: String,
    pub commitment_model: String,
    pub fulfillment_interval: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub scope: String,
}

impl CommitmentRow {
    pub fn remaining(&self) -> Money {
        Money::from_minor(
            self.committed.minor() - self.applied.minor(),
            self.committed.currency(),
        )
    }

    /// How much of it is fulfilled: by quantity for a usage commitment, else by amount.
    pub fn fulfilled_share(&self) -> f64 {
        match self.quantity_micros {
            Some(q) if q > 0 => self.applied_quantity_micros as f64 / q as f64,
            _ if self.committed.minor() > 0 => {
                self.applied.minor() as f64 / self.committed.minor() as f64
            }
            _ => 0.0,
        }
    }
}

/// A planned delivery and what has arrived against it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseProgress {
    pub contract: String,
    pub vendor: String,
    pub phase: String,
    pub resource: String,
    pub region: String,
    pub planned_date: NaiveDate,
    pub planned_micros: i64,
    /// The power the phase states beside its GPUs, in millionths of a MW.
    #[serde(default)]
    pub planned_power_micros: Option<i64>,
    pub received_micros: i64,
    pub receipts: Vec<ReceiptRow>,
}

impl PhaseProgress {
    /// The power planned (a power phase's quantity, or the power a GPU phase states).
    pub fn power_micros(&self) -> Option<i64> {
        crate::capacity::phase_power_micros(
            &self.resource,
            self.planned_micros,
            self.planned_power_micros,
        )
    }

    /// The power delivered so far: each receipt's, stated or pro rata.
    pub fn received_power_micros(&self) -> Option<i64> {
        self.power_micros()?;
        Some(
            self.receipts
                .iter()
                .filter_map(|r| {
                    crate::capacity::receipt_power_micros(
                        &self.resource,
                        self.planned_micros,
                        self.planned_power_micros,
                        r.quantity_micros,
                        r.power_micros,
                    )
                })
                .sum(),
        )
    }

    pub fn outstanding_micros(&self) -> i64 {
        (self.planned_micros - self.received_micros).max(0)
    }

    /// Over-receipt is allowed (vendors ship extra) but shown, so someone can check the invoice.
    pub fn over_received_micros(&self) -> Option<i64> {
        (self.received_micros > self.planned_micros)
            .then(|| self.received_micros - self.planned_micros)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptRow {
    pub id: i64,
    pub date: NaiveDate,
    pub quantity_micros: i64,
    pub note: String,
    /// The power the receipt states it delivered, in millionths of a MW.
    #[serde(default)]
    pub power_micros: Option<i64>,
    /// Days after the planned date; 0 when on time or early.
    pub days_late: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageRow {
    pub id: i64,
    /// `None` for spend under no contract.
    pub contract: Option<String>,
    pub vendor: String,
    pub date: NaiveDate,
    /// Exact, in millionths (see [`crate::exact`]).
    pub amount_e6: i64,
    pub currency: Currency,
    pub quantity_micros: i64,
    pub unit: String,
    pub sku: String,
    /// The commitment it is applied to; `None`: none.
    pub commitment: Option<String>,
}

impl UsageRow {
    /// Every place the provider billed, grouped: "0.015907 USD", "1,234.50 USD".
    pub fn amount_display(&self) -> String {
        format!(
            "{} {}",
            crate::money::group_thousands(&crate::exact::format_full(self.amount_e6)),
            self.currency
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevenueRow {
    pub id: i64,
    pub period_start: NaiveDate,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    pub at: String,
    pub actor: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub action: String,
    /// Fields whose value differs, `(field, before, after)`; everything for a create.
    pub changes: Vec<(String, String, String)>,
}

/// What the upload endpoint answers: the files imported (or checked), a preview of the first
/// rows, and on rejection every bad row as `file:line: column: reason`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ImportOutcome {
    pub imported: bool,
    pub dry_run: bool,
    pub message: String,
    pub rows: u64,
    pub header: Vec<String>,
    pub preview: Vec<Vec<String>>,
    pub errors: Vec<String>,
    pub omitted: u64,
}

/// A month closed for the books (its first day), when and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedPeriod {
    pub month: NaiveDate,
    pub closed_at: chrono::DateTime<chrono::Utc>,
    pub closed_by: String,
}

/// A vendor statement against the ledger: what each side says was consumed up to `as_of`.
/// `difference` is ledger minus vendor; `entries_from`..`as_of` is the period since the
/// previous statement (or the contract's start), where a difference would come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reconciliation {
    pub id: i64,
    pub as_of: NaiveDate,
    pub vendor_consumed: Money,
    pub ledger_consumed: Money,
    pub difference: Money,
    pub tolerance: Money,
    pub agrees: bool,
    pub note: String,
    pub entries_from: NaiveDate,
}
