use sea_orm_migration::{prelude::*, schema::*};

/// Failed sign-ins, counted in the database so the limit holds across server processes (the
/// in-memory count let an attacker try the limit once per process). Swept after the window.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("login_failures")
                .col(big_pk_auto("id"))
                // "user:<name>" or "ip:<address>".
                .col(string("key"))
                .col(timestamp_with_time_zone("failed_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_login_failures_key_at")
                .table("login_failures")
                .col("key")
                .col("failed_at")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("login_failures").to_owned())
            .await
    }
}
