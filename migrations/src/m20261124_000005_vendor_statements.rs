use sea_orm_migration::{prelude::*, schema::*};

/// What a vendor says was consumed on a contract up to a date, to reconcile against the ledger.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("vendor_statements")
                .col(big_pk_auto("id"))
                .col(big_integer("contract_id"))
                .col(date("as_of"))
                .col(big_integer("consumed_minor"))
                .col(big_integer("tolerance_minor"))
                .col(string("note"))
                .col(timestamp_with_time_zone("recorded_at"))
                .col(string("recorded_by"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_vendor_statements_contract_id")
                        .from("vendor_statements", "contract_id")
                        .to("contracts", "id"),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("vendor_statements").to_owned())
            .await
    }
}
