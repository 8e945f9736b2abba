//! What a report is, apart from how it is computed or kept.

use analytics::{DataFrame, ReportTable};

/// One computed report: its frame (typed columns: money in exact `*_e6` millionths, dates as
/// dates), and its table (the cells a CSV or JSON prints).
pub struct Report {
    pub frame: DataFrame,
    pub table: ReportTable,
    /// The ledger version the numbers come from (an export's Query sheet names it).
    pub version: i64,
    /// In a consolidated view, the rates older than a week that converted an amount (the
    /// stalest per currency): every figure built on them says so.
    pub stale_rates: Vec<analytics::consolidate::StaleRate>,
}

/// The report's table, for code that prints it.
impl std::ops::Deref for Report {
    type Target = ReportTable;
    fn deref(&self) -> &ReportTable {
        &self.table
    }
}

impl Report {
    /// The frame's columns by name, typed (see `analytics::columns`).
    pub fn columns(&self) -> analytics::Columns<'_> {
        analytics::Columns::new(&self.frame)
    }
}
