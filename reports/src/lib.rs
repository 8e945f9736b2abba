//! The report service: the reports by name, computed by the analytics core from the store's
//! snapshot and kept per ledger version. The CLI, the HTTP API, the app's server functions and
//! the dashboards all ask here, so they give the same numbers.
//!
//! A report is its frame (typed columns, what the dashboards read) and its table (the cells the
//! CSV and JSON print, money rounded once to cents); `workbook` writes tables as typed XLSX.

mod by_name;
mod cache;
mod currencies;
pub mod docs;
mod error;
pub mod export;
pub mod parquet;
mod registry;
mod report;
mod request;
pub mod workbook;

pub use analytics::{Filters, ReportTable};
pub use cache::{LedgerView, ReportCache};
pub use currencies::LedgerCurrencies;
pub use domain::ReportName;
pub use error::ReportError;
pub use registry::run;
pub use report::Report;
pub use request::{parse_filters, CommitmentRates, CurrencyView, ReportRequest};
