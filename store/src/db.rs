use migrations::{Migrator, MigratorTrait};
use sea_orm::sea_query::{Expr, Func, InsertStatement, SelectStatement};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Page cache per SQLite connection, in KiB (negative = KiB in SQLite's PRAGMA).
const SQLITE_CACHE_KIB: i64 = -65_536;
/// Page cache while a bulk import holds the write transaction: the usage index is written in
/// random order, and a cache that holds it avoids rewriting pages. Bounded (256 MiB) to keep
/// an import well under 1 GB.
pub(crate) const SQLITE_IMPORT_CACHE_KIB: i64 = -262_144;

/// Sets the connection's page cache (SQLite only; a no-op elsewhere).
pub(crate) async fn set_sqlite_cache(
    conn: &impl sea_orm::ConnectionTrait,
    kib: i64,
) -> Result<(), DbErr> {
    if conn.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
        conn.execute_unprepared(&format!("PRAGMA cache_size = {kib}"))
            .await?;
    }
    Ok(())
}

pub(crate) async fn reset_sqlite_cache(conn: &impl sea_orm::ConnectionTrait) -> Result<(), DbErr> {
    set_sqlite_cache(conn, SQLITE_CACHE_KIB).await
}

/// The embedded SQLite file used when `DATABASE_URL` is not set.
pub fn default_database_url() -> String {
    "sqlite://data/ledger.db?mode=rwc".to_owned()
}

/// Connects to SQLite or PostgreSQL (by URL scheme) and brings the schema up to date.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    // Migrations on one connection: SQLite runs them outside a transaction, and a table
    // rebuilt (dropped, then another renamed to its name) on one pooled connection was still
    // seen by another, which refused the rename.
    // (An in-memory database lives only as long as its one connection: it is the pool.)
    if url.contains(":memory:") {
        let db = Database::connect(options(url)?).await?;
        Migrator::up(&db, None).await?;
        return Ok(db);
    }
    let one = connect_one(url).await?;
    Migrator::up(&one, None).await?;
    if one.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        crate::import::pg_copy::drop_leftovers(&one).await?;
    }
    one.close().await?;
    Database::connect(options(url)?).await
}

/// One connection with the usual settings and no migrations: for work that must stay on one
/// SQLite connection (ATTACH and a manual transaction, see backup.rs).
pub(crate) async fn connect_one(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = options(url)?;
    options.min_connections(1).max_connections(1);
    Database::connect(options).await
}

fn options(url: &str) -> Result<ConnectOptions, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options.sqlx_logging(false);
    if url.starts_with("sqlite:") {
        create_parent_dir(url)?;
        let in_memory = url.contains(":memory:");
        // Each in-memory connection would be a separate database. On a file, writers take
        // one connection at a time (see WriteTurn) and WAL readers the rest, never waiting
        // for the writer.
        options.max_connections(if in_memory { 1 } else { 8 });
        options.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .foreign_keys(true)
                // SQLite's default 2 MB page cache makes big writes spill and re-read pages.
                .pragma("cache_size", SQLITE_CACHE_KIB.to_string())
                // Temporary data (a large sort, an index built at the end of an import) is
                // cached in memory and spills to a file past the cache: held in memory it took
                // a 10M-row import's index build to 1 GB.
                .pragma("temp_store", "file")
        });
        options.map_sqlx_sqlite_pool_opts(|o| {
            o.after_connect(|conn, _| Box::pin(crate::import::raw_sqlite::record_handle(conn)))
        });
    } else {
        options
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10));
    }
    Ok(options)
}

fn create_parent_dir(url: &str) -> Result<(), DbErr> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.contains(":memory:") {
        return Ok(());
    }
    match std::path::Path::new(path).parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir)
            .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display()))),
        _ => Ok(()),
    }
}

/// Runs an insert with `RETURNING id` (SQLite and PostgreSQL both support it) and gives the id.
pub(crate) async fn insert_returning_id(
    conn: &impl sea_orm::ConnectionTrait,
    mut insert: InsertStatement,
) -> Result<i64, DbErr> {
    insert.returning_col("id");
    let row = conn
        .query_one(&insert)
        .await?
        .ok_or_else(|| DbErr::Custom("insert returned no id".into()))?;
    row.try_get_by_index(0)
}

/// `CAST(COALESCE(sum, 0) AS BIGINT)`: a sum of 64-bit columns as one, 0 over no rows
/// (PostgreSQL sums BIGINT as NUMERIC).
pub(crate) fn total_or_zero(sum: impl Into<Expr>) -> Expr {
    Func::cast_as(Func::coalesce([sum.into(), Expr::val(0i64)]), "BIGINT").into()
}

/// Starts a transaction that will write, with this process's turn to write (hold the turn
/// until the transaction ends). On SQLite it takes the write lock at BEGIN (`BEGIN
/// IMMEDIATE`): a deferred transaction that reads first and then writes cannot wait for
/// another writer (SQLite answers "database is locked" at once to avoid a deadlock). Other
/// backends get an ordinary transaction and need no turn.
pub async fn begin_write(
    db: &sea_orm::DatabaseConnection,
) -> Result<(sea_orm::DatabaseTransaction, WriteTurn), DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    let turn = WriteTurn::take(db).await?;
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?;
    Ok((txn, turn))
}

/// A SQLite file has one writer at a time. This process's writers queue for it here, first
/// come first served, before they take a pooled connection: waiting in SQLite's busy handler
/// instead polls with sleeps of up to 100 ms while holding a connection, so a burst of writes
/// left the pool empty and dashboards queued behind the writer. Writers in other processes
/// (the CLI beside the server) still meet at SQLite's lock under its busy timeout.
pub struct WriteTurn {
    _permit: Option<tokio::sync::OwnedSemaphorePermit>,
}

/// How long a writer waits for SQLite's lock (in the process's queue, then in SQLite).
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

impl WriteTurn {
    async fn take(db: &sea_orm::DatabaseConnection) -> Result<Self, DbErr> {
        let Some(queue) = sqlite_write_queue(db) else {
            return Ok(Self { _permit: None });
        };
        match tokio::time::timeout(SQLITE_BUSY_TIMEOUT, queue.acquire_owned()).await {
            Ok(Ok(permit)) => Ok(Self {
                _permit: Some(permit),
            }),
            Ok(Err(_closed)) => Err(DbErr::Custom("the write queue is closed".into())),
            Err(_elapsed) => Err(DbErr::Custom(format!(
                "another change has held the ledger for over {} seconds (an import?); try again when it has finished",
                SQLITE_BUSY_TIMEOUT.as_secs()
            ))),
        }
    }
}

/// The queue of the SQLite file `db` writes to (one per file, however many pools open it).
fn sqlite_write_queue(db: &sea_orm::DatabaseConnection) -> Option<Arc<Semaphore>> {
    static QUEUES: LazyLock<Mutex<HashMap<PathBuf, Arc<Semaphore>>>> =
        LazyLock::new(Default::default);
    if db.get_database_backend() != sea_orm::DatabaseBackend::Sqlite {
        return None;
    }
    let file = db
        .get_sqlite_connection_pool()
        .connect_options()
        .get_filename()
        .to_owned();
    let mut queues = QUEUES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    Some(
        queues
            .entry(file)
            .or_insert_with(|| Arc::new(Semaphore::new(1)))
            .clone(),
    )
}

/// Whether the query finds any row (it is asked for one at most).
pub(crate) async fn any_row(
    conn: &impl sea_orm::ConnectionTrait,
    mut query: SelectStatement,
) -> Result<bool, DbErr> {
    query.limit(1);
    Ok(conn.query_one(&query).await?.is_some())
}
