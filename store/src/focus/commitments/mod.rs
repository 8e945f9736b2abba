//! The ledger's commitments as a FOCUS 1.3 Contract Commitment dataset, and back.
//!
//! One row per commitment period: a `term` commitment is one row over its period; an annual,
//! quarterly or monthly one is a row per year, quarter or month, with the commitment's id and
//! `/Y1`, `/Q1`, `/M1`… and its amount (and quantity) split evenly, the last interval taking
//! what is left over, as the true-up does. Reading such rows back, an even split of one id
//! becomes that one commitment again; any other rows are commitments of their own, however
//! their periods fall. The dataset has no provider column, so the vendor travels in the
//! custom column `x_ServiceProviderName` (FOCUS reserves `x_` for these), or is given on
//! import for a provider's own file. `x_ContractTitle` and `x_CommitmentScope` carry the
//! contract's title and a commitment's scope.
//!
//! Import groups rows by `ContractId` into contracts and their commitments and feeds them
//! through the ledger's own contracts and commitments imports, so every rule and message is
//! the same. A contract already in the ledger gains the commitments it lacks; one it holds
//! with the same terms is skipped (re-importing an export adds nothing), one with other terms
//! is refused rather than overwritten.

mod columns;
mod export;
mod generate;
mod held;
mod read;
pub(crate) mod substitute;
mod terms;

pub use columns::COLUMNS;
pub use export::export;
