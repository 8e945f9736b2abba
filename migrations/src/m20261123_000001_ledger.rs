use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const VENDOR_KINDS: [&str; 4] = ["hyperscaler", "neocloud", "colocation", "other"];
const COMMITMENT_MODELS: [&str; 2] = ["build_up", "burn_down"];
const FULFILLMENT_INTERVALS: [&str; 2] = ["term", "annual"];
const ROLES: [&str; 4] = ["viewer", "editor", "analyst", "admin"];

pub(crate) fn fk(
    from: &'static str,
    column: &'static str,
    to: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from}_{column}"))
        .from(from, column)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

fn non_negative(column: &'static str) -> Expr {
    Expr::col(column).gte(0)
}

fn one_of(column: &'static str, words: &[&str]) -> Expr {
    Expr::col(column).is_in(words.iter().copied())
}

fn index(
    name: &str,
    table: &'static str,
    columns: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(*column);
    }
    if unique {
        index.unique();
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("users")
                .col(big_pk_auto("id"))
                .col(string_uniq("username"))
                .col(string("password_hash"))
                .col(string("role"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("disabled_at"))
                .check(one_of("role", &ROLES))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("vendors")
                .col(big_pk_auto("id"))
                .col(string_uniq("name"))
                .col(string("kind"))
                .col(timestamp_with_time_zone("created_at"))
                .check(one_of("kind", &VENDOR_KINDS))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("contracts")
                .col(big_pk_auto("id"))
                .col(string_uniq("reference"))
                .col(big_integer("vendor_id"))
                .col(string("title"))
                .col(date("start_date"))
                .col(date("end_date"))
                .col(big_integer("committed_minor"))
                .col(char_len("currency", 3))
                .col(string("commitment_model"))
                .col(string("fulfillment_interval"))
                .col(text("notes"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("archived_at"))
                .foreign_key(&mut fk("contracts", "vendor_id", "vendors"))
                .check(Expr::col("end_date").gte(Expr::col("start_date")))
                .check(non_negative("committed_minor"))
                .check(one_of("commitment_model", &COMMITMENT_MODELS))
                .check(one_of("fulfillment_interval", &FULFILLMENT_INTERVALS))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_contracts_vendor",
            "contracts",
            &["vendor_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("delivery_phases")
                .col(big_pk_auto("id"))
                .col(big_integer("contract_id"))
                .col(string("phase"))
                .col(string("resource"))
                .col(string("region"))
                .col(date("planned_date"))
                .col(big_integer("planned_quantity_micros"))
                .foreign_key(&mut fk("delivery_phases", "contract_id", "contracts"))
                .check(non_negative("planned_quantity_micros"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_phases_contract_phase",
            "delivery_phases",
            &["contract_id", "phase"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("delivery_receipts")
                .col(big_pk_auto("id"))
                .col(big_integer("phase_id"))
                .col(date("date"))
                .col(big_integer("quantity_micros"))
                .col(text("note"))
                .foreign_key(&mut fk("delivery_receipts", "phase_id", "delivery_phases"))
                .check(non_negative("quantity_micros"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_receipts_phase_date",
            "delivery_receipts",
            &["phase_id", "date"],
            false,
        ))
        .await?;

        // One row per CSV file imported: attribution, and the checksum that stops the same
        // file being imported twice.
        m.create_table(
            Table::create()
                .table("imports")
                .col(big_pk_auto("id"))
                .col(string("kind"))
                .col(string("file_name"))
                .col(char_len("sha256", 64))
                .col(big_integer("row_count"))
                .col(string("imported_by"))
                .col(timestamp_with_time_zone("imported_at"))
                .check(non_negative("row_count"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_imports_kind_sha256",
            "imports",
            &["kind", "sha256"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("usage_entries")
                .col(big_pk_auto("id"))
                .col(big_integer("contract_id"))
                .col(date("date"))
                .col(big_integer("amount_minor"))
                .col(char_len("currency", 3))
                .col(big_integer("quantity_micros"))
                .col(string("unit"))
                .col(string("sku"))
                .col(big_integer_null("import_id"))
                .foreign_key(&mut fk("usage_entries", "contract_id", "contracts"))
                .foreign_key(&mut fk("usage_entries", "import_id", "imports"))
                .check(non_negative("quantity_micros"))
                .to_owned(),
        )
        .await?;
        // Every report reads usage by contract over a date range.
        m.create_index(index(
            "ix_usage_contract_date",
            "usage_entries",
            &["contract_id", "date"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("revenue_entries")
                .col(big_pk_auto("id"))
                .col(date("period_start"))
                .col(big_integer("amount_minor"))
                .col(char_len("currency", 3))
                .check(non_negative("amount_minor"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_revenue_period_currency",
            "revenue_entries",
            &["period_start", "currency"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("audit_log")
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(string("actor"))
                .col(string("entity"))
                .col(string_null("entity_id"))
                .col(string("action"))
                .col(json_null("before"))
                .col(json_null("after"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_audit_entity",
            "audit_log",
            &["entity", "entity_id"],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "audit_log",
            "revenue_entries",
            "usage_entries",
            "imports",
            "delivery_receipts",
            "delivery_phases",
            "contracts",
            "vendors",
            "users",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
