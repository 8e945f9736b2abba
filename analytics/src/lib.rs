//! The ledger's reports as pure functions of (ledger frames, as-of date, filters) → frame.
//! Money stays in exact i64 millionths of the unit throughout (`*_e6` columns, see
//! `domain::exact`; polars' Decimal has had aggregation bugs), rounded to cents only when a
//! report table is written; only shares and ratios are floats. No database or web types here.

pub mod anomaly;
pub mod burn_down;
pub mod capacity;
pub mod capacity_plan;
pub mod columns;
pub mod commitments;
pub mod concentration;
pub mod consolidate;
pub mod figures;
pub mod fulfilment;
pub mod hhi;
pub mod ledger;
pub mod outlook;
pub mod plan_forecast;
pub mod portfolio;
pub mod projection;
pub mod ratio;
pub mod ratio_outlook;
pub mod raw;
pub mod scenario;
pub mod slippage;
pub mod table;
pub mod trueup;

pub use burn_down::{burn_down, usage_burn_down};
pub use columns::Columns;
pub use commitments::{commitment_concentration, ratio_ttm};
pub use concentration::vendor_concentration;
pub use fulfilment::commitment_fulfilment;
pub use ledger::{Filters, LedgerFrames};
pub use plan_forecast::plan_forecast;
pub use polars::prelude::{DataFrame, PolarsError, PolarsResult};
pub use portfolio::portfolio_burn_down;
pub use projection::projection;
pub use ratio::infra_to_revenue;
pub use ratio_outlook::ratio_outlook;
pub use slippage::delivery_slippage;
pub use table::ReportTable;
pub use trueup::trueup;
