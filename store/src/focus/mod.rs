//! FOCUS 1.3 (FinOps Open Cost and Usage Specification) files: cost-and-usage rows imported
//! as usage entries (`usage`), and the Contract Commitment dataset imported as contracts and
//! exported from them (`commitments`). Both plug into the ledger's import pipeline
//! (`crate::import::pipeline`) like its own file kinds.

mod applied;
pub mod commitments;
pub mod options;
mod row_hash;
mod time;
pub mod usage;

pub use options::{parse_count_or_skip, FocusCharges, FocusCost};
