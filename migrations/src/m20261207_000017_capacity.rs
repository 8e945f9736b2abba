use sea_orm_migration::{prelude::*, schema::*};

/// Capacity beside the money: the power a phase brings (MW, where the contract states it; a
/// phase may state accelerators and power both) and the power a receipt delivered, both
/// optional; and rate cards — the price a contract expects per unit-hour of a resource from a
/// day on, and the utilisation it expects — which drive the plan-driven forecast.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [
            ("delivery_phases", "planned_power_micros"),
            ("delivery_receipts", "power_micros"),
        ] {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .add_column(ColumnDef::new(column).big_integer().null())
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table("rate_cards")
                .col(big_pk_auto("id"))
                .col(big_integer("contract_id"))
                .col(string("resource"))
                .col(date("from_date"))
                .col(big_integer("price_e6"))
                .col(big_integer("utilisation_bp"))
                .check(Expr::col("price_e6").gt(0))
                .check(Expr::col("utilisation_bp").gt(0))
                .col(timestamp_with_time_zone("recorded_at"))
                .col(string("recorded_by"))
                .foreign_key(&mut crate::m20261123_000001_ledger::fk(
                    "rate_cards",
                    "contract_id",
                    "contracts",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("rate_cards_from")
                .table("rate_cards")
                .col("contract_id")
                .col("resource")
                .col("from_date")
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("rate_cards").to_owned())
            .await?;
        for (table, column) in [
            ("delivery_receipts", "power_micros"),
            ("delivery_phases", "planned_power_micros"),
        ] {
            m.alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
