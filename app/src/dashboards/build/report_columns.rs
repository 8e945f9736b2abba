//! A report's columns as the dashboards read them, by the names its CSV prints: dates and
//! numbers from the typed frame (never parsed back out of a printed cell), and the printed
//! cells as the text a chart shows beside them. A renamed column fails loudly.

use super::super::model::Point;
use chrono::NaiveDate;
use reports::{Report, ReportError};

pub(super) struct ReportColumns<'r> {
    report: &'r Report,
    frame: analytics::Columns<'r>,
}

impl<'r> ReportColumns<'r> {
    pub(super) fn new(report: &'r Report) -> Self {
        Self {
            report,
            frame: report.columns(),
        }
    }

    /// The printed cells of a column.
    pub(super) fn cells(&self, name: &str) -> Result<Vec<String>, ReportError> {
        let at = self
            .report
            .columns
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| ReportError::Worker(format!("report has no column {name}")))?;
        Ok(self.report.rows.iter().map(|r| r[at].clone()).collect())
    }

    pub(super) fn optional_dates(&self, name: &str) -> Result<Vec<Option<NaiveDate>>, ReportError> {
        Ok(self.frame.dates(name)?)
    }

    /// A date column that has a date in every row.
    pub(super) fn dates(&self, name: &str) -> Result<Vec<NaiveDate>, ReportError> {
        self.optional_dates(name)?
            .into_iter()
            .map(|d| d.ok_or_else(|| ReportError::Worker(format!("report row without {name}"))))
            .collect()
    }

    pub(super) fn ints(&self, name: &str) -> Result<Vec<Option<i64>>, ReportError> {
        Ok(self.frame.ints(name)?)
    }

    /// Each row's figure: where a chart places it, and its printed cell.
    pub(super) fn points(&self, name: &str) -> Result<Vec<Point>, ReportError> {
        Ok(self
            .frame
            .plotted(name)?
            .into_iter()
            .zip(self.cells(name)?)
            .map(|(value, label)| Point { value, label })
            .collect())
    }
}
