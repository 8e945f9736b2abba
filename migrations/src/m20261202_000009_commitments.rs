use crate::m20261123_000001_ledger::fk;
use sea_orm_migration::{prelude::*, schema::*};

/// Commitments become their own rows: a contract (the agreement) holds one or more, each with
/// its own category, amount or quantity, model, fulfilment interval, period and scope. Every
/// existing contract gets one commitment equal to its terms, keyed by the contract's
/// reference, and every usage entry under a contract is applied to it, so reports give the
/// same numbers as before.
///
/// The contract's own `committed_minor`, `commitment_model` and `fulfillment_interval` are
/// retired: SQLite cannot drop a column that a table CHECK names, so they stay, reset to zero
/// and the defaults, and nothing reads them.
///
/// The usage rollup gains the commitment in its key (`commitment_id = 0`: applied to none), so
/// it is rebuilt from the entries.
#[derive(DeriveMigrationName)]
pub struct Migration;

const CATEGORIES: [&str; 2] = ["spend", "usage"];
const MODELS: [&str; 2] = ["build_up", "burn_down"];
const INTERVALS: [&str; 4] = ["term", "annual", "quarterly", "monthly"];

fn one_of(column: &'static str, words: &[&str]) -> Expr {
    Expr::col(column).is_in(words.iter().copied())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        m.create_table(
            Table::create()
                .table("commitments")
                .col(big_pk_auto("id"))
                .col(big_integer("contract_id"))
                .col(string("reference"))
                .col(string("category"))
                .col(big_integer("committed_minor"))
                .col(big_integer_null("quantity_micros"))
                .col(string("unit"))
                .col(string("commitment_model"))
                .col(string("fulfillment_interval"))
                .col(date("start_date"))
                .col(date("end_date"))
                .col(string("scope"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("commitments", "contract_id", "contracts"))
                .check(Expr::col("end_date").gte(Expr::col("start_date")))
                .check(Expr::col("committed_minor").gte(0))
                .check(one_of("category", &CATEGORIES))
                .check(one_of("commitment_model", &MODELS))
                .check(one_of("fulfillment_interval", &INTERVALS))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_commitments_contract_reference")
                .table("commitments")
                .col("contract_id")
                .col("reference")
                .unique()
                .to_owned(),
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO commitments (contract_id, reference, category, committed_minor, quantity_micros, \
             unit, commitment_model, fulfillment_interval, start_date, end_date, scope, created_at) \
             SELECT id, reference, 'spend', committed_minor, NULL, '', commitment_model, \
             fulfillment_interval, start_date, end_date, '', created_at FROM contracts",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE contracts SET committed_minor = 0, commitment_model = 'build_up', \
             fulfillment_interval = 'term'",
        )
        .await?;

        db.execute_unprepared(
            "ALTER TABLE usage_entries ADD COLUMN commitment_id BIGINT NULL REFERENCES commitments (id)",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE usage_entries SET commitment_id = \
             (SELECT k.id FROM commitments k WHERE k.contract_id = usage_entries.contract_id) \
             WHERE contract_id IS NOT NULL",
        )
        .await?;

        m.create_table(
            Table::create()
                .table("usage_daily_v9")
                .col(big_integer("contract_id"))
                .col(big_integer("commitment_id"))
                .col(date("date"))
                .col(big_integer("vendor_id"))
                .col(big_integer("amount_e6"))
                .col(big_integer("quantity_micros"))
                .col(big_integer("entries"))
                .primary_key(
                    Index::create()
                        .col("contract_id")
                        .col("commitment_id")
                        .col("date")
                        .col("vendor_id"),
                )
                .to_owned(),
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO usage_daily_v9 (contract_id, commitment_id, date, vendor_id, amount_e6, \
             quantity_micros, entries) \
             SELECT d.contract_id, COALESCE(k.id, 0), d.date, d.vendor_id, d.amount_e6, \
             d.quantity_micros, d.entries \
             FROM usage_daily d LEFT JOIN commitments k ON k.contract_id = d.contract_id",
        )
        .await?;
        db.execute_unprepared("DROP TABLE usage_daily").await?;
        db.execute_unprepared("ALTER TABLE usage_daily_v9 RENAME TO usage_daily")
            .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "several commitments per contract cannot be represented by the previous schema; restore a backup instead".into(),
        ))
    }
}
