use crate::m20261123_000001_ledger::fk;
use sea_orm_migration::sea_orm::Statement;
use sea_orm_migration::{prelude::*, schema::*};

/// Usage as providers bill it: every entry belongs to a vendor and only optionally to a
/// contract (on-demand spend burns no commitment), amounts are exact to a millionth of the
/// currency unit (FOCUS costs carry sub-cent digits), and quantities are signed (refunds).
///
/// Nullability and CHECK constraints cannot be altered in SQLite, so both tables are rebuilt
/// and copied, on both backends alike. The rollup keeps `contract_id = 0` for spend under no
/// contract: it is derived state keyed by (contract, day, vendor), and a NULL cannot be part of
/// a primary key.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// Cents past this would not fit an i64 once scaled to millionths.
const LARGEST_MINOR: i64 = i64::MAX / 10_000;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let backend = m.get_database_backend();
        for (table, column) in [
            ("usage_entries", "amount_minor"),
            ("usage_daily", "amount_minor"),
        ] {
            let sql = format!(
                "SELECT COUNT(*) AS n FROM {table} WHERE {column} > {LARGEST_MINOR} OR {column} < -{LARGEST_MINOR}"
            );
            let row = db
                .query_one_raw(Statement::from_string(backend, sql))
                .await?
                .ok_or_else(|| DbErr::Migration("count returned no row".into()))?;
            let n: i64 = row.try_get_by_index(0)?;
            if n > 0 {
                return Err(DbErr::Migration(format!(
                    "{n} rows of {table} hold more than 922,337,203,685.47 (a day's usage this large cannot be kept exact to a millionth); correct them with the previous version first"
                )));
            }
        }

        m.create_table(
            Table::create()
                .table("usage_entries_v8")
                .col(big_pk_auto("id"))
                .col(big_integer("vendor_id"))
                .col(big_integer_null("contract_id"))
                .col(date("date"))
                .col(big_integer("amount_e6"))
                .col(char_len("currency", 3))
                .col(big_integer("quantity_micros"))
                .col(string("unit"))
                .col(string("sku"))
                .col(big_integer_null("import_id"))
                .col(ColumnDef::new("region").string().not_null().default(""))
                .col(ColumnDef::new("row_hash").string_len(32).null())
                .foreign_key(&mut fk("usage_entries", "vendor_id", "vendors"))
                .foreign_key(&mut fk("usage_entries", "contract_id", "contracts"))
                .foreign_key(&mut fk("usage_entries", "import_id", "imports"))
                .to_owned(),
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO usage_entries_v8 (id, vendor_id, contract_id, date, amount_e6, currency, \
             quantity_micros, unit, sku, import_id, region, row_hash) \
             SELECT u.id, c.vendor_id, u.contract_id, u.date, u.amount_minor * 10000, u.currency, \
             u.quantity_micros, u.unit, u.sku, u.import_id, u.region, u.row_hash \
             FROM usage_entries u JOIN contracts c ON c.id = u.contract_id",
        )
        .await?;
        db.execute_unprepared("DROP TABLE usage_entries").await?;
        db.execute_unprepared("ALTER TABLE usage_entries_v8 RENAME TO usage_entries")
            .await?;
        if backend == sea_orm::DatabaseBackend::Postgres {
            // The copied ids were given explicitly; the new table's sequence starts past them.
            db.execute_unprepared(
                "SELECT setval(pg_get_serial_sequence('usage_entries', 'id'), \
                 COALESCE((SELECT MAX(id) FROM usage_entries), 0) + 1, false)",
            )
            .await?;
        }
        m.create_index(
            Index::create()
                .name("ix_usage_contract_date")
                .table("usage_entries")
                .col("contract_id")
                .col("date")
                .to_owned(),
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_usage_entries_row_hash ON usage_entries (row_hash) \
             WHERE row_hash IS NOT NULL",
        )
        .await?;

        m.create_table(
            Table::create()
                .table("usage_daily_v8")
                .col(big_integer("contract_id"))
                .col(date("date"))
                .col(big_integer("vendor_id"))
                .col(big_integer("amount_e6"))
                .col(big_integer("quantity_micros"))
                .col(big_integer("entries"))
                .primary_key(
                    Index::create()
                        .col("contract_id")
                        .col("date")
                        .col("vendor_id"),
                )
                .to_owned(),
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO usage_daily_v8 (contract_id, date, vendor_id, amount_e6, quantity_micros, entries) \
             SELECT d.contract_id, d.date, c.vendor_id, d.amount_minor * 10000, d.quantity_micros, d.entries \
             FROM usage_daily d JOIN contracts c ON c.id = d.contract_id",
        )
        .await?;
        db.execute_unprepared("DROP TABLE usage_daily").await?;
        db.execute_unprepared("ALTER TABLE usage_daily_v8 RENAME TO usage_daily")
            .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "usage with sub-cent amounts or under no contract cannot be represented by the previous schema; restore a backup instead".into(),
        ))
    }
}
