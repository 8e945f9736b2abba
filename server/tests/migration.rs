//! Ledgers written by earlier schemas — before commitments had their own rows (migration 8),
//! and before usage had vendors and exact amounts (migration 7) — upgrade without loss: every
//! report on them is byte-identical to the same ledger imported fresh, and the burn-down is
//! still the fixtures' worked example.

use reports::{run, ReportCache, ReportName, ReportRequest};
use sea_orm::{ConnectionTrait, Database, Statement};
use std::path::PathBuf;
use std::sync::Arc;
use store::import::{import_files, ImportSource, LedgerFile, NoProgress};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../store/tests/fixtures")
}

async fn reports(db: &sea_orm::DatabaseConnection) -> Vec<(ReportName, String)> {
    let cache = ReportCache::default();
    let request = ReportRequest::new(analytics::Filters {
        as_of: "2026-03-01".parse().ok(),
        ..Default::default()
    });
    let mut out = Vec::new();
    for name in ReportName::ALL {
        let report = run(&cache, db, *name, &request).await.unwrap();
        out.push((*name, report.table.to_csv_string()));
    }
    out
}

/// The fixture ledger but its usage, as the schemas before commitments had their own rows
/// (migrations 1-8) store it: the commitment's terms on the contract row.
async fn old_ledger_without_usage(db: &impl ConnectionTrait) {
    for sql in [
        "INSERT INTO vendors (name, kind, created_at) VALUES ('A', 'hyperscaler', '2026-01-01 00:00:00+00:00'), ('B', 'neocloud', '2026-01-01 00:00:00+00:00')",
        "INSERT INTO contracts (reference, vendor_id, title, start_date, end_date, committed_minor, currency, commitment_model, fulfillment_interval, notes, created_at) \
         SELECT 'C1', id, '', '2026-01-01', '2026-12-31', 100000, 'USD', 'build_up', 'term', '', '2026-01-01 00:00:00+00:00' FROM vendors WHERE name = 'A'",
        "INSERT INTO contracts (reference, vendor_id, title, start_date, end_date, committed_minor, currency, commitment_model, fulfillment_interval, notes, created_at) \
         SELECT 'C2', id, '', '2026-01-01', '2027-12-31', 300000, 'USD', 'build_up', 'term', '', '2026-01-01 00:00:00+00:00' FROM vendors WHERE name = 'B'",
        "INSERT INTO delivery_phases (contract_id, phase, resource, region, planned_date, planned_quantity_micros) \
         SELECT id, 'initial', 'GB200', 'us-east-1', '2026-02-01', 100000000 FROM contracts WHERE reference = 'C1'",
        "INSERT INTO delivery_phases (contract_id, phase, resource, region, planned_date, planned_quantity_micros) \
         SELECT id, 'expansion', 'GB300', 'us-east-1', '2026-09-30', 250500000 FROM contracts WHERE reference = 'C1'",
        "INSERT INTO delivery_phases (contract_id, phase, resource, region, planned_date, planned_quantity_micros) \
         SELECT id, 'cluster', 'H100', 'eu-north-1', '2026-03-15', 64000000 FROM contracts WHERE reference = 'C2'",
        "INSERT INTO delivery_receipts (phase_id, date, quantity_micros, note) SELECT id, '2026-02-03', 60000000, 'first racks, \"late\" by 2 days' FROM delivery_phases WHERE phase = 'initial'",
        "INSERT INTO delivery_receipts (phase_id, date, quantity_micros, note) SELECT id, '2026-02-20', 40000000, '' FROM delivery_phases WHERE phase = 'initial'",
        "INSERT INTO delivery_receipts (phase_id, date, quantity_micros, note) SELECT id, '2026-03-10', 64000000, 'on time' FROM delivery_phases WHERE phase = 'cluster'",
        "INSERT INTO revenue_entries (period_start, amount_minor, currency) VALUES ('2026-01-01', 90000, 'USD'), ('2026-02-01', 100000, 'USD')",
    ] {
        db.execute_unprepared(sql).await.unwrap();
    }
}

/// The fixture's usage rows: (contract, date, cents, quantity micros, sku).
const USAGE: [(&str, &str, i64, i64, &str); 5] = [
    ("C1", "2026-01-05", 10_000, 10_000_000, "gb200-us-east"),
    ("C1", "2026-01-05", 5_050, 5_000_000, "gb200-us-east"),
    ("C1", "2026-02-10", 20_000, 20_000_000, "gb300-us-east"),
    ("C2", "2026-01-20", 30_000, 30_000_000, "h100-eu-north"),
    ("C2", "2026-02-15", 10_000, 10_000_000, "h100-eu-north"),
];

async fn fixture_ledger() -> (store::testing::TestDatabase, sea_orm::DatabaseConnection) {
    let fresh_db = store::testing::fresh_database().await.unwrap();
    let fresh = store::connect(&fresh_db.url).await.unwrap();
    import_files(
        &fresh,
        ImportSource::open_dir(&fixtures().join("ledger")).unwrap(),
        "new-build",
        Arc::new(NoProgress),
    )
    .await
    .unwrap();
    (fresh_db, fresh)
}

async fn assert_same_reports(
    upgraded: &sea_orm::DatabaseConnection,
    fresh: &sea_orm::DatabaseConnection,
) {
    let (before, after) = (reports(upgraded).await, reports(fresh).await);
    for ((name, a), (_, b)) in before.iter().zip(&after) {
        assert_eq!(a, b, "{name:?} differs on the upgraded ledger");
    }
    let burndown = &before
        .iter()
        .find(|(n, _)| n.as_str() == "burndown")
        .unwrap()
        .1;
    assert_eq!(
        burndown,
        &std::fs::read_to_string(fixtures().join("expected-burndown.csv")).unwrap()
    );
}

