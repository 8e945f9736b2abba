//! The import against the database's own bulk loaders, on the same file in the same run:
//! `sqlite3 .import` into a table of TEXT columns (no validation, no index), and on
//! PostgreSQL `psql \copy` the same way. Ratio = ours ÷ theirs (time), so lower is better.
//! Each imported ledger is checked against the file: row count and each contract's exact sum.

use super::{run, timed};
use anyhow::{bail, Context};
use sea_orm::{ConnectionTrait, Statement};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Wall time of `sqlite3 .import` of the usage file into a fresh database.
pub fn sqlite3_import(dir: &Path) -> anyhow::Result<f64> {
    let db = dir.join("baseline.db");
    let _ = std::fs::remove_file(&db);
    let script = dir.join("baseline.sql");
    std::fs::write(
        &script,
        format!(
            "CREATE TABLE usage (contract TEXT, date TEXT, amount TEXT, quantity TEXT, unit TEXT, sku TEXT);\n\
             .mode csv\n.import --skip 1 {} usage\n",
            dir.join("usage.csv").display()
        ),
    )?;
    let (seconds, _) = timed(
        Command::new("sqlite3")
            .arg(&db)
            .arg(format!(".read {}", script.display())),
    )?;
    let _ = std::fs::remove_file(&db);
    Ok(seconds)
}

/// A fresh database named `name` on the server of `admin_url` (a `…/postgres` URL).
pub fn fresh_postgres(admin_url: &str, name: &str) -> anyhow::Result<String> {
    for sql in [
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name}"),
    ] {
        run(Command::new("psql").args([admin_url, "-q", "-c", &sql]))?;
    }
    let base = admin_url
        .rsplit_once('/')
        .map(|(server, _)| server)
        .context("a PostgreSQL URL ends in /database")?;
    Ok(format!("{base}/{name}"))
}

/// Wall time of `psql \copy` of the usage file into a table of TEXT columns.
pub fn psql_copy(url: &str, dir: &Path) -> anyhow::Result<f64> {
    run(Command::new("psql").args([
        url,
        "-q",
        "-c",
        "CREATE TABLE usage_text (contract text, date text, amount text, quantity text, unit text, sku text)",
    ]))?;
    let copy = format!(
        "\\copy usage_text FROM '{}' WITH (FORMAT csv, HEADER true)",
        dir.join("usage.csv").display()
    );
    let (seconds, _) = timed(Command::new("psql").args([url, "-q", "-c", &copy]))?;
    run(Command::new("psql").args([url, "-q", "-c", "DROP TABLE usage_text"]))?;
    Ok(seconds)
}

/// The imported ledger holds exactly the file: as many rows, and each contract's amounts sum
/// to the file's to the millionth.
pub async fn check_ledger(url: &str, dir: &Path) -> anyhow::Result<u64> {
    let mut want: BTreeMap<String, (i64, i128)> = BTreeMap::new();
    let mut reader = csv::Reader::from_path(dir.join("usage.csv"))?;
    let header = reader.headers()?.clone();
    let at = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .context(name.to_owned())
    };
    let (contract, amount) = (at("contract")?, at("amount")?);
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record)? {
        let e6 = domain::exact::parse(&record[amount]).map_err(anyhow::Error::msg)?;
        let entry = want.entry(record[contract].to_owned()).or_default();
        entry.0 += 1;
        entry.1 += i128::from(e6);
    }
    let db = store::connect(url).await?;
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT c.reference, CAST(COUNT(*) AS BIGINT) AS n, \
             CAST(SUM(u.amount_e6) AS TEXT) AS total \
             FROM usage_entries u JOIN contracts c ON c.id = u.contract_id GROUP BY c.reference",
        ))
        .await?;
    let mut got: BTreeMap<String, (i64, i128)> = BTreeMap::new();
    for row in rows {
        let reference: String = row.try_get("", "reference")?;
        let n: i64 = row.try_get("", "n")?;
        let total: String = row.try_get("", "total")?;
        got.insert(reference, (n, total.parse()?));
    }
    if got != want {
        bail!("the imported ledger differs from the file: {got:?} vs {want:?}");
    }
    Ok(want.values().map(|(n, _)| *n as u64).sum())
}
