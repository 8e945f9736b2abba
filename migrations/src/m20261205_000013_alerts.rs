use sea_orm_migration::{prelude::*, schema::*};

/// Alerts: the rules, which of their subjects are firing now (a rule fires once when its
/// condition becomes true and again only after it cleared), the events the inbox lists, and
/// the deliveries of each event by webhook and e-mail, retried until they succeed or give up.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("alert_rules")
                .col(big_pk_auto("id"))
                .col(string_uniq("name"))
                .col(string("kind"))
                // Exact: millionths, like every amount.
                .col(big_integer("threshold_e6"))
                .col(string("scope"))
                .col(string_null("webhook_url"))
                // Comma-separated addresses; empty for none.
                .col(string("email_to"))
                .col(timestamp_with_time_zone("created_at"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone_null("removed_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("alert_firing")
                .col(big_pk_auto("id"))
                .col(big_integer("rule_id"))
                .col(string("subject"))
                .col(timestamp_with_time_zone("since"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("alert_firing_rule_subject")
                .table("alert_firing")
                .col("rule_id")
                .col("subject")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("alert_events")
                .col(big_pk_auto("id"))
                .col(big_integer("rule_id"))
                .col(string("rule_name"))
                .col(string("kind"))
                .col(string("subject"))
                .col(text("figure"))
                .col(text("message"))
                .col(string("link"))
                .col(timestamp_with_time_zone("fired_at"))
                .col(timestamp_with_time_zone_null("acknowledged_at"))
                .col(string_null("acknowledged_by"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("alert_deliveries")
                .col(big_pk_auto("id"))
                .col(big_integer("event_id"))
                // "webhook" or "email".
                .col(string("channel"))
                .col(string("target"))
                .col(integer("attempts"))
                // "pending", "sent" or "failed" (gave up).
                .col(string("state"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("alert_deliveries_due")
                .table("alert_deliveries")
                .col("state")
                .col("next_attempt_at")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "alert_deliveries",
            "alert_events",
            "alert_firing",
            "alert_rules",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
