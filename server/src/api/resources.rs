//! The API's resources as they go out: amounts as exact decimal strings beside their
//! currency (never a float), quantities as decimal strings, dates as ISO `YYYY-MM-DD`. These are
//! the public wire format, kept apart from the pages' view models so those can change freely.

use chrono::NaiveDate;
use domain::views::{
    CommitmentRow, ContractDetail, ContractOverview, PhaseProgress, ReceiptRow, RevenueRow,
    UsageRow, VendorRow,
};
use domain::{Money, Quantity};
use serde::Serialize;
use utoipa::ToSchema;

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paged<T> {
    pub items: Vec<T>,
    /// Rows in the whole list (every page).
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

impl<T> Paged<T> {
    /// A store page, each row in its API shape.
    pub fn from_page<R>(page: domain::views::Page<R>, shape: impl FnMut(R) -> T) -> Self {
        Self {
            items: page.rows.into_iter().map(shape).collect(),
            total: page.total,
            page: page.page,
            page_size: page.page_size,
        }
    }
}

fn amount(m: Money) -> String {
    m.amount_string()
}

fn quantity(micros: i64) -> String {
    Quantity::from_micros(micros).to_string()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Vendor {
    pub id: i64,
    pub name: String,
    /// hyperscaler, neocloud, colocation or other.
    pub kind: String,
    /// Contracts signed with it.
    pub contracts: i64,
    pub archived: bool,
}

impl From<VendorRow> for Vendor {
    fn from(v: VendorRow) -> Self {
        Self {
            id: v.id,
            name: v.name,
            kind: v.kind,
            contracts: v.contracts,
            archived: v.archived,
        }
    }
}

/// A contract in a list: its commitment and how much of it is burned.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContractSummary {
    pub reference: String,
    pub vendor: String,
    pub title: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub currency: String,
    /// Every commitment of the contract together, e.g. "38000000000.00".
    pub committed: String,
    pub burned: String,
    pub remaining: String,
    pub archived: bool,
}

impl From<ContractOverview> for ContractSummary {
    fn from(c: ContractOverview) -> Self {
        Self {
            committed: amount(c.committed()),
            burned: amount(c.burned()),
            remaining: amount(c.remaining()),
            reference: c.reference,
            vendor: c.vendor,
            title: c.title,
            start_date: c.start_date,
            end_date: c.end_date,
            currency: c.currency.to_string(),
            archived: c.archived,
        }
    }
}

/// A contract with its own commitment's terms (what create and update send) and every
/// commitment it holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct Contract {
    #[serde(flatten)]
    pub summary: ContractSummary,
    /// The contract's own commitment; absent when its commitments were all given separately.
    pub committed_amount: Option<String>,
    pub commitment_model: String,
    pub fulfillment_interval: String,
    pub notes: String,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    pub archived_at: Option<String>,
    pub commitments: Vec<Commitment>,
}

impl From<ContractDetail> for Contract {
    fn from(d: ContractDetail) -> Self {
        let currency = d.overview.currency;
        Self {
            committed_amount: d
                .own_committed_minor
                .map(|minor| amount(Money::from_minor(minor, currency))),
            commitment_model: d.commitment_model,
            fulfillment_interval: d.fulfillment_interval,
            notes: d.notes,
            archived_at: d.archived_at,
            commitments: d.commitments.into_iter().map(Commitment::from).collect(),
            summary: d.overview.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Commitment {
    /// Unique within its contract.
    pub reference: String,
    /// The contract's own commitment (changed through the contract).
    pub own: bool,
    /// spend or usage.
    pub category: String,
    pub currency: String,
    pub committed: String,
    /// Spend applied to it, rounded once to the cent.
    pub applied: String,
    pub remaining: String,
    /// A usage commitment's quantity (in `unit`).
    pub quantity: Option<String>,
    pub applied_quantity: String,
    pub unit: String,
    pub commitment_model: String,
    pub fulfillment_interval: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// SKUs or services it covers, `;`-separated; empty: all of the contract's spend.
    pub scope: String,
}

impl From<CommitmentRow> for Commitment {
    fn from(k: CommitmentRow) -> Self {
        Self {
            currency: k.committed.currency().to_string(),
            remaining: amount(k.remaining()),
            committed: amount(k.committed),
            applied: amount(k.applied),
            quantity: k.quantity_micros.map(quantity),
            applied_quantity: quantity(k.applied_quantity_micros),
            reference: k.reference,
            own: k.own,
            category: k.category,
            unit: k.unit,
            commitment_model: k.commitment_model,
            fulfillment_interval: k.fulfillment_interval,
            start_date: k.start_date,
            end_date: k.end_date,
            scope: k.scope,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Phase {
    pub contract: String,
    pub vendor: String,
    pub phase: String,
    pub resource: String,
    pub region: String,
    pub planned_date: NaiveDate,
    pub planned_quantity: String,
    pub received_quantity: String,
    /// The power the phase plans, in MW (its quantity when the resource is "MW", else the
    /// power it states); absent when it states none.
    pub planned_power_mw: Option<String>,
    /// The power delivered so far: each receipt's, or the phase's pro rata.
    pub received_power_mw: Option<String>,
    pub receipts: Vec<Receipt>,
}

impl From<PhaseProgress> for Phase {
    fn from(p: PhaseProgress) -> Self {
        Self {
            planned_quantity: quantity(p.planned_micros),
            received_quantity: quantity(p.received_micros),
            planned_power_mw: p.power_micros().map(quantity),
            received_power_mw: p.received_power_micros().map(quantity),
            receipts: p.receipts.into_iter().map(Receipt::from).collect(),
            contract: p.contract,
            vendor: p.vendor,
            phase: p.phase,
            resource: p.resource,
            region: p.region,
            planned_date: p.planned_date,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Receipt {
    pub id: i64,
    pub date: NaiveDate,
    pub quantity: String,
    pub note: String,
    /// The power the receipt states it delivered, in MW; absent when it states none.
    pub power_mw: Option<String>,
    /// Days after the phase's planned date; 0 when on time or early.
    pub days_late: i64,
}

impl From<ReceiptRow> for Receipt {
    fn from(r: ReceiptRow) -> Self {
        Self {
            id: r.id,
            date: r.date,
            quantity: quantity(r.quantity_micros),
            power_mw: r.power_micros.map(quantity),
            note: r.note,
            days_late: r.days_late,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Usage {
    pub id: i64,
    /// Absent for spend under no contract.
    pub contract: Option<String>,
    pub vendor: String,
    pub date: NaiveDate,
    /// Exact, with every place the provider billed (at least two): "0.015907", "-12.50".
    pub amount: String,
    pub currency: String,
    /// Negative for refunds.
    pub quantity: String,
    pub unit: String,
    pub sku: String,
    /// The commitment it is applied to; absent: none.
    pub commitment: Option<String>,
}

impl From<UsageRow> for Usage {
    fn from(u: UsageRow) -> Self {
        Self {
            id: u.id,
            contract: u.contract,
            vendor: u.vendor,
            date: u.date,
            amount: domain::exact::format_full(u.amount_e6),
            currency: u.currency.to_string(),
            quantity: quantity(u.quantity_micros),
            unit: u.unit,
            sku: u.sku,
            commitment: u.commitment,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Revenue {
    pub id: i64,
    /// The month's first day.
    pub period_start: NaiveDate,
    pub amount: String,
    pub currency: String,
}

impl From<RevenueRow> for Revenue {
    fn from(r: RevenueRow) -> Self {
        Self {
            id: r.id,
            period_start: r.period_start,
            amount: amount(r.amount),
            currency: r.amount.currency().to_string(),
        }
    }
}
