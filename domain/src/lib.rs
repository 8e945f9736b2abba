//! The ledger's types and rules. Every way into the ledger — CSV import, forms, the JSON API —
//! builds entries through the `parse` constructors here, so there is one set of rules and one
//! set of error messages. No I/O: this crate also compiles to wasm for form validation.

pub mod access;
pub mod alerts;
pub mod audit_entity;
pub mod board_pack;
pub mod capacity;
pub mod columns;
pub mod commitment;
pub mod currency;
pub mod date;
pub mod decimal;
pub mod entries;
pub mod error;
pub mod exact;
pub mod fulfillment;
pub mod fx;
pub mod kinds;
pub mod links;
pub mod money;
pub mod quantity;
pub mod rate_book;
pub mod rate_card;
mod raw;
pub mod report_name;
pub mod scenario;
pub mod text;

pub use access::{Permission, Role, SignInOptions, SignedIn};
pub use audit_entity::AuditEntity;
pub use commitment::{CommitmentCategory, NewCommitment};
pub use currency::Currency;
pub use entries::{NewContract, NewPhase, NewReceipt, NewRevenue, NewUsage, NewVendor};
pub use error::FieldError;
pub use kinds::{CommitmentModel, FulfillmentInterval, VendorKind};
pub use money::Money;
pub use quantity::Quantity;
pub use report_name::ReportName;
pub mod snapshot;
pub mod views;
