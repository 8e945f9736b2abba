//! Usage rows into SQLite at the speed of SQLite: one prepared single-row INSERT on the import
//! transaction's own connection, each value bound as it is (integers as integers, text
//! borrowed), through rusqlite. The general path builds sea-orm values and multi-row
//! statements that sqlx copies to its connection thread; on a 10M-row file that conversion,
//! not SQLite, was the import's bottleneck.
//!
//! sea-orm does not hand out a transaction's connection, so each pooled SQLite connection
//! records its own handle in a table of its private temp schema when it opens
//! ([`record_handle`]); a transaction reads it back through its own connection
//! ([`Connection::of`]). A batch is inserted synchronously by the task that owns the
//! transaction, inside one poll: the task cannot be dropped (and the transaction rolled back
//! on sqlx's thread) half-way through a batch, so SQLite never sees two threads on the
//! connection at once, and the rows are part of the transaction like any other statement on
//! it: the import stays all-or-nothing. (A batch of 5,000 rows holds the thread ~15 ms.)
//!
//! Rows go in 16 to a statement: the usage table's AUTOINCREMENT writes its counter back at
//! the end of every statement, which with one row per statement cost ~30% of the insert
//! (10M rows: 15.7 s one per statement, 11.0 s sixteen; 64 were no faster). A large file
//! builds the usage index once at the end ([`DeferredIndex`]).

use super::insert::InsertRow;
use sea_orm::sqlx::sqlite::SqliteConnection;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseTransaction, DbErr, Statement};

