use sea_orm_migration::{prelude::*, schema::*};

/// Usage summed per contract and day, kept in the same transaction as every usage write, so
/// that reports read thousands of rows instead of millions.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("usage_daily")
                .col(big_integer("contract_id"))
                .col(date("date"))
                .col(big_integer("amount_minor"))
                .col(big_integer("quantity_micros"))
                .col(big_integer("entries"))
                .primary_key(Index::create().col("contract_id").col("date"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_usage_daily_contract_id")
                        .from("usage_daily", "contract_id")
                        .to("contracts", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO usage_daily (contract_id, date, amount_minor, quantity_micros, entries) \
                 SELECT contract_id, date, SUM(amount_minor), SUM(quantity_micros), COUNT(*) \
                 FROM usage_entries GROUP BY contract_id, date",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("usage_daily").to_owned())
            .await
    }
}
