//! Reports and dashboard figures as downloadable files: the formats, their file names and
//! media types, and the one way each is written. The HTTP API and the CLI both call this.

use crate::workbook::{self, Sheet};
use crate::{parquet, Report, ReportError, ReportName, ReportRequest};
use analytics::ReportTable;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Parquet,
}

impl ExportFormat {
    pub fn parse(extension: &str) -> Option<Self> {
        match extension {
            "csv" => Some(Self::Csv),
            "xlsx" => Some(Self::Xlsx),
            "parquet" => Some(Self::Parquet),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
            Self::Parquet => "parquet",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Parquet => "application/vnd.apache.parquet",
        }
    }

    /// A binary file goes to a file, never to a terminal.
    pub fn is_binary(self) -> bool {
        self != Self::Csv
    }
}

/// A report as a file: the CSV of its table, the workbook of its table with the query, or the
/// Parquet of its typed frame.
pub fn report_file(
    format: ExportFormat,
    name: ReportName,
    report: &Report,
    request: &ReportRequest,
) -> Result<Vec<u8>, ReportError> {
    match format {
        ExportFormat::Csv => Ok(report.table.to_csv_string().into_bytes()),
        ExportFormat::Xlsx => workbook_of(&[(name, report)], request),
        ExportFormat::Parquet => parquet::parquet(&report.frame),
    }
}

/// Several reports of one request in one workbook, a sheet each, then the query.
pub fn workbook_of(
    reports: &[(ReportName, &Report)],
    request: &ReportRequest,
) -> Result<Vec<u8>, ReportError> {
    let version = reports
        .iter()
        .map(|(_, r)| r.version)
        .max()
        .unwrap_or_default();
    let query = workbook::query_rows(request, version, chrono::Utc::now());
    let sheets: Vec<Sheet> = reports
        .iter()
        .map(|(name, report)| Sheet {
            name: name.as_str(),
            table: &report.table,
        })
        .collect();
    workbook::workbook(&sheets, &query)
}

/// A dashboard figure (a table, no frame behind it) as a file; `query` is what the figure was
/// asked for, as the Query sheet lists it.
pub fn table_file(
    format: ExportFormat,
    name: &str,
    table: &ReportTable,
    query: &[(String, String)],
) -> Result<Vec<u8>, ReportError> {
    match format {
        ExportFormat::Csv => Ok(table.to_csv_string().into_bytes()),
        ExportFormat::Xlsx => workbook::workbook(&[Sheet { name, table }], query),
        ExportFormat::Parquet => parquet::table_parquet(table),
    }
}
