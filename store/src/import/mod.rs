//! CSV import of the six DOMAIN.md files, all-or-nothing.
//!
//! All files of one import run in a single transaction, in dependency order (vendors before
//! contracts before phases…). Each file is parsed and validated on a blocking thread that
//! streams batches to the inserter, so a 10M-row usage file is imported in bounded memory
//! with parsing and SQLite writes overlapping. On the first bad row insertion stops, but
//! validation goes on so that every bad row (up to [`MAX_REPORTED_ERRORS`]) is reported; the
//! transaction is then rolled back and the database is as it was.
//!
//! Re-import policy: entries with a natural key (vendor name, contract reference, phase within
//! a contract, revenue month and currency) are rejected when the key already exists — nothing is
//! overwritten. Entries without one (usage, receipts) are protected by the file's SHA-256:
//! importing a file with the same content twice is rejected.

mod columns;
mod files;
pub(crate) mod insert;
mod lookups;
mod source;

pub use files::LedgerFile;
pub use source::{preview, ImportSource};

use crate::audit;
use crate::entities::import;
use lookups::Lookups;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, Set,
};
use std::fmt;
use std::sync::Arc;

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
    pub import_id: i64,
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
    errors: Vec<RowError>,
    omitted: usize,
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

/// Imports the given files in one transaction; on any error nothing is written.
pub async fn import_files(
    db: &DatabaseConnection,
    sources: Vec<ImportSource>,
    actor: &str,
    progress: Arc<dyn Progress>,
) -> Result<ImportReport, ImportError> {
    run(db, sources, actor, progress, true).await
}

/// Validates the files exactly as an import would (references, duplicates, re-imports), then
/// rolls back: the answer an import would give, with nothing written.
pub async fn check_files(
    db: &DatabaseConnection,
    sources: Vec<ImportSource>,
    actor: &str,
    progress: Arc<dyn Progress>,
) -> Result<ImportReport, ImportError> {
    run(db, sources, actor, progress, false).await
}

async fn run(
    db: &DatabaseConnection,
    mut sources: Vec<ImportSource>,
    actor: &str,
    progress: Arc<dyn Progress>,
    commit: bool,
) -> Result<ImportReport, ImportError> {
    sources.sort_by_key(|s| s.kind.import_order());
    let txn = crate::db::begin_write(db).await?;
    crate::db::set_sqlite_cache(&txn, crate::db::SQLITE_IMPORT_CACHE_KIB).await?;
    let outcome = import_in(&txn, sources, actor, progress).await;
    // The pooled connection keeps its pragmas: give the import's cache back on every path.
    crate::db::reset_sqlite_cache(&txn).await?;
    match outcome {
        Ok(report) if commit => {
            txn.commit().await?;
            Ok(report)
        }
        Ok(report) => {
            txn.rollback().await?;
            Ok(report)
        }
        Err(e) => {
            txn.rollback().await?;
            Err(e)
        }
    }
}

/// The body of an import, inside its transaction; any error means roll back.
async fn import_in(
    txn: &DatabaseTransaction,
    sources: Vec<ImportSource>,
    actor: &str,
    progress: Arc<dyn Progress>,
) -> Result<ImportReport, ImportError> {
    let mut lookups = Lookups::load(txn).await?;
    let mut rejections = Rejections::default();
    let mut files = Vec::new();
    for source in sources {
        let kind = source.kind;
        let file_name = source.name.clone();
        let import_id = start_import_record(txn, kind, &file_name, actor).await?;
        let outcome = files::import_file(
            txn,
            source,
            import_id,
            lookups,
            rejections,
            progress.clone(),
        )
        .await?;
        lookups = outcome.lookups;
        rejections = outcome.rejections;
        for (id, date, column) in crate::rollup::overflows(txn, &outcome.daily).await? {
            let contract = lookups
                .contracts
                .iter()
                .find(|(_, key)| key.id == id)
                .map_or_else(|| format!("#{id}"), |(reference, _)| reference.clone());
            rejections.push(RowError {
                file: file_name.clone(),
                line: None,
                column: Some(column.to_owned()),
                reason: format!(
                    "usage on {date} adds up past the largest {column} the ledger can hold for contract {contract}, with what it already holds"
                ),
            });
        }
        if rejections.is_empty() {
            insert::insert_rows(txn, outcome.daily).await?;
            finish_import_record(
                txn,
                kind,
                &file_name,
                import_id,
                &outcome.sha256,
                outcome.rows,
                actor,
                &mut rejections,
            )
            .await?;
        }
        if rejections.is_empty() {
            lookups.reload(txn, kind).await?;
        }
        files.push(FileSummary {
            kind,
            file_name,
            rows: outcome.rows,
            import_id,
        });
    }
    if !rejections.is_empty() {
        return Err(ImportError::Rejected {
            errors: rejections.errors,
            omitted: rejections.omitted,
        });
    }
    Ok(ImportReport { files })
}

/// The import row exists before its entries so that usage rows can point at it; its checksum
/// is only known at the end, so it starts with a placeholder unique to this import.
async fn start_import_record(
    txn: &DatabaseTransaction,
    kind: LedgerFile,
    file_name: &str,
    actor: &str,
) -> Result<i64, DbErr> {
    let now = chrono::Utc::now();
    let placeholder = format!("pending-{}", now.timestamp_nanos_opt().unwrap_or_default());
    let record = import::ActiveModel {
        kind: Set(kind.as_str().to_owned()),
        file_name: Set(file_name.to_owned()),
        sha256: Set(placeholder),
        row_count: Set(0),
        imported_by: Set(actor.to_owned()),
        imported_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(record.id)
}

#[allow(clippy::too_many_arguments)]
async fn finish_import_record(
    txn: &DatabaseTransaction,
    kind: LedgerFile,
    file_name: &str,
    import_id: i64,
    sha256: &str,
    rows: u64,
    actor: &str,
    rejections: &mut Rejections,
) -> Result<(), DbErr> {
    let earlier = import::Entity::find()
        .filter(import::Column::Kind.eq(kind.as_str()))
        .filter(import::Column::Sha256.eq(sha256))
        .one(txn)
        .await?;
    if let Some(earlier) = earlier {
        rejections.push(RowError {
            file: file_name.to_owned(),
            line: None,
            column: None,
            reason: format!(
                "this file was already imported (import #{} of {} by {} on {}); importing it again would duplicate its rows",
                earlier.id,
                earlier.file_name,
                earlier.imported_by,
                earlier.imported_at.format("%Y-%m-%d %H:%M UTC")
            ),
        });
        return Ok(());
    }
    import::ActiveModel {
        id: Set(import_id),
        sha256: Set(sha256.to_owned()),
        row_count: Set(rows as i64),
        ..Default::default()
    }
    .update(txn)
    .await?;
    audit::record(
        txn,
        audit::Change {
            actor,
            entity: "import",
            entity_id: Some(import_id.to_string()),
            action: "import",
            before: None,
            after: Some(serde_json::json!({
                "kind": kind.as_str(),
                "file_name": file_name,
                "rows": rows,
                "sha256": sha256,
            })),
        },
    )
    .await
}
