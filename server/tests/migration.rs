//! A ledger written by the schema before usage had vendors and exact amounts (migration 7)
//! upgrades without loss: every report on it is byte-identical to the same ledger imported
//! fresh, and the burn-down is still the DOMAIN worked example's.

use app::reports::{run, ReportCache, ReportName, ReportRequest};
use sea_orm::{ConnectionTrait, Database, Statement};
use std::path::PathBuf;
use std::sync::Arc;
use store::import::{import_files, ImportSource, LedgerFile, NoProgress};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../store/tests/fixtures")
}

fn ledger_files(kinds: &[LedgerFile]) -> Vec<ImportSource> {
    kinds
        .iter()
        .map(|k| ImportSource::open_as(*k, &fixtures().join("ledger").join(k.file_name())).unwrap())
        .collect()
}

async fn reports(db: &sea_orm::DatabaseConnection) -> Vec<(ReportName, String)> {
    let cache = ReportCache::default();
    let request = ReportRequest::new(analytics::Filters {
        as_of: "2026-03-01".parse().ok(),
        ..Default::default()
    });
    let mut out = Vec::new();
    for name in ReportName::ALL {
        let table = run(&cache, db, *name, &request).await.unwrap();
        out.push((*name, table.to_csv_string()));
    }
    out
}

#[tokio::test]
async fn a_ledger_from_the_previous_schema_upgrades_and_reports_the_same() {
    let old = store::testing::fresh_database().await.unwrap();
    {
        let db = Database::connect(&old.url).await.unwrap();
        use migrations::MigratorTrait;
        migrations::Migrator::up(&db, Some(7)).await.unwrap();
        // Everything but usage has the same shape in both schemas.
        import_files(
            &db,
            ledger_files(&[
                LedgerFile::Vendors,
                LedgerFile::Contracts,
                LedgerFile::Deliveries,
                LedgerFile::Receipts,
                LedgerFile::Revenue,
            ]),
            "old-build",
            Arc::new(NoProgress),
        )
        .await
        .unwrap();
        // Usage as the previous build stored it: cents, a contract always, and its rollup.
        let rows = [
            ("C1", "2026-01-05", 10_000, 10_000_000, "gb200-us-east"),
            ("C1", "2026-01-05", 5_050, 5_000_000, "gb200-us-east"),
            ("C1", "2026-02-10", 20_000, 20_000_000, "gb300-us-east"),
            ("C2", "2026-01-20", 30_000, 30_000_000, "h100-eu-north"),
            ("C2", "2026-02-15", 10_000, 10_000_000, "h100-eu-north"),
        ];
        for (contract, date, cents, micros, sku) in rows {
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

    let (before, after) = (reports(&upgraded).await, reports(&fresh).await);
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
