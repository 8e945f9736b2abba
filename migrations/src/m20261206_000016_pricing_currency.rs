use sea_orm_migration::prelude::*;

/// A FOCUS row priced in one currency and billed in another (`PricingCurrency` ≠
/// `BillingCurrency`): the ledger records the billed amount, and keeps the pricing currency
/// and the row's cost in it beside the entry. Empty and NULL on every other entry.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("usage_entries")
                .add_column(
                    ColumnDef::new("pricing_currency")
                        .string_len(3)
                        .not_null()
                        .default(""),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("usage_entries")
                .add_column(ColumnDef::new("pricing_cost_e6").big_integer().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["pricing_cost_e6", "pricing_currency"] {
            m.alter_table(
                Table::alter()
                    .table("usage_entries")
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
