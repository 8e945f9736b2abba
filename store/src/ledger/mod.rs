//! The ledger as the pages see it: lists and details to read, and single-entry writes that
//! validate with the domain types, check references, and record the audit trail in the same
//! transaction as the change.

pub mod commitments;
mod contract_lookup;
pub mod contracts;
pub mod deliveries;
pub mod history;
pub mod overview;
pub mod periods;
pub mod reconciliation;
pub mod revenue;
pub mod scenarios;
pub mod usage;
pub mod vendors;

pub use overview::{contract_overviews, is_empty, table_counts, TableCounts};

use domain::FieldError;
use sea_orm::DbErr;

/// Why a write did not happen. Nothing is written in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    /// The entry's natural key (a vendor's name, a contract's reference, …) is taken.
    #[error("{0}")]
    Conflict(FieldError),
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Database(#[from] DbErr),
}

impl From<Vec<FieldError>> for WriteError {
    fn from(errors: Vec<FieldError>) -> Self {
        WriteError::Invalid(errors)
    }
}

impl From<FieldError> for WriteError {
    fn from(error: FieldError) -> Self {
        WriteError::Invalid(vec![error])
    }
}

/// Pages are 1-based; the size is capped so that nobody can ask for a million rows at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u64,
    pub page_size: u64,
}

impl PageRequest {
    pub const MAX_SIZE: u64 = 500;

    pub fn new(page: u64, page_size: u64) -> Self {
        Self {
            page: page.max(1),
            page_size: page_size.clamp(1, Self::MAX_SIZE),
        }
    }

    pub fn offset(&self) -> u64 {
        // Bound by what the databases take as an OFFSET (a signed 64-bit number).
        (self.page - 1)
            .saturating_mul(self.page_size)
            .min(i64::MAX as u64)
    }
}

fn utc_text(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}
