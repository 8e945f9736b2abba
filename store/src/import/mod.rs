//! CSV import of the six ledger files (README, File formats), all-or-nothing.
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

pub(crate) mod columns;
pub(crate) mod file_kind;
pub(crate) mod insert;
pub(crate) mod kinds;
pub(crate) mod lookups;
pub(crate) mod outcome;
pub(crate) mod pg_copy;
pub(crate) mod pipeline;
pub(crate) mod raw_sqlite;
mod registry;
pub(crate) mod row_context;
pub(crate) mod source;

pub use file_kind::LedgerFile;
pub(crate) use outcome::Rejections;
pub use outcome::{
    FileSummary, ImportError, ImportReport, NoProgress, Progress, RowError, MAX_REPORTED_ERRORS,
};
pub use source::{preview, ImportSource};

use crate::audit;
use crate::entities::import;
use crate::focus::commitments::substitute::{
    expand_focus_contracts, focus_contracts_summary, FocusLines,
};
use kinds::commitments::CommitmentRow;
use lookups::Lookups;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, Set,
};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The largest CSV the browser upload takes by default: 512 MiB, about 10M usage rows.
pub const DEFAULT_UPLOAD_LIMIT_BYTES: u64 = 512 * 1024 * 1024;

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
    sources: Vec<ImportSource>,
    actor: &str,
    progress: Arc<dyn Progress>,
    commit: bool,
) -> Result<ImportReport, ImportError> {
    let (txn, _turn) = crate::db::begin_write(db).await?;
    crate::db::set_sqlite_cache(&txn, crate::db::SQLITE_IMPORT_CACHE_KIB).await?;
    let staging = (db.get_database_backend() == sea_orm::DatabaseBackend::Postgres)
        .then(|| pg_copy::StagingTables::new(db.get_postgres_connection_pool().clone()));
    let outcome = import_in(&txn, sources, actor, progress, staging.as_ref()).await;
    // The pooled connection keeps its pragmas: give the import's cache back on every path.
    crate::db::reset_sqlite_cache(&txn).await?;
    let ended = end(txn, outcome, commit).await;
    if let Some(staging) = staging {
        staging.drop_all().await;
    }
    ended
}

async fn end(
    txn: DatabaseTransaction,
    outcome: Result<ImportReport, ImportError>,
    commit: bool,
) -> Result<ImportReport, ImportError> {
    match outcome {
        Ok(report) if commit => {
            let committing = std::time::Instant::now();
            txn.commit().await?;
            tracing::info!(
                seconds = committing.elapsed().as_secs_f64(),
                "import committed"
            );
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
    staging: Option<&pg_copy::StagingTables>,
) -> Result<ImportReport, ImportError> {
    let mut rejections = Rejections::default();
    let mut files = Vec::new();
    let (mut sources, focus_contracts) =
        expand_focus_contracts(txn, sources, &mut rejections).await?;
    sources.sort_by_key(|s| s.kind.import_order());
    let mut lookups = Lookups::load(txn).await?;
    for source in sources {
        let kind = source.kind;
        let file_name = source.name.clone();
        if kind == LedgerFile::FocusUsage && lookups.focus_hashes.is_none() {
            lookups.reload(txn, kind).await?;
        }
        let import_id = start_import_record(txn, kind, &file_name, actor).await?;
        let outcome = registry::import_file(
            txn,
            source,
            import_id,
            lookups,
            rejections,
            progress.clone(),
            staging,
        )
        .await?;
        lookups = outcome.lookups;
        rejections = outcome.rejections;
        for (id, date, column) in crate::rollup::overflows(txn, &outcome.daily).await? {
            let contract = lookups
                .contracts
                .iter()
                .find(|(_, key)| key.id == id)
                .map_or_else(
                    || match id {
                        crate::rollup::NO_CONTRACT => "(spend under no contract)".to_owned(),
                        _ => format!("#{id}"),
                    },
                    |(reference, _)| reference.clone(),
                );
            rejections.push(RowError {
                file: file_name.clone(),
                line: None,
                column: Some(column.to_owned()),
                reason: format!(
                    "usage on {date} adds up past the largest {column} the ledger can hold for contract {contract}, with what it already holds"
                ),
            });
        }
        let skipped: Vec<String> = outcome
            .skipped
            .iter()
            .map(|(why, n)| format!("{n} {why}"))
            .collect();
        let notes: Vec<String> = outcome
            .noted
            .iter()
            .map(|(what, n)| format!("{n} {what}"))
            .collect();
        let mut kept_record = true;
        if rejections.is_empty() && outcome.rows == 0 && !skipped.is_empty() {
            // Nothing new (a FOCUS file imported before): no import to record.
            import::Entity::delete_by_id(import_id).exec(txn).await?;
            kept_record = false;
        } else if rejections.is_empty() {
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
            if !outcome.own_commitments.is_empty() {
                // The contracts have their ids now; their own commitments can follow them.
                let now = chrono::Utc::now();
                let rows = outcome
                    .own_commitments
                    .into_iter()
                    .filter_map(|k| {
                        Some(CommitmentRow {
                            contract_id: lookups.contracts.get(&k.contract)?.id,
                            commitment: k,
                            created_at: now,
                        })
                    })
                    .collect();
                insert::insert_rows(txn, rows).await?;
                lookups.reload(txn, LedgerFile::Commitments).await?;
            }
        }
        files.push(FileSummary {
            kind,
            file_name,
            rows: outcome.rows,
            import_id: kept_record.then_some(import_id),
            skipped,
            notes,
        });
    }
    for (name, contract_lines, commitment_lines, skipped) in focus_contracts {
        let lines = FocusLines {
            contracts: &contract_lines,
            commitments: &commitment_lines,
        };
        focus_contracts_summary(&mut files, &mut rejections, &name, lines, skipped);
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
    // FOCUS rows are recognised one by one: the same file may bring rows since deleted.
    let sha256 = match earlier {
        Some(_) if kind == LedgerFile::FocusUsage => {
            format!("{:x}", Sha256::digest(format!("{sha256}:{import_id}")))
        }
        _ => sha256.to_owned(),
    };
    let earlier = earlier.filter(|_| kind != LedgerFile::FocusUsage);
    let sha256 = sha256.as_str();
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
            entity: domain::AuditEntity::Import,
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
