//! Reading only what changed: after usage writes, corrections (also across contracts), new
//! contracts and revenue, the refreshed report snapshot equals a full read; an import reads
//! everything. On SQLite and PostgreSQL.

mod common;

use chrono::NaiveDate;
use common::test_db;
use domain::snapshot::LedgerSnapshot;
use store::reports::{ledger_version, refresh, snapshot};

/// Row order of the daily usage is not part of the data.
fn normalized(mut s: LedgerSnapshot) -> LedgerSnapshot {
    s.usage = s.usage.sorted();
    s
}

fn usage(contract: &str, date: &str, amount: &str) -> domain::NewUsage {
    domain::NewUsage::parse(&domain::entries::RawUsage {
        contract,
        vendor: "",
        currency: "",
        date,
        amount,
        quantity: "1",
        unit: "gpu_hour",
        sku: "h100",
        commitment: "",
    })
    .unwrap()
}

async fn assert_refresh_is_a_full_read(
    db: &sea_orm::DatabaseConnection,
    before: &LedgerSnapshot,
    since: i64,
) {
    let refreshed = refresh(db, before, since).await.unwrap();
    let full = snapshot(db).await.unwrap();
    assert_eq!(normalized(refreshed), normalized(full));
}

#[tokio::test]
async fn a_refresh_after_writes_equals_a_full_read() {
    let t = test_db().await;
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    store::demo::load_if_empty(&t.db, today).await.unwrap();
    let v0 = ledger_version(&t.db).await.unwrap();
    let s0 = snapshot(&t.db).await.unwrap();

    // Nothing changed: the same snapshot.
    assert_refresh_is_a_full_read(&t.db, &s0, v0).await;

    // A new day, and more on an existing day.
    let id = store::ledger::usage::add(
        &t.db,
        "test",
        usage("LAMBDA-2026-1B", "2026-11-20", "1234.56"),
    )
    .await
    .unwrap();
    store::ledger::usage::add(&t.db, "test", usage("AWS-2025-38B", "2026-11-01", "10.00"))
        .await
        .unwrap();
    assert_refresh_is_a_full_read(&t.db, &s0, v0).await;

    // A correction that moves an entry to another contract and day: both contracts change.
    let v1 = ledger_version(&t.db).await.unwrap();
    let s1 = snapshot(&t.db).await.unwrap();
    store::ledger::usage::correct(
        &t.db,
        "test",
        id,
        usage("CW-2025-22B", "2026-11-21", "99.00"),
    )
    .await
    .unwrap();
    let refreshed = refresh(&t.db, &s1, v1).await.unwrap();
    assert_eq!(
        normalized(refreshed.clone()),
        normalized(snapshot(&t.db).await.unwrap())
    );
    assert_ne!(
        normalized(refreshed),
        normalized(s1),
        "the correction shows"
    );

    // On-demand spend under no contract, and its correction onto a contract: the vendor's
    // day and the contract's both show, and the audit names the vendor.
    let v3 = ledger_version(&t.db).await.unwrap();
    let s3 = snapshot(&t.db).await.unwrap();
    let on_demand = domain::NewUsage::parse(&domain::entries::RawUsage {
        contract: "",
        vendor: "Lambda",
        currency: "USD",
        date: "2026-11-22",
        amount: "0.015907",
        quantity: "-1",
        unit: "gpu_hour",
        sku: "h100-on-demand",
        commitment: "",
    })
    .unwrap();
    let free = store::ledger::usage::add(&t.db, "test", on_demand)
        .await
        .unwrap();
    let refreshed = refresh(&t.db, &s3, v3).await.unwrap();
    assert_eq!(
        normalized(refreshed.clone()),
        normalized(snapshot(&t.db).await.unwrap())
    );
    let lambda = refreshed
        .vendors
        .iter()
        .find(|(_, n)| n == "Lambda")
        .unwrap()
        .0;
    let day = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let held: i64 = (0..refreshed.usage.len())
        .filter(|&i| {
            refreshed.usage.contract_id[i].is_none()
                && refreshed.usage.vendor_id[i] == lambda
                && refreshed.usage.date[i] == day
        })
        .map(|i| refreshed.usage.amount_e6[i])
        .sum();
    let before: i64 = (0..s3.usage.len())
        .filter(|&i| {
            s3.usage.contract_id[i].is_none()
                && s3.usage.vendor_id[i] == lambda
                && s3.usage.date[i] == day
        })
        .map(|i| s3.usage.amount_e6[i])
        .sum();
    assert_eq!(held - before, 15_907, "0.015907 exactly, under no contract");
    let v4 = ledger_version(&t.db).await.unwrap();
    let s4 = snapshot(&t.db).await.unwrap();
    store::ledger::usage::correct(
        &t.db,
        "test",
        free,
        usage("LAMBDA-2026-1B", "2026-11-22", "5.00"),
    )
    .await
    .unwrap();
    assert_eq!(
        normalized(refresh(&t.db, &s4, v4).await.unwrap()),
        normalized(snapshot(&t.db).await.unwrap())
    );
    let audit = store::ledger::history::list(
        &t.db,
        Some(domain::AuditEntity::Usage),
        store::ledger::PageRequest::new(1, 2),
    )
    .await
    .unwrap();
    let ids: Vec<_> = audit.rows.iter().map(|r| r.entity_id.clone()).collect();
    assert_eq!(
        ids,
        [
            Some(format!("LAMBDA-2026-1B/{free}")),
            Some(format!("vendor:Lambda/{free}"))
        ]
    );

    // Other kinds of change: revenue and a new contract are read in full every time.
    let v2 = ledger_version(&t.db).await.unwrap();
    let s2 = snapshot(&t.db).await.unwrap();
    let revenue = domain::NewRevenue::parse(&domain::entries::RawRevenue {
        period_start: "2030-01-01",
        amount: "5.00",
        currency: "USD",
    })
    .unwrap();
    store::ledger::revenue::add(&t.db, "test", revenue)
        .await
        .unwrap();
    assert_refresh_is_a_full_read(&t.db, &s2, v2).await;

    // An import is read in full.
    let v3 = ledger_version(&t.db).await.unwrap();
    let s3 = snapshot(&t.db).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("usage.csv");
    std::fs::write(
        &file,
        "contract,date,amount,quantity,unit,sku\nGCP-2025-TPU,2026-11-02,7.00,1,chip_hour,tpu\n",
    )
    .unwrap();
    let sources = store::ImportSource::open(&file).map(|s| vec![s]).unwrap();
    store::import_files(
        &t.db,
        sources,
        "test",
        std::sync::Arc::new(store::import::NoProgress),
    )
    .await
    .unwrap();
    assert_refresh_is_a_full_read(&t.db, &s3, v3).await;
}
