//! What an import answers: every bad row with its line, a summary per file, the progress it
//! reports on the way.

use super::LedgerFile;
use sea_orm::DbErr;
use std::fmt;

/// More than this many bad rows are counted but not listed.
pub const MAX_REPORTED_ERRORS: usize = 100;

/// One bad row (or a bad file when `line` is `None`): `file:line: column: reason`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RowError {
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<String>,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ": {column}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{} bad row(s); nothing was imported:\n{}{}", .errors.len() + .omitted,
        .errors.iter().map(|e| format!("  {e}\n")).collect::<String>(),
        if *.omitted > 0 { format!("  … and {} more\n", .omitted) } else { String::new() })]
    Rejected {
        errors: Vec<RowError>,
        omitted: usize,
    },
    #[error("database error during import; nothing was imported: {0}")]
    Database(#[from] DbErr),
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct FileSummary {
    pub kind: LedgerFile,
    pub file_name: String,
    pub rows: u64,
    /// `None` when the file added nothing (every row skipped).
    pub import_id: Option<i64>,
    /// Rows read but not imported, and why ("3 rows already imported").
    pub skipped: Vec<String>,
    /// Rows imported that deserve a word ("12 rows under no contract (vendor spend)").
    pub notes: Vec<String>,
}

impl FileSummary {
    /// "Imported 120 focus-usage row(s) from f.csv; skipped 3 rows already imported."
    pub fn describe(&self, verb: &str) -> String {
        let mut text = format!(
            "{verb} {} {} row(s) from {}",
            self.rows, self.kind, self.file_name
        );
        for note in &self.notes {
            text.push_str(", ");
            text.push_str(note);
        }
        if !self.skipped.is_empty() {
            text.push_str("; skipped ");
            text.push_str(&self.skipped.join(", "));
        }
        if self.rows == 0 && !self.skipped.is_empty() {
            text.push_str(" (nothing new)");
        }
        text.push('.');
        text
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportReport {
    pub files: Vec<FileSummary>,
}

impl ImportReport {
    pub fn total_rows(&self) -> u64 {
        self.files.iter().map(|f| f.rows).sum()
    }
}

/// Told how far each file has got, for a progress bar or a web progress indicator.
pub trait Progress: Send + Sync {
    fn file_started(&self, _file: &str, _total_bytes: Option<u64>) {}
    fn advanced(&self, _file: &str, _rows: u64, _bytes: u64) {}
    fn file_finished(&self, _file: &str, _rows: u64) {}
}

pub struct NoProgress;
impl Progress for NoProgress {}

/// The error list being built across all files of one import.
#[derive(Default)]
pub(crate) struct Rejections {
    pub(crate) errors: Vec<RowError>,
    pub(crate) omitted: usize,
}

impl Rejections {
    pub(crate) fn push(&mut self, error: RowError) {
        if self.errors.len() < MAX_REPORTED_ERRORS {
            self.errors.push(error);
        } else {
            self.omitted += 1;
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }
}
