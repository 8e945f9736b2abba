//! Reports and dashboard figures as downloadable files: the formats, their file names and
//! media types, and the one way each is written. The HTTP API and the CLI both call this.

use crate::workbook::{self, Sheet};
use crate::{parquet, Report, ReportError, ReportName, ReportRequest};
use analytics::ReportTable;
use std::io::Write;

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

/// Where a file is written: an HTTP body, a file, a buffer. Every format streams into it, so
/// a large report is held once (its table and frame), not again as the file.
pub type Out<'a> = &'a mut (dyn Write + Send);

/// A report as a file: the CSV of its table, the workbook of its table with the query, or the
/// Parquet of its typed frame.
pub fn write_report(
    format: ExportFormat,
    name: ReportName,
    report: &Report,
    request: &ReportRequest,
    out: Out,
) -> Result<(), ReportError> {
    match format {
        ExportFormat::Csv => csv(&report.table, out),
        ExportFormat::Xlsx => write_workbook(&[(name, report)], request, out),
        ExportFormat::Parquet => parquet::parquet(&report.frame, out),
    }
}

/// Several reports of one request in one workbook, a sheet each, then the query.
pub fn write_workbook(
    reports: &[(ReportName, &Report)],
    request: &ReportRequest,
    out: Out,
) -> Result<(), ReportError> {
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
    workbook::write(&sheets, &query, out)
}

/// A dashboard figure (a table, no frame behind it) as a file; `query` is what the figure was
/// asked for, as the Query sheet lists it.
pub fn write_table(
    format: ExportFormat,
    name: &str,
    table: &ReportTable,
    query: &[(String, String)],
    out: Out,
) -> Result<(), ReportError> {
    match format {
        ExportFormat::Csv => csv(table, out),
        ExportFormat::Xlsx => workbook::write(&[Sheet { name, table }], query, out),
        ExportFormat::Parquet => parquet::table_parquet(table, out),
    }
}

fn csv(table: &ReportTable, out: Out) -> Result<(), ReportError> {
    table
        .write_csv(out)
        .map_err(|e| ReportError::Worker(format!("cannot write the CSV: {e}")))
}
