use sea_orm_migration::{prelude::*, schema::*};

/// The board pack: finance's commentary per month and section, and the published versions of
/// each month's pack, frozen (the figures as JSON and the PDF as it was sent) so a later
/// correction of the ledger never changes a pack the board already saw.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("board_pack_commentary")
                .col(big_pk_auto("id"))
                // YYYY-MM
                .col(string_len("month", 7))
                .col(string("section"))
                .col(text("body"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(string("updated_by"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("board_pack_commentary_month_section")
                .table("board_pack_commentary")
                .col("month")
                .col("section")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("board_packs")
                .col(big_pk_auto("id"))
                .col(string_len("month", 7))
                .col(integer("version"))
                // The figures the PDF shows, as JSON: what a re-issue is compared with.
                .col(text("content"))
                .col(blob("pdf"))
                // What differs from the version before, one line each (JSON array).
                .col(text("changes"))
                .col(timestamp_with_time_zone("published_at"))
                .col(string("published_by"))
                .col(timestamp_with_time_zone_null("emailed_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("board_packs_month_version")
                .table("board_packs")
                .col("month")
                .col("version")
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["board_packs", "board_pack_commentary"] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
