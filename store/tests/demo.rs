//! The demo ledger loads through the importer on an empty database, and only there.

mod common;

use chrono::NaiveDate;
use common::test_db;
use store::ledger::{contract_overviews, table_counts};

#[tokio::test]
async fn the_demo_loads_once_into_an_empty_ledger() {
    let t = test_db().await;
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let report = store::demo::load_if_empty(&t.db, today)
        .await
        .unwrap()
        .expect("demo loaded");
    assert!(report.total_rows() > 1_000);
    let contracts = contract_overviews(&t.db).await.unwrap();
    let aws = contracts
        .iter()
        .find(|c| c.reference == "AWS-2025-38B")
        .expect("the AWS deal");
    assert_eq!(aws.committed().amount_string(), "38000000000.00");
    assert!(aws.burned_minor > 0 && aws.burned_minor < aws.committed_minor);
    let oracle = contracts
        .iter()
        .find(|c| c.reference == "OCI-2027-300B")
        .expect("the Oracle deal");
    assert_eq!(oracle.burned_minor, 0, "the Oracle term starts in 2027");

    let counts = table_counts(&t.db).await.unwrap();
    assert!(store::demo::load_if_empty(&t.db, today)
        .await
        .unwrap()
        .is_none());
    assert_eq!(table_counts(&t.db).await.unwrap(), counts);
}
