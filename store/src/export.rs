//! CSV export of the raw ledger in the ledger CSV formats (README, File formats), so that exporting and importing into
//! an empty database gives the same ledger. Rows are read in keyset pages, never all at once.
//!
//! Values are written as stored, without spreadsheet formula escaping: these files are for
//! re-import, and escaping would change the data. Reports meant for spreadsheets escape.

use crate::import::LedgerFile;
use chrono::NaiveDate;
use domain::decimal::{format_scaled, format_scaled_trimmed};
use domain::money::MINOR_PLACES;
use domain::quantity::QUANTITY_PLACES;
use sea_orm::sea_query::{Expr, ExprTrait, JoinType, Query};
use sea_orm::{ConnectionTrait, DbErr, QueryResult, Statement};
use std::io::Write;
use std::path::Path;

const PAGE_ROWS: usize = 50_000;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("database error during export: {0}")]
    Database(#[from] DbErr),
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot write the export: {0}")]
    Csv(#[from] csv::Error),
}

/// The query behind one file: `{after}` is the last id of the previous page.
fn query(kind: LedgerFile) -> &'static str {
    match kind {
        LedgerFile::Vendors => "SELECT v.id, v.name, v.kind FROM vendors v WHERE v.id > {after} ORDER BY v.id",
        // The contract's own commitment rides on its row; a contract without one has no amount.
        LedgerFile::Contracts | LedgerFile::FocusContracts => "SELECT c.id, c.reference, v.name AS vendor, c.start_date, c.end_date, \
            k.committed_minor, c.currency, c.title, COALESCE(k.commitment_model, '') AS commitment_model, \
            COALESCE(k.fulfillment_interval, '') AS fulfillment_interval, c.notes \
            FROM contracts c JOIN vendors v ON v.id = c.vendor_id \
            LEFT JOIN commitments k ON k.contract_id = c.id AND k.reference = c.reference \
            WHERE c.id > {after} ORDER BY c.id",
        LedgerFile::Commitments => "SELECT k.id, c.reference AS contract, k.reference AS commitment, k.start_date, \
            k.end_date, k.category, k.committed_minor, k.quantity_micros, k.unit, k.commitment_model, \
            k.fulfillment_interval, k.scope FROM commitments k JOIN contracts c ON c.id = k.contract_id \
            WHERE k.reference <> c.reference AND k.id > {after} ORDER BY k.id",
        LedgerFile::Deliveries => "SELECT p.id, c.reference AS contract, p.phase, p.resource, p.region, \
            p.planned_date, p.planned_quantity_micros, p.planned_power_micros FROM delivery_phases p \
            JOIN contracts c ON c.id = p.contract_id WHERE p.id > {after} ORDER BY p.id",
        LedgerFile::Receipts => "SELECT r.id, c.reference AS contract, p.phase, r.date, r.quantity_micros, r.note, \
            r.power_micros \
            FROM delivery_receipts r JOIN delivery_phases p ON p.id = r.phase_id \
            JOIN contracts c ON c.id = p.contract_id WHERE r.id > {after} ORDER BY r.id",
        LedgerFile::Usage | LedgerFile::FocusUsage => "SELECT u.id, c.reference AS contract, u.date, u.amount_e6, u.quantity_micros, \
            u.unit, u.sku, CASE WHEN c.id IS NULL THEN v.name ELSE '' END AS vendor, \
            CASE WHEN c.id IS NULL THEN u.currency ELSE '' END AS currency, \
            COALESCE(k.reference, '') AS commitment \
            FROM usage_entries u LEFT JOIN contracts c ON c.id = u.contract_id \
            LEFT JOIN commitments k ON k.id = u.commitment_id \
            JOIN vendors v ON v.id = u.vendor_id WHERE u.id > {after} ORDER BY u.id",
        LedgerFile::Revenue => "SELECT r.id, r.period_start, r.amount_minor, r.currency FROM revenue_entries r \
            WHERE r.id > {after} ORDER BY r.id",
    }
}

