//! A day's usage can never add up past the largest amount the ledger holds: the entry or the
//! import is refused with a reason, and nothing changes (SQLite would otherwise store the sum
//! as an inexact REAL). On SQLite and PostgreSQL.

mod common;

use chrono::NaiveDate;
use common::test_db;
use std::sync::Arc;
use store::import::NoProgress;
use store::ledger::{table_counts, WriteError};

/// i64::MAX millionths: usage amounts are exact to 10^-6.
const LARGEST: &str = "9223372036854.775807";

fn usage(date: &str, amount: &str) -> domain::NewUsage {
    domain::NewUsage::parse(&domain::entries::RawUsage {
        contract: "AWS-2025-38B",
        vendor: "",
        currency: "",
        date,
        amount,
        quantity: "1",
        unit: "gpu_hour",
        sku: "gb200",
        commitment: "",
    })
    .unwrap()
}

#[tokio::test]
async fn a_day_that_would_overflow_is_refused_by_form_and_by_import() {
    let t = test_db().await;
    store::demo::load_if_empty(&t.db, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap())
        .await
        .unwrap();
    let before = table_counts(&t.db).await.unwrap();

    // 2026-11-01 already holds usage: the largest amount on top of it does not fit.
    match store::ledger::usage::add(&t.db, "test", usage("2026-11-01", LARGEST)).await {
        Err(WriteError::Invalid(errors)) => {
            assert_eq!(errors[0].column, "amount");
            assert!(
                errors[0].reason.contains("adds up past the largest amount"),
                "{}",
                errors[0].reason
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("usage.csv");
    std::fs::write(&file, format!("contract,date,amount,quantity,unit,sku\nAWS-2025-38B,2026-11-01,{LARGEST},1,gpu_hour,gb200\n")).unwrap();
    match store::import_files(
        &t.db,
        vec![store::ImportSource::open(&file).unwrap()],
        "test",
        Arc::new(NoProgress),
    )
    .await
    {
        Err(store::ImportError::Rejected { errors, .. }) => {
            assert!(
                errors[0].reason.contains("AWS-2025-38B"),
                "{}",
                errors[0].reason
            );
            assert_eq!(errors[0].column.as_deref(), Some("amount"));
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert_eq!(
        table_counts(&t.db).await.unwrap(),
        before,
        "nothing written"
    );

    // On a day with nothing yet, the largest amount fits exactly.
    store::ledger::usage::add(&t.db, "test", usage("2027-01-05", LARGEST))
        .await
        .unwrap();
    let snapshot = store::reports::snapshot(&t.db).await.unwrap();
    assert!(
        snapshot.usage.amount_e6.contains(&i64::MAX),
        "stored exactly"
    );
}
