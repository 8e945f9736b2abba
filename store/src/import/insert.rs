//! Multi-row INSERTs: one statement per batch keeps per-row overhead low enough for millions
//! of usage rows, on both SQLite and PostgreSQL.

use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement, Value};

/// Both backends accept far more; this keeps a statement's text and bind list moderate.
const MAX_PARAMS_PER_STATEMENT: usize = 8_000;

/// A row ready for its table: the columns and their values in the same order.
pub trait InsertRow: Send + 'static {
    const TABLE: &'static str;
    const COLUMNS: &'static [&'static str];
    /// Appended to the statement, e.g. an `ON CONFLICT … DO UPDATE` for rollups.
    const ON_CONFLICT: &'static str = "";
    /// How many table rows `push_values` writes (a FOCUS row split across contracts, more).
    fn rows(&self) -> usize {
        1
    }
    fn push_values(self, out: &mut Vec<Value>);
    /// Kinds that bind their row onto a prepared single-row SQLite INSERT of `COLUMNS` (the
    /// fast path for files of millions of rows, see raw_sqlite.rs) say so and implement
    /// [`InsertRow::bind_raw`].
    const BINDS_RAW: bool = false;
    /// Kinds inserted in millions of rows go into PostgreSQL through `COPY` (pg_copy.rs).
    const COPY_ON_POSTGRES: bool = false;
    /// Binds the row's values to parameters `first..first + COLUMNS.len()` (1-based).
    fn bind_raw(&self, _stmt: &mut rusqlite::Statement<'_>, _first: usize) -> rusqlite::Result<()> {
        Err(rusqlite::Error::InvalidQuery)
    }
}

pub async fn insert_rows<R: InsertRow>(
    conn: &impl ConnectionTrait,
    rows: Vec<R>,
) -> Result<(), DbErr> {
    let backend = conn.get_database_backend();
    let per_statement = (MAX_PARAMS_PER_STATEMENT / R::COLUMNS.len()).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut values = Vec::with_capacity(per_statement * R::COLUMNS.len());
        let mut count = 0;
        for row in rows.by_ref().take(per_statement) {
            count += row.rows();
            row.push_values(&mut values);
        }
        if count == 0 {
            continue;
        }
        let mut sql = insert_sql(backend, R::TABLE, R::COLUMNS, count);
        sql.push_str(R::ON_CONFLICT);
        conn.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
    }
    Ok(())
}

fn insert_sql(backend: DatabaseBackend, table: &str, columns: &[&str], rows: usize) -> String {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut param = 0;
    for row in 0..rows {
        if row > 0 {
            sql.push(',');
        }
        sql.push('(');
        for col in 0..columns.len() {
            if col > 0 {
                sql.push(',');
            }
            param += 1;
            match backend {
                DatabaseBackend::Postgres => {
                    sql.push('$');
                    sql.push_str(&param.to_string());
                }
                _ => sql.push('?'),
            }
        }
        sql.push(')');
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_postgres_parameters_across_rows() {
        let sql = insert_sql(DatabaseBackend::Postgres, "t", &["a", "b"], 2);
        assert_eq!(sql, "INSERT INTO t (a, b) VALUES ($1,$2),($3,$4)");
        let sql = insert_sql(DatabaseBackend::Sqlite, "t", &["a", "b"], 2);
        assert_eq!(sql, "INSERT INTO t (a, b) VALUES (?,?),(?,?)");
    }
}
