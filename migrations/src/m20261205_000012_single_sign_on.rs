use sea_orm_migration::{prelude::*, schema::*};

/// OpenID Connect sign-in: a user's e-mail (how the identity provider's user is matched to a
/// ledger user), and the sign-ins under way between the redirect to the provider and its
/// answer (in the database, so the answer may reach any server; taken once, so a replayed
/// answer finds nothing).
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(string_null("email"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("users_email")
                .table("users")
                .col("email")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("oidc_logins")
                // The OAuth `state`: random, sent to the provider and back.
                .col(string("state").primary_key())
                .col(string("nonce"))
                .col(string("pkce_verifier"))
                // Where the user was going when asked to sign in.
                .col(string("next"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("oidc_logins").to_owned())
            .await?;
        m.drop_index(Index::drop().name("users_email").table("users").to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table("users")
                .drop_column("email")
                .to_owned(),
        )
        .await
    }
}
