use sea_orm_migration::{prelude::*, schema::*};

/// Months closed for the books: no usage, revenue or receipt dated in one may be added or
/// changed until an admin reopens it. A row per closed month (its first day).
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("closed_periods")
                .col(date("month").primary_key())
                .col(timestamp_with_time_zone("closed_at"))
                .col(string("closed_by"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("closed_periods").to_owned())
            .await
    }
}