fn record(kind: LedgerFile, row: &QueryResult) -> Result<Vec<String>, DbErr> {
    let text = |c: &str| row.try_get::<String>("", c);
    let date = |c: &str| row.try_get::<NaiveDate>("", c).map(|d| d.to_string());
    let money = |c: &str| {
        row.try_get::<i64>("", c)
            .map(|v| format_scaled(v, MINOR_PLACES))
    };
    let quantity = |c: &str| {
        row.try_get::<i64>("", c)
            .map(|v| format_scaled_trimmed(v, QUANTITY_PLACES))
    };
    let optional_quantity = |c: &str| {
        row.try_get::<Option<i64>>("", c).map(|v| {
            v.map(|v| format_scaled_trimmed(v, QUANTITY_PLACES))
                .unwrap_or_default()
        })
    };
    Ok(match kind {
        LedgerFile::Vendors => vec![text("name")?, text("kind")?],
        LedgerFile::Contracts | LedgerFile::FocusContracts => vec![
            text("reference")?,
            text("vendor")?,
            date("start_date")?,
            date("end_date")?,
            row.try_get::<Option<i64>>("", "committed_minor")?
                .map(|v| format_scaled(v, MINOR_PLACES))
                .unwrap_or_default(),
            text("currency")?,
            text("title")?,
            text("commitment_model")?,
            text("fulfillment_interval")?,
            text("notes")?,
        ],
        LedgerFile::Commitments => vec![
            text("contract")?,
            text("commitment")?,
            date("start_date")?,
            date("end_date")?,
            text("category")?,
            money("committed_minor")?,
            optional_quantity("quantity_micros")?,
            text("unit")?,
            text("commitment_model")?,
            text("fulfillment_interval")?,
            text("scope")?,
        ],
        LedgerFile::Deliveries => vec![
            text("contract")?,
            text("phase")?,
            text("resource")?,
            text("region")?,
            date("planned_date")?,
            quantity("planned_quantity_micros")?,
            optional_quantity("planned_power_micros")?,
        ],
        LedgerFile::Receipts => {
            vec![
                text("contract")?,
                text("phase")?,
                date("date")?,
                quantity("quantity_micros")?,
                text("note")?,
                optional_quantity("power_micros")?,
            ]
        }
        // Spend under no contract names its vendor and currency; a contract's rows leave
        // them to the contract. Amounts keep every place they were billed with.
        LedgerFile::Usage | LedgerFile::FocusUsage => vec![
            row.try_get::<Option<String>>("", "contract")?
                .unwrap_or_default(),
            date("date")?,
            row.try_get::<i64>("", "amount_e6")
                .map(domain::exact::format_full)?,
            quantity("quantity_micros")?,
            text("unit")?,
            text("sku")?,
            text("vendor")?,
            text("currency")?,
            text("commitment")?,
        ],
        LedgerFile::Revenue => vec![
            date("period_start")?,
            money("amount_minor")?,
            text("currency")?,
        ],
    })
}

/// Writes one table as CSV; returns the number of data rows.
pub async fn export_table(
    db: &impl ConnectionTrait,
    kind: LedgerFile,
    out: impl Write,
) -> Result<u64, ExportError> {
    let mut writer = csv::Writer::from_writer(out);
    let backend = db.get_database_backend();
    let mut header = kind.ledger_kind().column_names();
    // The vendor and currency columns only where spend under no contract needs them, and the
    // commitment only where a contract has further commitments: a ledger of one commitment
    // per contract exports the same usage file as before these columns existed.
    let columns = if kind.ledger_kind() != LedgerFile::Usage {
        header.len()
    } else if has_further_commitments(db).await? {
        header.len()
    } else if has_spend_under_no_contract(db).await? {
        header.len() - 1
    } else {
        header.len() - 3
    };
    header.truncate(columns);
    writer.write_record(header)?;
    let mut after = 0i64;
    let mut rows = 0u64;
    loop {
        let sql = format!(
            "{} LIMIT {PAGE_ROWS}",
            query(kind).replace("{after}", &after.to_string())
        );
        let page = db
            .query_all_raw(Statement::from_string(backend, sql))
            .await?;
        for row in &page {
            let mut fields = record(kind, row)?;
            fields.truncate(columns);
            writer.write_record(fields)?;
            after = row.try_get("", "id")?;
        }
        rows += page.len() as u64;
        if page.len() < PAGE_ROWS {
            break;
        }
    }
    writer.flush()?;
    Ok(rows)
}

async fn has_spend_under_no_contract(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    let query = Query::select()
        .column("id")
        .from("usage_entries")
        .and_where(Expr::col("contract_id").is_null())
        .to_owned();
    crate::db::any_row(db, query).await
}

async fn has_further_commitments(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    let query = Query::select()
        .column(("k", "id"))
        .from_as("commitments", "k")
        .join_as(
            JoinType::InnerJoin,
            "contracts",
            "c",
            Expr::col(("c", "id")).equals(("k", "contract_id")),
        )
        .and_where(Expr::col(("k", "reference")).not_equals(("c", "reference")))
        .to_owned();
    crate::db::any_row(db, query).await
}

/// Writes all the ledger's files into `dir` (created if missing).
pub async fn export_dir(
    db: &impl ConnectionTrait,
    dir: &Path,
) -> Result<Vec<(LedgerFile, u64)>, ExportError> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for kind in LedgerFile::ALL {
        let path = dir.join(kind.file_name());
        // A ledger of one commitment per contract writes the same files as before further
        // commitments existed (an older export's file in the way is emptied, not left stale).
        if *kind == LedgerFile::Commitments && !has_further_commitments(db).await? {
            if path.exists() {
                std::fs::File::create(&path)?;
            }
            continue;
        }
        let file = std::io::BufWriter::new(std::fs::File::create(path)?);
        written.push((*kind, export_table(db, *kind, file).await?));
    }
    Ok(written)
}
