//! The ledger schema. Money is BIGINT minor units (cents) beside a currency column, usage
//! amounts BIGINT millionths of the unit (exact sub-cent costs); capacity is BIGINT
//! millionths. Never REAL: aggregation over millions of rows must stay exact.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_ledger;
mod m20261123_000002_usage_daily;
mod m20261124_000003_sessions_and_tokens;
mod m20261124_000004_closed_periods;
mod m20261124_000005_vendor_statements;
mod m20261124_000006_focus_usage;
mod m20261124_000007_scenarios;
mod m20261201_000008_vendor_spend;
mod m20261202_000009_commitments;
mod m20261205_000010_api;
mod m20261205_000011_login_failures;
mod m20261205_000012_single_sign_on;
mod m20261205_000013_alerts;
mod m20261206_000014_board_packs;
mod m20261206_000015_exchange_rates;
mod m20261206_000016_pricing_currency;
mod m20261207_000017_capacity;
mod m20261207_000018_usage_references;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_ledger::Migration),
            Box::new(m20261123_000002_usage_daily::Migration),
            Box::new(m20261124_000003_sessions_and_tokens::Migration),
            Box::new(m20261124_000004_closed_periods::Migration),
            Box::new(m20261124_000005_vendor_statements::Migration),
            Box::new(m20261124_000006_focus_usage::Migration),
            Box::new(m20261124_000007_scenarios::Migration),
            Box::new(m20261201_000008_vendor_spend::Migration),
            Box::new(m20261202_000009_commitments::Migration),
            Box::new(m20261205_000010_api::Migration),
            Box::new(m20261205_000011_login_failures::Migration),
            Box::new(m20261205_000012_single_sign_on::Migration),
            Box::new(m20261205_000013_alerts::Migration),
            Box::new(m20261206_000014_board_packs::Migration),
            Box::new(m20261206_000015_exchange_rates::Migration),
            Box::new(m20261206_000016_pricing_currency::Migration),
            Box::new(m20261207_000017_capacity::Migration),
            Box::new(m20261207_000018_usage_references::Migration),
        ]
    }
}
