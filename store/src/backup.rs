//! Backups that a finance team can trust: taken while the app runs, consistent to one moment,
//! and restored all or nothing.
//!
//! - SQLite: `VACUUM INTO` writes a compacted copy from one read transaction (writers carry on).
//!   Restoring copies the backup (first brought to this build's schema, on a scratch copy) into
//!   the live file inside one write transaction, so a running app sees the old ledger or the
//!   restored one, never a mix.
//! - PostgreSQL: `pg_dump --format=custom` (one snapshot) and `pg_restore --single-transaction`.
//!
//! A restore replaces a ledger only when asked to (`replace`), and records itself in the audit
//! trail, which also moves the ledger version so every server process drops its cached reports.

use crate::audit::{self, Change};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The tables of the ledger, parents before children.
pub const TABLES: &[&str] = &[
    "users",
    "vendors",
    "contracts",
    "commitments",
    "delivery_phases",
    "delivery_receipts",
    "imports",
    "usage_entries",
    "usage_daily",
    "revenue_entries",
    "audit_log",
    "sessions",
    "api_tokens",
    "closed_periods",
    "vendor_statements",
    "scenarios",
    "exchange_rates",
    "rate_cards",
];

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} already exists; choose a new file name (a backup never overwrites a file)")]
    Exists(PathBuf),
    #[error("{0}")]
    NotABackup(String),
    #[error(
        "this database already holds a ledger ({0}); pass --replace to replace it with the backup"
    )]
    NotEmpty(String),
    #[error("{tool} failed: {message}")]
    Tool { tool: &'static str, message: String },
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// What a finished backup or restore holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub bytes: u64,
}

pub async fn backup(
    db: &DatabaseConnection,
    url: &str,
    file: &Path,
) -> Result<Summary, BackupError> {
    if file.exists() {
        return Err(BackupError::Exists(file.to_owned()));
    }
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            db.execute_unprepared(&format!(
                "VACUUM INTO {}",
                sql_text(&file.to_string_lossy())
            ))
            .await?;
        }
        _ => run_tool(
            "pg_dump",
            Command::new(pg_tool("pg_dump"))
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(file)
                .arg(url),
        )?,
    }
    Ok(Summary {
        bytes: std::fs::metadata(file)?.len(),
    })
}

pub async fn restore(
    db: &DatabaseConnection,
    url: &str,
    file: &Path,
    actor: &str,
    replace: bool,
) -> Result<Summary, BackupError> {
    let bytes = std::fs::metadata(file)
        .map_err(|e| BackupError::NotABackup(format!("cannot read {}: {e}", file.display())))?
        .len();
    let backend = db.get_database_backend();
    check_format(file, backend)?;
    if !replace && !crate::ledger::is_empty(db).await? {
        let c = crate::ledger::table_counts(db).await?;
        return Err(BackupError::NotEmpty(format!(
            "{} vendors, {} contracts, {} usage entries, {} revenue entries",
            c.vendors, c.contracts, c.usage_entries, c.revenue_entries
        )));
    }
    // Report caches key on the newest audit id; the restore's own entry must come after every
    // id any server has seen, even when the backup's ids stop earlier. (SQLite's AUTOINCREMENT
    // never reuses an id; PostgreSQL's sequence comes back from the dump, so it is moved on.)
    let version_before = crate::reports::ledger_version(db).await?;
    match backend {
        DatabaseBackend::Sqlite => restore_sqlite(url, file, actor).await?,
        _ => {
            run_tool(
                "pg_restore",
                Command::new(pg_tool("pg_restore"))
                    .args([
                        "--clean",
                        "--if-exists",
                        "--single-transaction",
                        "--exit-on-error",
                        "--no-owner",
                        "--dbname",
                    ])
                    .arg(url)
                    .arg(file),
            )?;
            // A dump from an older build: bring it to this build's schema.
            crate::connect(url).await?.close().await?;
            db.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('audit_log', 'id'), \
                 GREATEST((SELECT COALESCE(MAX(id), 0) FROM audit_log), {version_before}))"
            ))
            .await?;
            audit::record(db, restore_change(actor, file)).await?;
        }
    }
    Ok(Summary { bytes })
}