/// Run when the pool opens a SQLite connection: its handle into `temp.ledger_connection`.
pub(crate) async fn record_handle(conn: &mut SqliteConnection) -> Result<(), sea_orm::sqlx::Error> {
    let handle = conn.lock_handle().await?.as_raw_handle().as_ptr() as i64;
    sea_orm::sqlx::query("CREATE TEMP TABLE ledger_connection (handle INTEGER NOT NULL)")
        .execute(&mut *conn)
        .await?;
    sea_orm::sqlx::query("INSERT INTO temp.ledger_connection (handle) VALUES (?)")
        .bind(handle)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The SQLite connection a transaction runs on.
pub(crate) struct Connection {
    handle: usize,
}

impl Connection {
    /// `None` on PostgreSQL, or on a connection that did not record its handle.
    pub(crate) async fn of(txn: &DatabaseTransaction) -> Result<Option<Self>, DbErr> {
        if txn.get_database_backend() != DatabaseBackend::Sqlite {
            return Ok(None);
        }
        let found = txn
            .query_one_raw(Statement::from_string(
                DatabaseBackend::Sqlite,
                "SELECT handle FROM temp.sqlite_master m, temp.ledger_connection \
                 WHERE m.name = 'ledger_connection'",
            ))
            .await;
        let Ok(Some(row)) = found else {
            return Ok(None);
        };
        let handle: i64 = row.try_get_by_index(0)?;
        Ok(usize::try_from(handle).ok().map(|handle| Self { handle }))
    }

    /// Inserts the batch now, on the transaction owner's own thread (see the module comment
    /// for why it is not handed to another thread).
    pub(crate) fn insert<R: InsertRow>(&self, rows: Vec<R>) -> Result<(), DbErr> {
        insert_blocking(self.handle, rows)
    }
}

/// The usage index, dropped inside the import's transaction while a large file's rows go in
/// and built once at the end (a rollback restores it): SQLite sorts the entries once instead of
/// inserting each into the B-tree in the file's order. Measured at 10M rows (`sqlite3`, the
/// same statements): 37.3 s inserting into the index, 26.6 s building it after, with the
/// sorter spilling to a temporary file (the pool's `temp_store` is the default, file: held in
/// memory the sort took 1 GB). Only when the file holds more rows than the table already does
/// (estimated from its size), so a small import into a large ledger never rebuilds the index.
pub(crate) struct DeferredIndex;

/// The page cache while the index is built. SQLite sorts the entries in runs the size of the
/// page cache, on a helper thread (`PRAGMA threads`) while this one reads the table: small runs
/// sort faster and in parallel. Measured at 10M rows: 12.0 s with the import's 256 MiB cache,
/// 8.5 s with 64 MiB, 6.1–6.9 s with 4–16 MiB (and the sort's memory with it).
const INDEX_SORT_CACHE_KIB: i64 = -8_192;

/// The index the usage table keeps, as it was created.
const USAGE_INDEX: &str =
    "CREATE INDEX \"ix_usage_contract_date\" ON \"usage_entries\" (\"contract_id\", \"date\")";
/// A usage CSV row is about 45 bytes; a file estimated under this many rows keeps the index.
const DEFER_FROM_ROWS: u64 = 1_000_000;
const BYTES_PER_ROW: u64 = 45;

impl DeferredIndex {
    pub(crate) async fn drop_for(
        txn: &DatabaseTransaction,
        file_bytes: Option<u64>,
    ) -> Result<Option<Self>, DbErr> {
        let incoming = file_bytes.unwrap_or(0) / BYTES_PER_ROW;
        if incoming < DEFER_FROM_ROWS {
            return Ok(None);
        }
        let existing = integer(txn, "SELECT COALESCE(MAX(id), 0) FROM usage_entries")
            .await?
            .unwrap_or(0);
        if u64::try_from(existing).unwrap_or(u64::MAX) >= incoming {
            return Ok(None);
        }
        txn.execute_unprepared("DROP INDEX IF EXISTS ix_usage_contract_date")
            .await?;
        Ok(Some(Self))
    }

    pub(crate) async fn rebuild(self, txn: &DatabaseTransaction) -> Result<(), DbErr> {
        let cache = integer(txn, "PRAGMA cache_size")
            .await?
            .unwrap_or(INDEX_SORT_CACHE_KIB);
        txn.execute_unprepared("PRAGMA threads = 2").await?;
        txn.execute_unprepared(&format!("PRAGMA cache_size = {INDEX_SORT_CACHE_KIB}"))
            .await?;
        let built = txn.execute_unprepared(USAGE_INDEX).await;
        txn.execute_unprepared(&format!("PRAGMA cache_size = {cache}"))
            .await?;
        txn.execute_unprepared("PRAGMA threads = 0").await?;
        built.map(drop)
    }
}

/// The first column of the first row of a SQLite query that answers one integer.
async fn integer(conn: &impl ConnectionTrait, sql: &str) -> Result<Option<i64>, DbErr> {
    conn.query_one_raw(Statement::from_string(DatabaseBackend::Sqlite, sql))
        .await?
        .map(|row| row.try_get_by_index(0))
        .transpose()
}

/// Rows per INSERT: a table with AUTOINCREMENT writes its counter back at the end of every
/// statement, so one row per statement paid that write per row.
const ROWS_PER_STATEMENT: usize = 16;

fn insert_blocking<R: InsertRow>(handle: usize, rows: Vec<R>) -> Result<(), DbErr> {
    // SAFETY: `handle` is the live connection of the transaction whose owner is making this
    // synchronous call (see the module comment); `from_handle` leaves it open when dropped.
    let conn = unsafe { rusqlite::Connection::from_handle(handle as *mut rusqlite::ffi::sqlite3) }
        .map_err(database)?;
    let width = R::COLUMNS.len();
    let mut chunks = rows.chunks_exact(ROWS_PER_STATEMENT);
    if chunks.len() > 0 {
        let mut stmt = conn
            .prepare(&insert_sql::<R>(ROWS_PER_STATEMENT))
            .map_err(database)?;
        for chunk in chunks.by_ref() {
            for (i, row) in chunk.iter().enumerate() {
                row.bind_raw(&mut stmt, 1 + i * width).map_err(database)?;
            }
            stmt.raw_execute().map_err(database)?;
        }
    }
    if !chunks.remainder().is_empty() {
        let mut stmt = conn.prepare(&insert_sql::<R>(1)).map_err(database)?;
        for row in chunks.remainder() {
            row.bind_raw(&mut stmt, 1).map_err(database)?;
            stmt.raw_execute().map_err(database)?;
        }
    }
    Ok(())
}

fn insert_sql<R: InsertRow>(rows: usize) -> String {
    let one = format!("({})", vec!["?"; R::COLUMNS.len()].join(","));
    format!(
        "INSERT INTO {} ({}) VALUES {}",
        R::TABLE,
        R::COLUMNS.join(", "),
        vec![one; rows].join(",")
    )
}

fn database(e: rusqlite::Error) -> DbErr {
    DbErr::Custom(format!("SQLite: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::TransactionTrait;

    async fn has_usage_index(conn: &impl ConnectionTrait) -> bool {
        conn.query_one_raw(Statement::from_string(
            DatabaseBackend::Sqlite,
            "SELECT 1 FROM sqlite_master WHERE name = 'ix_usage_contract_date'",
        ))
        .await
        .unwrap()
        .is_some()
    }

    #[tokio::test]
    async fn a_large_file_builds_the_usage_index_at_the_end_and_a_rollback_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let db = crate::connect(&url).await.unwrap();
        // A small file keeps the index.
        let txn = db.begin().await.unwrap();
        assert!(DeferredIndex::drop_for(&txn, Some(1_000))
            .await
            .unwrap()
            .is_none());
        assert!(has_usage_index(&txn).await);
        txn.rollback().await.unwrap();
        // A large one drops it in its transaction: a rollback brings it back…
        let txn = db.begin().await.unwrap();
        let deferred = DeferredIndex::drop_for(&txn, Some(100_000_000))
            .await
            .unwrap();
        assert!(deferred.is_some());
        assert!(!has_usage_index(&txn).await);
        txn.rollback().await.unwrap();
        assert!(has_usage_index(&db).await);
        // …and a commit has it rebuilt, the connection's page cache as it was before.
        let txn = db.begin().await.unwrap();
        txn.execute_unprepared("PRAGMA cache_size = -1234")
            .await
            .unwrap();
        let deferred = DeferredIndex::drop_for(&txn, Some(100_000_000))
            .await
            .unwrap();
        deferred.unwrap().rebuild(&txn).await.unwrap();
        assert_eq!(
            integer(&txn, "PRAGMA cache_size").await.unwrap(),
            Some(-1234)
        );
        txn.commit().await.unwrap();
        assert!(has_usage_index(&db).await);
    }

    #[tokio::test]
    async fn a_transaction_finds_its_own_connection_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        for url in [url.as_str(), "sqlite::memory:"] {
            let db = crate::connect(url).await.unwrap();
            let a = db.begin().await.unwrap();
            let found = Connection::of(&a)
                .await
                .unwrap()
                .expect("a recorded handle");
            assert_ne!(found.handle, 0);
            a.rollback().await.unwrap();
        }
    }
}
