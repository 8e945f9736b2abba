use sea_orm_migration::{prelude::*, schema::*};

/// Server-side sessions and API tokens. Both are stored as SHA-256 hashes of the secret the
/// client holds, so a copy of the database does not let anyone sign in. Sessions live in the
/// database (not in memory) so that any app process behind the same database accepts them.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("sessions")
                .col(char_len("id_hash", 64).primary_key())
                .col(big_integer("user_id"))
                .col(char_len("csrf_token", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_sessions_user_id")
                        .from("sessions", "user_id")
                        .to("users", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("api_tokens")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string("name"))
                .col(char_len_uniq("token_hash", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_api_tokens_user_id")
                        .from("api_tokens", "user_id")
                        .to("users", "id"),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("api_tokens").to_owned())
            .await?;
        m.drop_table(Table::drop().table("sessions").to_owned())
            .await
    }
}