fn restore_change<'a>(actor: &'a str, file: &Path) -> Change<'a> {
    Change {
        actor,
        entity: domain::AuditEntity::Ledger,
        entity_id: None,
        action: "restore",
        before: None,
        after: Some(serde_json::json!({ "from": file.display().to_string() })),
    }
}

/// A SQLite string literal.
fn sql_text(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn check_format(file: &Path, backend: DatabaseBackend) -> Result<(), BackupError> {
    use std::io::Read;
    let mut head = [0u8; 16];
    let read = std::fs::File::open(file)?.read(&mut head)?;
    let head = &head[..read];
    let (expected, what) = match backend {
        DatabaseBackend::Sqlite => (
            &b"SQLite format 3\0"[..],
            "a SQLite backup (from `compute-ledger backup` on SQLite)",
        ),
        _ => (
            &b"PGDMP"[..],
            "a PostgreSQL custom-format dump (from `compute-ledger backup` on PostgreSQL)",
        ),
    };
    if head.starts_with(expected) {
        Ok(())
    } else {
        Err(BackupError::NotABackup(format!(
            "{} is not {what}",
            file.display()
        )))
    }
}

async fn restore_sqlite(url: &str, file: &Path, actor: &str) -> Result<(), BackupError> {
    // A scratch copy, migrated to this build's schema, so the tables line up column by column.
    let scratch = tempfile::Builder::new()
        .prefix("ledger-restore-")
        .suffix(".db")
        .tempfile()?;
    std::fs::copy(file, scratch.path())?;
    let scratch_url = format!("sqlite://{}", scratch.path().display());
    let scratch_db = crate::connect(&scratch_url).await?;
    let problem = scratch_db
        .query_one_raw(sea_orm::Statement::from_string(
            DatabaseBackend::Sqlite,
            "PRAGMA quick_check".to_owned(),
        ))
        .await?
        .map(|row| row.try_get_by_index::<String>(0))
        .transpose()?;
    scratch_db.close().await?;
    if problem.as_deref() != Some("ok") {
        return Err(BackupError::NotABackup(format!(
            "{} is damaged: {}",
            file.display(),
            problem.unwrap_or_default()
        )));
    }

    // One connection: ATTACH belongs to a connection, and the copy is one transaction on it.
    let conn = crate::db::connect_one(url).await?;
    conn.execute_unprepared(&format!(
        "ATTACH DATABASE {} AS backup",
        sql_text(&scratch.path().to_string_lossy())
    ))
    .await?;
    let copied = copy_tables(&conn, actor, file).await;
    if copied.is_err() {
        let _ = conn.execute_unprepared("ROLLBACK").await;
    }
    let _ = conn.execute_unprepared("DETACH DATABASE backup").await;
    conn.close().await?;
    copied
}

async fn copy_tables(
    conn: &DatabaseConnection,
    actor: &str,
    file: &Path,
) -> Result<(), BackupError> {
    conn.execute_unprepared("BEGIN IMMEDIATE").await?;
    conn.execute_unprepared("PRAGMA defer_foreign_keys = ON")
        .await?;
    for table in TABLES.iter().rev() {
        conn.execute_unprepared(&format!("DELETE FROM main.{table}"))
            .await?;
    }
    for table in TABLES {
        conn.execute_unprepared(&format!(
            "INSERT INTO main.{table} SELECT * FROM backup.{table}"
        ))
        .await?;
    }
    audit::record(conn, restore_change(actor, file)).await?;
    conn.execute_unprepared("COMMIT").await?;
    Ok(())
}

/// `pg_dump` / `pg_restore` from PATH, else from the newest PostgreSQL under /usr/lib.
fn pg_tool(name: &str) -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .map(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join(name))
                .find(|p| p.is_file())
        })
        .unwrap_or_default();
    on_path.unwrap_or_else(|| {
        let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .map(|dir| {
                dir.filter_map(|e| e.ok())
                    .map(|e| e.path().join("bin").join(name))
                    .filter(|p| p.is_file())
                    .collect()
            })
            .unwrap_or_default();
        versions.sort();
        versions.pop().unwrap_or_else(|| PathBuf::from(name))
    })
}

fn run_tool(tool: &'static str, command: &mut Command) -> Result<(), BackupError> {
    let output = command.output().map_err(|e| BackupError::Tool {
        tool,
        message: format!("cannot run it ({e}); install the PostgreSQL client tools"),
    })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(BackupError::Tool {
            tool,
            message: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        })
    }
}
