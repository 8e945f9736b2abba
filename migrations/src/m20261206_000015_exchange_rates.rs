use sea_orm_migration::{prelude::*, schema::*};

/// Exchange rates as ledger data: one rate per day, base and currency, kept exactly (units of
/// the currency per unit of the base × 10^10), never as a float.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("exchange_rates")
                .col(big_pk_auto("id"))
                .col(date("date"))
                .col(string_len("base", 3))
                .col(string_len("currency", 3))
                .col(big_integer("rate_e10"))
                .check(Expr::col("rate_e10").gt(0))
                .col(timestamp_with_time_zone("recorded_at"))
                .col(string("recorded_by"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("exchange_rates_day")
                .table("exchange_rates")
                .col("base")
                .col("currency")
                .col("date")
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("exchange_rates").to_owned())
            .await
    }
}
