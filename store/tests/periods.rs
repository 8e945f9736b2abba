//! Period close: nothing dated in a closed month can be added or changed — by form (usage,
//! revenue, receipts, corrections in and out of the month) or by import — until an admin
//! reopens it; closing and reopening are audited. On SQLite and PostgreSQL.

mod common;

use chrono::NaiveDate;
use common::test_db;
use std::sync::Arc;
use store::import::NoProgress;
use store::ledger::periods;
use store::ledger::{table_counts, WriteError};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

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

fn refused_as_closed(result: Result<impl std::fmt::Debug, WriteError>, column: &str) {
    match result {
        Err(WriteError::Invalid(errors)) => {
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(errors[0].column, column);
            assert!(
                errors[0].reason.contains("October 2026, which is closed"),
                "{}",
                errors[0].reason
            );
        }
        other => panic!("expected a closed-month refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_closed_month_takes_no_entries_until_reopened() {
    let t = test_db().await;
    store::demo::load_if_empty(&t.db, d("2026-11-23"))
        .await
        .unwrap();
    let november = store::ledger::usage::add(&t.db, "test", usage("2026-11-02", "5.00"))
        .await
        .unwrap();
    periods::close(&t.db, "cfo", d("2026-10-17")).await.unwrap();
    assert_eq!(
        periods::list(&t.db).await.unwrap()[0].month,
        d("2026-10-01"),
        "stored as the month"
    );
    let before = table_counts(&t.db).await.unwrap();

    refused_as_closed(
        store::ledger::usage::add(&t.db, "test", usage("2026-10-15", "1.00")).await,
        "date",
    );
    refused_as_closed(
        store::ledger::usage::correct(&t.db, "test", november, usage("2026-10-31", "5.00")).await,
        "date",
    );
    let october_entry = store::ledger::usage::list(
        &t.db,
        &store::ledger::usage::Filter {
            from: Some(d("2026-10-01")),
            to: Some(d("2026-10-31")),
            ..Default::default()
        },
        store::ledger::PageRequest::new(1, 1),
    )
    .await
    .unwrap()
    .rows[0]
        .id;
    refused_as_closed(
        store::ledger::usage::correct(&t.db, "test", october_entry, usage("2026-11-03", "1.00"))
            .await,
        "date",
    );
    let revenue = domain::NewRevenue::parse(&domain::entries::RawRevenue {
        period_start: "2026-10-01",
        amount: "1.00",
        currency: "EUR",
    })
    .unwrap();
    refused_as_closed(
        store::ledger::revenue::add(&t.db, "test", revenue).await,
        "period_start",
    );
    let receipt = domain::NewReceipt::parse(&domain::entries::RawReceipt {
        contract: "AWS-2025-38B",
        phase: "bulk-2026",
        date: "2026-10-20",
        quantity: "1",
        note: "",
        power_mw: "",
    })
    .unwrap();
    refused_as_closed(
        store::ledger::deliveries::log_receipt(&t.db, "test", receipt).await,
        "date",
    );

    // An import with one row in the closed month is refused whole, with its line.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("usage.csv");
    std::fs::write(
        &file,
        "contract,date,amount,quantity,unit,sku\nAWS-2025-38B,2026-11-04,1.00,1,gpu_hour,gb200\nAWS-2025-38B,2026-10-04,1.00,1,gpu_hour,gb200\n",
    )
    .unwrap();
    let sources = vec![store::ImportSource::open(&file).unwrap()];
    match store::import_files(&t.db, sources, "test", Arc::new(NoProgress)).await {
        Err(store::ImportError::Rejected { errors, .. }) => {
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(errors[0].line, Some(3));
            assert!(
                errors[0].reason.contains("which is closed"),
                "{}",
                errors[0].reason
            );
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert_eq!(
        table_counts(&t.db).await.unwrap(),
        before,
        "nothing written"
    );

    // Closing twice says so; reopening lets entries in again; both are audited.
    let again = periods::close(&t.db, "cfo", d("2026-10-01")).await;
    assert!(
        matches!(again, Err(WriteError::Invalid(ref e)) if e[0].reason.contains("already closed")),
        "{again:?}"
    );
    periods::reopen(&t.db, "admin", d("2026-10-01"))
        .await
        .unwrap();
    store::ledger::usage::add(&t.db, "test", usage("2026-10-15", "1.00"))
        .await
        .unwrap();
    assert!(matches!(
        periods::reopen(&t.db, "admin", d("2026-10-01")).await,
        Err(WriteError::NotFound(_))
    ));
    let history = store::ledger::history::list(
        &t.db,
        Some(domain::AuditEntity::Period),
        store::ledger::PageRequest::new(1, 10),
    )
    .await
    .unwrap();
    let actions: Vec<(String, String)> = history
        .rows
        .iter()
        .map(|r| (r.action.clone(), r.actor.clone()))
        .collect();
    assert_eq!(
        actions,
        [
            ("reopen".to_owned(), "admin".to_owned()),
            ("close".to_owned(), "cfo".to_owned())
        ]
    );
}
