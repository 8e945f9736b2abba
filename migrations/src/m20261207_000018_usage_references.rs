use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{DatabaseBackend, Statement};

/// Usage entries keep their references (vendor, contract, commitment, import) without
/// foreign-key constraints. Every row's references are resolved by its writer in the same
/// transaction (the importer from the ledger it reads at the start of the import, the forms
/// and the API by looking the reference up), and no parent is deleted while usage refers to
/// it (contracts and vendors are archived, never deleted; a commitment with applied usage and
/// an import with rows refuse deletion). The constraints only re-checked that, four lookups
/// per row: on PostgreSQL 85% of a bulk insert's time, on SQLite a fifth.
///
/// PostgreSQL drops the constraints; SQLite cannot, so the table is rebuilt and copied (ids
/// kept, so the AUTOINCREMENT counter and every audit entry's id still hold) and its indexes
/// recreated as they were.
#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: &str = "id, vendor_id, contract_id, date, amount_e6, currency, quantity_micros, \
    unit, sku, import_id, region, row_hash, commitment_id, pricing_currency, pricing_cost_e6";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if m.get_database_backend() == DatabaseBackend::Postgres {
            return db
                .execute_unprepared(
                    "DO $$ DECLARE c record; BEGIN \
                     FOR c IN SELECT conname FROM pg_constraint \
                     WHERE conrelid = 'usage_entries'::regclass AND contype = 'f' LOOP \
                     EXECUTE format('ALTER TABLE usage_entries DROP CONSTRAINT %I', c.conname); \
                     END LOOP; END $$",
                )
                .await
                .map(drop);
        }
        let indexes: Vec<String> = db
            .query_all_raw(Statement::from_string(
                DatabaseBackend::Sqlite,
                "SELECT sql FROM sqlite_master WHERE type = 'index' \
                 AND tbl_name = 'usage_entries' AND sql IS NOT NULL",
            ))
            .await?
            .iter()
            .map(|row| row.try_get_by_index::<String>(0))
            .collect::<Result<_, _>>()?;
        db.execute_unprepared(
            "CREATE TABLE usage_entries_v18 ( \
             id integer NOT NULL PRIMARY KEY AUTOINCREMENT, vendor_id integer NOT NULL, \
             contract_id integer NULL, date date_text NOT NULL, amount_e6 integer NOT NULL, \
             currency char(3) NOT NULL, quantity_micros integer NOT NULL, unit varchar NOT NULL, \
             sku varchar NOT NULL, import_id integer NULL, region varchar NOT NULL DEFAULT '', \
             row_hash varchar(32) NULL, commitment_id bigint NULL, \
             pricing_currency varchar(3) NOT NULL DEFAULT '', pricing_cost_e6 integer NULL )",
        )
        .await?;
        db.execute_unprepared(&format!(
            "INSERT INTO usage_entries_v18 ({COLUMNS}) SELECT {COLUMNS} FROM usage_entries"
        ))
        .await?;
        db.execute_unprepared("DROP TABLE usage_entries").await?;
        db.execute_unprepared("ALTER TABLE usage_entries_v18 RENAME TO usage_entries")
            .await?;
        for index in indexes {
            db.execute_unprepared(&index).await?;
        }
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "usage's foreign keys are not restored; restore a backup to go back".into(),
        ))
    }
}
