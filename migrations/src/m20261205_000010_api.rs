use sea_orm_migration::{prelude::*, schema::*};

/// What the JSON API needs: the answers to POSTs sent with an `Idempotency-Key` (kept 24 h per
/// token or user, so a retried script is answered, not recorded twice), and vendors that can be
/// archived like contracts.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("api_idempotency")
                .col(big_pk_auto("id"))
                // "token:<id>" or "user:<id>": a key is private to whoever sent it.
                .col(string("caller"))
                .col(string("key"))
                // SHA-256 of method, path and body: the same key with another request is refused.
                .col(string("request_hash"))
                // 0 while the first request is being answered.
                .col(integer("status"))
                .col(text("body"))
                // The answer's Location header (a created entry's URL), if it had one.
                .col(string_null("location"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("api_idempotency_caller_key")
                .table("api_idempotency")
                .col("caller")
                .col("key")
                .unique()
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("vendors")
                .add_column(timestamp_with_time_zone_null("archived_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("vendors")
                .drop_column("archived_at")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("api_idempotency").to_owned())
            .await
    }
}