#[tokio::test]
async fn a_ledger_from_the_schema_before_commitments_upgrades_and_reports_the_same() {
    let old = store::testing::fresh_database().await.unwrap();
    {
        let db = Database::connect(&old.url).await.unwrap();
        use migrations::MigratorTrait;
        migrations::Migrator::up(&db, Some(8)).await.unwrap();
        old_ledger_without_usage(&db).await;
        for (contract, date, cents, micros, sku) in USAGE {
            db.execute_unprepared(&format!(
                "INSERT INTO usage_entries (vendor_id, contract_id, date, amount_e6, currency, quantity_micros, unit, sku) \
                 SELECT vendor_id, id, '{date}', {cents} * 10000, 'USD', {micros}, 'gpu_hour', '{sku}' FROM contracts WHERE reference = '{contract}'"
            ))
            .await
            .unwrap();
        }
        db.execute_unprepared(
            "INSERT INTO usage_daily (contract_id, date, vendor_id, amount_e6, quantity_micros, entries) \
             SELECT contract_id, date, vendor_id, SUM(amount_e6), SUM(quantity_micros), COUNT(*) \
             FROM usage_entries GROUP BY contract_id, date, vendor_id",
        )
        .await
        .unwrap();
        db.close().await.unwrap();
    }
    let upgraded = store::connect(&old.url).await.expect("the upgrade runs");
    let (_fresh_db, fresh) = fixture_ledger().await;
    assert_same_reports(&upgraded, &fresh).await;
    // Each contract has one commitment, its own, holding all of its usage.
    let row = upgraded
        .query_one_raw(Statement::from_string(
            upgraded.get_database_backend(),
            "SELECT CAST(COUNT(*) AS BIGINT), \
             CAST((SELECT COUNT(*) FROM usage_entries WHERE commitment_id IS NULL) AS BIGINT), \
             CAST((SELECT SUM(committed_minor) FROM contracts) AS BIGINT) \
             FROM commitments k JOIN contracts c ON c.id = k.contract_id AND c.reference = k.reference"
                .to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    let counts: (i64, i64, i64) = (
        row.try_get_by_index(0).unwrap(),
        row.try_get_by_index(1).unwrap(),
        row.try_get_by_index(2).unwrap(),
    );
    assert_eq!(
        counts,
        (2, 0, 0),
        "two own commitments, nothing unapplied, the contract's retired amount reset"
    );
    // The contracts file exports as before the upgrade.
    let mut out = Vec::new();
    store::export::export_table(&upgraded, LedgerFile::Contracts, &mut out)
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "reference,vendor,start_date,end_date,committed_amount,currency,title,commitment_model,fulfillment_interval,notes\n\
         C1,A,2026-01-01,2026-12-31,1000.00,USD,,build_up,term,\n\
         C2,B,2026-01-01,2027-12-31,3000.00,USD,,build_up,term,\n"
    );
}

#[tokio::test]
async fn a_ledger_from_the_previous_schema_upgrades_and_reports_the_same() {
    let old = store::testing::fresh_database().await.unwrap();
    {
        let db = Database::connect(&old.url).await.unwrap();
        use migrations::MigratorTrait;
        migrations::Migrator::up(&db, Some(7)).await.unwrap();
        old_ledger_without_usage(&db).await;
        // Usage as the previous build stored it: cents, a contract always, and its rollup.
        for (contract, date, cents, micros, sku) in USAGE {
            db.execute_unprepared(&format!(
                "INSERT INTO usage_entries (contract_id, date, amount_minor, currency, quantity_micros, unit, sku) \
                 SELECT id, '{date}', {cents}, 'USD', {micros}, 'gpu_hour', '{sku}' FROM contracts WHERE reference = '{contract}'"
            ))
            .await
            .unwrap();
        }
        db.execute_unprepared(
            "INSERT INTO usage_daily (contract_id, date, amount_minor, quantity_micros, entries) \
             SELECT contract_id, date, SUM(amount_minor), SUM(quantity_micros), COUNT(*) \
             FROM usage_entries GROUP BY contract_id, date",
        )
        .await
        .unwrap();
        db.close().await.unwrap();
    }
    let upgraded = store::connect(&old.url).await.expect("the upgrade runs");

    let (_fresh_db, fresh) = fixture_ledger().await;
    assert_same_reports(&upgraded, &fresh).await;
    // The upgraded entries name their vendor and hold millionths.
    let row = upgraded
        .query_one_raw(Statement::from_string(
            upgraded.get_database_backend(),
            "SELECT v.name, u.amount_e6 FROM usage_entries u JOIN vendors v ON v.id = u.vendor_id \
             WHERE u.sku = 'gb300-us-east'"
                .to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    let (vendor, amount): (String, i64) = (
        row.try_get_by_index(0).unwrap(),
        row.try_get_by_index(1).unwrap(),
    );
    assert_eq!((vendor.as_str(), amount), ("A", 200_000_000));
    // New entries after the upgrade get ids past the copied ones (PostgreSQL's sequence).
    let id = store::ledger::usage::add(
        &upgraded,
        "tester",
        domain::NewUsage::parse(&domain::entries::RawUsage {
            contract: "C1",
            vendor: "",
            currency: "",
            date: "2026-03-01",
            amount: "0.015907",
            quantity: "1",
            unit: "h",
            sku: "x",
            commitment: "",
        })
        .unwrap(),
    )
    .await
    .unwrap();
    assert!(id > 5, "{id}");
}
