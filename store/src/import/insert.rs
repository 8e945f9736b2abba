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
    /// Kinds inserted in millions of rows go into PostgreSQL as one array per column
    /// (`INSERT … SELECT FROM unnest($1::bigint[], …)`): one statement and a handful of
    /// parameters per batch instead of a multi-row VALUES list the server parses row by row.
    const ARRAYS_ON_POSTGRES: bool = false;
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
    if backend == DatabaseBackend::Postgres && R::ARRAYS_ON_POSTGRES {
        return insert_arrays(conn, rows).await;
    }
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

/// Rows as one `INSERT … SELECT FROM unnest(…)`: each column's values as a PostgreSQL array
/// literal bound as text and cast to the column's type (a column of a type with no array form
/// here falls back to the VALUES list).
async fn insert_arrays<R: InsertRow>(
    conn: &impl ConnectionTrait,
    rows: Vec<R>,
) -> Result<(), DbErr> {
    let width = R::COLUMNS.len();
    let mut values = Vec::with_capacity(rows.len() * width);
    let mut count = 0;
    for row in rows {
        count += row.rows();
        row.push_values(&mut values);
    }
    if count == 0 {
        return Ok(());
    }
    let mut arrays: Vec<(String, &'static str)> = Vec::with_capacity(width);
    for column in 0..width {
        let mut literal = String::from("{");
        let mut cast = "text";
        for (i, value) in values.iter().skip(column).step_by(width).enumerate() {
            if i > 0 {
                literal.push(',');
            }
            cast = match array_element(value, &mut literal) {
                Some(cast) => cast,
                None => {
                    return Err(DbErr::Custom(format!(
                        "{}: no array form for column {}",
                        R::TABLE,
                        R::COLUMNS[column]
                    )))
                }
            };
        }
        literal.push('}');
        arrays.push((literal, cast));
    }
    let unnest: Vec<String> = arrays
        .iter()
        .enumerate()
        .map(|(i, (_, cast))| format!("${}::{cast}[]", i + 1))
        .collect();
    let sql = format!(
        "INSERT INTO {} ({}) SELECT * FROM unnest({}){}",
        R::TABLE,
        R::COLUMNS.join(", "),
        unnest.join(", "),
        R::ON_CONFLICT
    );
    let params: Vec<Value> = arrays.into_iter().map(|(a, _)| a.into()).collect();
    conn.execute_raw(Statement::from_sql_and_values(
        DatabaseBackend::Postgres,
        sql,
        params,
    ))
    .await?;
    Ok(())
}

/// Appends one element of a PostgreSQL array literal and gives the array's element type;
/// `None` for a kind of value this path does not carry.
fn array_element(value: &Value, out: &mut String) -> Option<&'static str> {
    use std::fmt::Write;
    match value {
        Value::BigInt(v) => {
            match v {
                Some(v) => write!(out, "{v}").ok()?,
                None => out.push_str("NULL"),
            }
            Some("bigint")
        }
        Value::ChronoDate(v) => {
            match v {
                Some(v) => write!(out, "{v}").ok()?,
                None => out.push_str("NULL"),
            }
            Some("date")
        }
        Value::String(v) => {
            match v {
                Some(text) => {
                    out.push('"');
                    for c in text.chars() {
                        if c == '"' || c == '\\' {
                            out.push('\\');
                        }
                        out.push(c);
                    }
                    out.push('"');
                }
                None => out.push_str("NULL"),
            }
            Some("text")
        }
        _ => None,
    }
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
    fn array_elements_are_quoted_escaped_and_typed() {
        let mut out = String::new();
        assert_eq!(
            array_element(&Value::BigInt(Some(-5)), &mut out),
            Some("bigint")
        );
        out.push(',');
        assert_eq!(
            array_element(&Value::BigInt(None), &mut out),
            Some("bigint")
        );
        out.push(',');
        assert_eq!(
            array_element(&Value::String(Some(r#"a "b" \ c,{}"#.into())), &mut out),
            Some("text")
        );
        out.push(',');
        assert_eq!(
            array_element(&Value::ChronoDate("2026-01-02".parse().ok()), &mut out),
            Some("date")
        );
        assert_eq!(out, r#"-5,NULL,"a \"b\" \\ c,{}",2026-01-02"#);
        assert_eq!(array_element(&Value::Bool(Some(true)), &mut out), None);
    }

    #[test]
    fn numbers_postgres_parameters_across_rows() {
        let sql = insert_sql(DatabaseBackend::Postgres, "t", &["a", "b"], 2);
        assert_eq!(sql, "INSERT INTO t (a, b) VALUES ($1,$2),($3,$4)");
        let sql = insert_sql(DatabaseBackend::Sqlite, "t", &["a", "b"], 2);
        assert_eq!(sql, "INSERT INTO t (a, b) VALUES (?,?),(?,?)");
    }
}
